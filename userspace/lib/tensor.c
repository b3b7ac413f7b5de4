// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Tensors: dense layouts, views and names (kernels.h).
 */
#include <errno.h>
#include <string.h>

#include "kcheck.h"
#include "taihu_internal.h"

/* The caller's tensor as the library's, or -EINVAL. */
static int tensor_in(struct taihu_tensor *out, const struct taihu_tensor *t)
{
	if (!t)
		return -EINVAL;
	return taihu__sized_in(out, sizeof(*out), t, sizeof(*out));
}

/* Write back @t into the caller's @out (only its size). */
static void tensor_out(struct taihu_tensor *out, const struct taihu_tensor *t)
{
	taihu__sized_out(out, t, sizeof(*t));
}

TAIHU_EXPORT int taihu_tensor_init(struct taihu_tensor *t, uint32_t dtype, uint32_t rank,
				   const uint64_t *shape, uint64_t addr)
{
	uint64_t elems = 1;
	unsigned int i;

	if (!t || !tk_dtype_size(dtype) || rank > TAIHU_MAX_RANK || (rank && !shape))
		return -EINVAL;
	for (i = 0; i < rank; i++)
		if (!shape[i] || shape[i] > UINT32_MAX ||
		    __builtin_mul_overflow(elems, shape[i], &elems) || elems > (1ULL << 56))
			return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->dtype = dtype;
	t->addr = addr;
	t->rank = rank;
	for (i = rank; i-- > 0;) {
		t->shape[i] = shape[i];
		t->strides[i] = i + 1 < rank ? t->strides[i + 1] * (int64_t)t->shape[i + 1] : 1;
	}
	return 0;
}

TAIHU_EXPORT int taihu_tensor_bo(struct taihu_tensor *t, const struct taihu_bo *bo,
				 uint64_t offset, uint32_t dtype, uint32_t rank,
				 const uint64_t *shape)
{
	int ret;

	if (!bo)
		return -EINVAL;
	ret = taihu_tensor_init(t, dtype, rank, shape, 0);
	if (ret)
		return ret;
	ret = taihu__bo_range(bo, offset, taihu_tensor_bytes(t));
	if (ret)
		return ret;
	t->addr = bo->dev_addr + offset;
	return 0;
}

TAIHU_EXPORT uint64_t taihu_tensor_elems(const struct taihu_tensor *t)
{
	struct taihu_tensor v;
	uint64_t n = 1;
	unsigned int i;

	if (tensor_in(&v, t) || v.rank > TAIHU_MAX_RANK)
		return 0;
	for (i = 0; i < v.rank; i++)
		if (__builtin_mul_overflow(n, v.shape[i], &n))
			return 0;
	return n;
}

TAIHU_EXPORT uint64_t taihu_tensor_bytes(const struct taihu_tensor *t)
{
	struct taihu_tensor v;
	uint64_t maxoff = 0, step, bytes;
	unsigned int i, esz;

	if (tensor_in(&v, t) || v.rank > TAIHU_MAX_RANK || !(esz = tk_dtype_size(v.dtype)))
		return 0;
	for (i = 0; i < v.rank; i++) {
		if (!v.shape[i] || v.strides[i] < 0)
			return 0;
		if (__builtin_mul_overflow(v.shape[i] - 1, (uint64_t)v.strides[i], &step) ||
		    __builtin_add_overflow(maxoff, step, &maxoff))
			return 0;
	}
	if (__builtin_mul_overflow(maxoff + 1, (uint64_t)esz, &bytes))
		return 0;
	return bytes;
}

TAIHU_EXPORT int taihu_tensor_permute(struct taihu_tensor *t, const uint32_t *perm)
{
	struct taihu_tensor v, o;
	unsigned int i, seen = 0;

	if (!perm || tensor_in(&v, t) || v.rank > TAIHU_MAX_RANK)
		return -EINVAL;
	o = v;
	for (i = 0; i < v.rank; i++) {
		if (perm[i] >= v.rank || (seen & (1u << perm[i])))
			return -EINVAL;
		seen |= 1u << perm[i];
		o.shape[i] = v.shape[perm[i]];
		o.strides[i] = v.strides[perm[i]];
	}
	if (v.quant == TAIHU_QUANT_CHANNEL)
		for (i = 0; i < v.rank; i++)
			if (perm[i] == v.quant_axis)
				o.quant_axis = i;
	tensor_out(t, &o);
	return 0;
}

TAIHU_EXPORT int taihu_tensor_broadcast(struct taihu_tensor *t, uint32_t rank,
					const uint64_t *shape)
{
	struct taihu_tensor v, o;
	unsigned int i, lead;

	if (!shape || tensor_in(&v, t) || rank > TAIHU_MAX_RANK || v.rank > rank)
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	o = v;
	o.rank = rank;
	lead = rank - v.rank;
	for (i = 0; i < rank; i++) {
		uint64_t have = i < lead ? 1 : v.shape[i - lead];

		if (!shape[i] || shape[i] > UINT32_MAX || (have != 1 && have != shape[i]))
			return -EINVAL;
		o.shape[i] = shape[i];
		o.strides[i] = have == 1 ? 0 : v.strides[i - lead];
	}
	if (v.quant == TAIHU_QUANT_CHANNEL)
		o.quant_axis = v.quant_axis + lead;
	tensor_out(t, &o);
	return 0;
}

TAIHU_EXPORT int taihu_tensor_slice(struct taihu_tensor *t, uint32_t axis, uint64_t start,
				    uint64_t count, uint64_t step)
{
	struct taihu_tensor v;
	unsigned int esz;

	if (tensor_in(&v, t) || axis >= v.rank || v.rank > TAIHU_MAX_RANK || !count || !step ||
	    !(esz = tk_dtype_size(v.dtype)) || v.strides[axis] < 0)
		return -EINVAL;
	if (start >= v.shape[axis] || (count - 1) > (v.shape[axis] - 1 - start) / step)
		return -EINVAL;
	if (v.quant == TAIHU_QUANT_CHANNEL && axis == v.quant_axis)
		return -EINVAL;	/* the channel arrays would need slicing too */
	v.addr += start * (uint64_t)v.strides[axis] * esz;
	v.shape[axis] = count;
	v.strides[axis] *= (int64_t)step;
	tensor_out(t, &v);
	return 0;
}

TAIHU_EXPORT int taihu_tensor_reshape(struct taihu_tensor *t, uint32_t rank,
				      const uint64_t *shape)
{
	struct taihu_tensor v, o;
	int64_t expect = 1;
	unsigned int i;

	if (tensor_in(&v, t) || v.rank > TAIHU_MAX_RANK || v.quant == TAIHU_QUANT_CHANNEL)
		return -EINVAL;
	for (i = v.rank; i-- > 0;) {
		if (v.shape[i] != 1 && v.strides[i] != expect)
			return -EINVAL;	/* not dense row-major */
		expect *= (int64_t)v.shape[i];
	}
	if (taihu_tensor_init(&o, v.dtype, rank, shape, v.addr) ||
	    taihu_tensor_elems(&o) != taihu_tensor_elems(&v))
		return -EINVAL;
	o.quant = v.quant;
	o.scale = v.scale;
	o.zero_point = v.zero_point;
	tensor_out(t, &o);
	return 0;
}

TAIHU_EXPORT int taihu_tensor_quantize(struct taihu_tensor *t, float scale, int32_t zero_point)
{
	struct taihu_tensor v;

	if (tensor_in(&v, t) || !tk_dtype_is_quant(v.dtype))
		return -EINVAL;
	v.quant = TAIHU_QUANT_TENSOR;
	v.scale = scale;
	v.zero_point = zero_point;
	v.quant_axis = 0;
	v.scale_addr = 0;
	v.zero_point_addr = 0;
	tensor_out(t, &v);
	return 0;
}

TAIHU_EXPORT int taihu_tensor_quantize_channels(struct taihu_tensor *t, uint32_t axis,
						uint64_t scale_addr, uint64_t zero_point_addr)
{
	struct taihu_tensor v;

	if (tensor_in(&v, t) || !tk_dtype_is_quant(v.dtype) || axis >= v.rank || !scale_addr)
		return -EINVAL;
	v.quant = TAIHU_QUANT_CHANNEL;
	v.quant_axis = axis;
	v.scale = 0.0f;
	v.zero_point = 0;
	v.scale_addr = scale_addr;
	v.zero_point_addr = zero_point_addr;
	tensor_out(t, &v);
	return 0;
}

TAIHU_EXPORT unsigned int taihu_dtype_size(uint32_t dtype)
{
	return tk_dtype_size(dtype);
}

TAIHU_EXPORT const char *taihu_dtype_name(uint32_t dtype)
{
	return tk_dtype_name(dtype);
}

TAIHU_EXPORT int taihu_dtype_from_name(const char *name)
{
	int dt = tk_dtype_by_name(name);

	return dt < 0 ? -EINVAL : dt;
}

TAIHU_EXPORT const char *taihu_kernel_name(uint32_t kernel)
{
	return tk_kernel_name(kernel);
}

TAIHU_EXPORT int taihu_kernel_from_name(const char *name)
{
	int k = tk_kernel_by_name(name);

	return k <= 0 ? -EINVAL : k;
}
