// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Element types: names, sizes and the 16-bit float conversions.
 */
#include <math.h>
#include <string.h>

#include "ox.h"

static const struct {
	const char *name;
	size_t size;
} dtypes[] = {
	[OX_UNDEF] = { "undefined", 0 },
	[OX_F32] = { "float32", 4 },
	[OX_U8] = { "uint8", 1 },
	[OX_I8] = { "int8", 1 },
	[OX_U16] = { "uint16", 2 },
	[OX_I16] = { "int16", 2 },
	[OX_I32] = { "int32", 4 },
	[OX_I64] = { "int64", 8 },
	[OX_STRING] = { "string", 0 },
	[OX_BOOL] = { "bool", 1 },
	[OX_F16] = { "float16", 2 },
	[OX_F64] = { "float64", 8 },
	[OX_U32] = { "uint32", 4 },
	[OX_U64] = { "uint64", 8 },
	[OX_C64] = { "complex64", 0 },
	[OX_C128] = { "complex128", 0 },
	[OX_BF16] = { "bfloat16", 2 },
};

const char *ox_dtype_name(int dt)
{
	if (dt < 0 || (size_t)dt >= OX_ARRAY_SIZE(dtypes) || !dtypes[dt].name)
		return "undefined";
	return dtypes[dt].name;
}

size_t ox_dtype_size(int dt)
{
	if (dt < 0 || (size_t)dt >= OX_ARRAY_SIZE(dtypes))
		return 0;
	return dtypes[dt].size;
}

OX_EXPORT const char *taihu_onnx_dtype_name(int dtype)
{
	return ox_dtype_name(dtype);
}

OX_EXPORT size_t taihu_onnx_dtype_size(int dtype)
{
	return ox_dtype_size(dtype);
}

bool ox_dtype_is_float(int dt)
{
	return dt == OX_F32 || dt == OX_F16 || dt == OX_BF16 || dt == OX_F64;
}

bool ox_dtype_is_int(int dt)
{
	switch (dt) {
	case OX_U8: case OX_I8: case OX_U16: case OX_I16: case OX_I32:
	case OX_I64: case OX_U32: case OX_U64:
		return true;
	}
	return false;
}

bool ox_dtype_is_signed(int dt)
{
	return dt == OX_I8 || dt == OX_I16 || dt == OX_I32 || dt == OX_I64 ||
	       ox_dtype_is_float(dt);
}

static uint32_t f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float bits_f32(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

float ox_f16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16;
	uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;

	if (exp == 0x1f)
		return bits_f32(sign | 0x7f800000 | (man << 13));
	if (exp == 0) {
		/* subnormal or zero: man * 2^-24 */
		float v = ldexpf((float)man, -24);

		return sign ? -v : v;
	}
	return bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t ox_f32_to_f16(float f)
{
	uint32_t u = f32_bits(f);
	uint32_t sign = (u >> 16) & 0x8000;
	int32_t exp = (int32_t)((u >> 23) & 0xff) - 127 + 15;
	uint32_t man = u & 0x7fffff;

	if (((u >> 23) & 0xff) == 0xff)	/* Inf or NaN (keep a quiet NaN) */
		return (uint16_t)(sign | 0x7c00 | (man ? 0x200 | (man >> 13) : 0));
	if (exp >= 0x1f)
		return (uint16_t)(sign | 0x7c00);
	if (exp <= 0) {
		uint32_t m, shift, half, rem, res;

		if (exp < -10)
			return (uint16_t)sign;
		m = man | 0x800000;
		shift = (uint32_t)(14 - exp);
		half = 1u << (shift - 1);
		rem = m & ((1u << shift) - 1);
		res = m >> shift;
		if (rem > half || (rem == half && (res & 1)))
			res++;
		return (uint16_t)(sign | res);
	}
	{
		uint32_t res = ((uint32_t)exp << 10) | (man >> 13);
		uint32_t rem = man & 0x1fff;

		if (rem > 0x1000 || (rem == 0x1000 && (res & 1)))
			res++;	/* may carry into the exponent: still right */
		return (uint16_t)(sign | res);
	}
}

float ox_bf16_to_f32(uint16_t h)
{
	return bits_f32((uint32_t)h << 16);
}

uint16_t ox_f32_to_bf16_trunc(float f)
{
	return (uint16_t)(f32_bits(f) >> 16);
}

uint16_t ox_f32_to_bf16(float f)
{
	uint32_t u = f32_bits(f);

	if ((u & 0x7fffffff) > 0x7f800000)
		return (uint16_t)((u >> 16) | 0x40);	/* quiet NaN */
	u += 0x7fff + ((u >> 16) & 1);
	return (uint16_t)(u >> 16);
}
