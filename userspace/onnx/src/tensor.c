// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Host tensors: allocation, element access with conversion, public getters.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ox.h"

int64_t ox_numel(int rank, const int64_t *dims)
{
	int64_t n = 1;
	int i;

	if (rank < 0 || rank > OX_MAX_RANK)
		return -1;
	for (i = 0; i < rank; i++) {
		if (dims[i] < 0)
			return -1;
		if (dims[i] && n > INT64_MAX / dims[i])
			return -1;
		n *= dims[i];
	}
	return n;
}

static ox_tensor *tensor_header(int dtype, int rank, const int64_t *dims)
{
	size_t es = ox_dtype_size(dtype);
	int64_t n = ox_numel(rank, dims);
	ox_tensor *t;

	if (!es) {
		ox_err(-EOPNOTSUPP, "tensors of type %s are not supported",
		       ox_dtype_name(dtype));
		return NULL;
	}
	if (n < 0 || (uint64_t)n > OX_MAX_TENSOR_BYTES / es) {
		char buf[128];

		ox_err(-E2BIG, "tensor of shape %s is too large",
		       ox_shape_str(rank, dims, buf, sizeof(buf)));
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		ox_err(-ENOMEM, "out of memory");
		return NULL;
	}
	t->dtype = dtype;
	t->rank = rank;
	if (rank)
		memcpy(t->dims, dims, sizeof(*dims) * (size_t)rank);
	t->numel = n;
	t->nbytes = (size_t)n * es;
	return t;
}

ox_tensor *ox_tensor_new(int dtype, int rank, const int64_t *dims)
{
	ox_tensor *t = tensor_header(dtype, rank, dims);

	if (!t)
		return NULL;
	/* one spare byte so that empty tensors still have a pointer */
	t->data = calloc(1, t->nbytes + 1);
	if (!t->data) {
		ox_err(-ENOMEM, "out of memory for a tensor of %zu bytes", t->nbytes);
		free(t);
		return NULL;
	}
	t->owned = true;
	return t;
}

ox_tensor *ox_tensor_wrap(int dtype, int rank, const int64_t *dims, void *data)
{
	ox_tensor *t = tensor_header(dtype, rank, dims);

	if (t)
		t->data = data;
	return t;
}

ox_tensor *ox_tensor_clone(const ox_tensor *src)
{
	ox_tensor *t = ox_tensor_new(src->dtype, src->rank, src->dims);

	if (!t)
		return NULL;
	memcpy(t->data, src->data, src->nbytes);
	t->format = src->format;
	if (src->name && ox_tensor_set_name(t, src->name)) {
		ox_tensor_free(t);
		return NULL;
	}
	return t;
}

void ox_tensor_free(ox_tensor *t)
{
	if (!t)
		return;
	if (t->owned)
		free(t->data);
	free(t->name);
	free(t);
}

int ox_tensor_set_name(ox_tensor *t, const char *name)
{
	char *n = strdup(name ? name : "");

	if (!n)
		return ox_err(-ENOMEM, "out of memory");
	free(t->name);
	t->name = n;
	return 0;
}

double ox_get_f(const ox_tensor *t, int64_t i)
{
	const void *p = t->data;

	switch (t->dtype) {
	case OX_F32: return ((const float *)p)[i];
	case OX_F64: return ((const double *)p)[i];
	case OX_F16: return ox_f16_to_f32(((const uint16_t *)p)[i]);
	case OX_BF16: return ox_bf16_to_f32(((const uint16_t *)p)[i]);
	case OX_U64: return (double)((const uint64_t *)p)[i];
	default: return (double)ox_get_i(t, i);
	}
}

int64_t ox_get_i(const ox_tensor *t, int64_t i)
{
	const void *p = t->data;

	switch (t->dtype) {
	case OX_U8: return ((const uint8_t *)p)[i];
	case OX_BOOL: return ((const uint8_t *)p)[i] != 0;
	case OX_I8: return ((const int8_t *)p)[i];
	case OX_U16: return ((const uint16_t *)p)[i];
	case OX_I16: return ((const int16_t *)p)[i];
	case OX_I32: return ((const int32_t *)p)[i];
	case OX_U32: return ((const uint32_t *)p)[i];
	case OX_I64: return ((const int64_t *)p)[i];
	case OX_U64: return (int64_t)((const uint64_t *)p)[i];
	default: {
		double v = ox_get_f(t, i);

		/* C conversion of out-of-range doubles is undefined: clamp */
		if (isnan(v))
			return 0;
		if (v >= 9.2233720368547758e18)
			return INT64_MAX;
		if (v <= -9.2233720368547758e18)
			return INT64_MIN;
		return (int64_t)v;
	}
	}
}

/* Saturating double -> integer conversion (C leaves overflow undefined). */
static int64_t clamp_i(double v, double lo, double hi)
{
	if (isnan(v))
		return 0;
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return (int64_t)v;
}

void ox_set_f(ox_tensor *t, int64_t i, double v)
{
	void *p = t->data;

	switch (t->dtype) {
	case OX_F32: ((float *)p)[i] = (float)v; return;
	case OX_F64: ((double *)p)[i] = v; return;
	case OX_F16: ((uint16_t *)p)[i] = ox_f32_to_f16((float)v); return;
	case OX_BF16: ((uint16_t *)p)[i] = ox_f32_to_bf16((float)v); return;
	case OX_BOOL: ((uint8_t *)p)[i] = v != 0; return;
	case OX_U8: ((uint8_t *)p)[i] = (uint8_t)clamp_i(v, 0, 255); return;
	case OX_I8: ((int8_t *)p)[i] = (int8_t)clamp_i(v, -128, 127); return;
	case OX_U16: ((uint16_t *)p)[i] = (uint16_t)clamp_i(v, 0, 65535); return;
	case OX_I16: ((int16_t *)p)[i] = (int16_t)clamp_i(v, -32768, 32767); return;
	case OX_I32: ((int32_t *)p)[i] = (int32_t)clamp_i(v, -2147483648.0, 2147483647.0); return;
	case OX_U32: ((uint32_t *)p)[i] = (uint32_t)clamp_i(v, 0, 4294967295.0); return;
	case OX_I64:
		((int64_t *)p)[i] = clamp_i(v, -9.2233720368547758e18, 9.2233720368547748e18);
		return;
	case OX_U64:
		((uint64_t *)p)[i] = v <= 0 || isnan(v) ? 0 :
			v >= 1.8446744073709552e19 ? UINT64_MAX : (uint64_t)v;
		return;
	}
}

void ox_set_i(ox_tensor *t, int64_t i, int64_t v)
{
	void *p = t->data;

	/* integer targets wrap like a C cast (ONNX Cast between integers) */
	switch (t->dtype) {
	case OX_BOOL: ((uint8_t *)p)[i] = v != 0; return;
	case OX_U8: ((uint8_t *)p)[i] = (uint8_t)v; return;
	case OX_I8: ((int8_t *)p)[i] = (int8_t)v; return;
	case OX_U16: ((uint16_t *)p)[i] = (uint16_t)v; return;
	case OX_I16: ((int16_t *)p)[i] = (int16_t)v; return;
	case OX_I32: ((int32_t *)p)[i] = (int32_t)v; return;
	case OX_U32: ((uint32_t *)p)[i] = (uint32_t)v; return;
	case OX_I64: ((int64_t *)p)[i] = v; return;
	case OX_U64: ((uint64_t *)p)[i] = (uint64_t)v; return;
	default: ox_set_f(t, i, (double)v); return;
	}
}

void ox_convert(ox_tensor *dst, const ox_tensor *src)
{
	int64_t i;

	if (dst->dtype == src->dtype) {
		memcpy(dst->data, src->data, dst->nbytes);
		return;
	}
	for (i = 0; i < dst->numel; i++) {
		if (ox_dtype_is_float(src->dtype) || src->dtype == OX_U64)
			ox_set_f(dst, i, ox_get_f(src, i));
		else
			ox_set_i(dst, i, ox_get_i(src, i));
	}
}

const char *ox_shape_str(int rank, const int64_t *dims, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	if (!len)
		return buf;
	buf[0] = 0;
	if (rank < 0) {
		snprintf(buf, len, "[?]");
		return buf;
	}
	o += (size_t)snprintf(buf + o, len - o, "[");
	for (i = 0; i < rank && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "",
				      (long long)dims[i]);
	if (o < len)
		snprintf(buf + o, len - o, "]");
	return buf;
}

bool ox_next_index(int64_t *idx, const int64_t *dims, int rank)
{
	int k;

	for (k = rank - 1; k >= 0; k--) {
		if (++idx[k] < dims[k])
			return true;
		idx[k] = 0;
	}
	return false;
}

void ox_strides(int rank, const int64_t *dims, int64_t *strides)
{
	int64_t s = 1;
	int i;

	for (i = rank - 1; i >= 0; i--) {
		strides[i] = s;
		s *= dims[i] > 0 ? dims[i] : 1;
	}
}

/* ---- public API ---- */

OX_EXPORT int taihu_onnx_tensor_new(int dtype, int rank, const int64_t *dims,
				    struct taihu_onnx_tensor **out)
{
	if (!out || rank < 0 || rank > OX_MAX_RANK || (rank && !dims))
		return ox_err(-EINVAL, "taihu_onnx_tensor_new: invalid arguments");
	*out = ox_tensor_new(dtype, rank, dims);
	return *out ? 0 : -EINVAL;
}

OX_EXPORT void taihu_onnx_tensor_free(struct taihu_onnx_tensor *t)
{
	ox_tensor_free(t);
}

OX_EXPORT int taihu_onnx_tensor_format(const struct taihu_onnx_tensor *t)
{
	return t ? t->format : -EINVAL;
}

OX_EXPORT int taihu_onnx_tensor_dtype(const struct taihu_onnx_tensor *t)
{
	return t ? t->dtype : -EINVAL;
}

OX_EXPORT int taihu_onnx_tensor_rank(const struct taihu_onnx_tensor *t)
{
	return t ? t->rank : -EINVAL;
}

OX_EXPORT const int64_t *taihu_onnx_tensor_dims(const struct taihu_onnx_tensor *t)
{
	return t ? t->dims : NULL;
}

OX_EXPORT int64_t taihu_onnx_tensor_numel(const struct taihu_onnx_tensor *t)
{
	return t ? t->numel : -EINVAL;
}

OX_EXPORT void *taihu_onnx_tensor_data(struct taihu_onnx_tensor *t)
{
	return t ? t->data : NULL;
}

OX_EXPORT const void *taihu_onnx_tensor_cdata(const struct taihu_onnx_tensor *t)
{
	return t ? t->data : NULL;
}

OX_EXPORT const char *taihu_onnx_tensor_name(const struct taihu_onnx_tensor *t)
{
	return t && t->name ? t->name : "";
}

OX_EXPORT double taihu_onnx_tensor_element(const struct taihu_onnx_tensor *t, int64_t i)
{
	if (!t || i < 0 || i >= t->numel)
		return NAN;
	return ox_get_f(t, i);
}
