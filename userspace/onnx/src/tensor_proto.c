// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * ONNX TensorProto -> host tensor: raw_data or the typed fields, checked
 * against the declared shape.
 */
#include <string.h>

#include "onnx.pb-c.h"
#include "ox.h"

/* Copy @count typed values from @src (of C type @T) into @t. */
#define COPY_TYPED(t, src, T)						\
	do {								\
		int64_t k_;						\
		for (k_ = 0; k_ < (t)->numel; k_++)			\
			((T *)(t)->data)[k_] = (T)(src)[k_];		\
	} while (0)

int ox_tensor_from_proto(const Onnx__TensorProto *tp, const char *what, ox_tensor **out)
{
	int64_t dims[OX_MAX_RANK];
	size_t typed = 0, i;
	int dt, err;
	ox_tensor *t;

	*out = NULL;
	dt = tp->has_data_type ? tp->data_type : OX_UNDEF;
	if (dt == OX_UNDEF)
		return ox_err(-EINVAL, "tensor '%s' has no data type", what);
	if (!ox_dtype_size(dt))
		return ox_err(-EOPNOTSUPP, "tensor '%s': data type %s (%d) is not supported",
			      what, ox_dtype_name(dt), dt);
	if (tp->n_dims > OX_MAX_RANK)
		return ox_err(-EOPNOTSUPP, "tensor '%s' has rank %zu (at most %d)", what,
			      tp->n_dims, OX_MAX_RANK);
	for (i = 0; i < tp->n_dims; i++) {
		if (tp->dims[i] < 0)
			return ox_err(-EINVAL, "tensor '%s' has a negative dimension", what);
		dims[i] = tp->dims[i];
	}
	if ((tp->has_data_location &&
	     tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) ||
	    tp->n_external_data)
		return ox_err(-EOPNOTSUPP, "tensor '%s' keeps its data in an external file",
			      what);
	if (tp->segment)
		return ox_err(-EOPNOTSUPP, "tensor '%s' is segmented", what);
	t = ox_tensor_new(dt, (int)tp->n_dims, dims);
	if (!t)
		return ox_err_prefix(-EINVAL, "tensor '%s'", what);

	if (tp->has_raw_data) {
		if (tp->raw_data.len != t->nbytes) {
			err = ox_err(-EINVAL, "tensor '%s' %s%s: raw_data has %zu bytes, "
				     "its shape needs %zu", what, ox_dtype_name(dt),
				     ox_shape_str(t->rank, t->dims, (char[96]){0}, 96),
				     tp->raw_data.len, t->nbytes);
			goto fail;
		}
		if (t->nbytes)
			memcpy(t->data, tp->raw_data.data, t->nbytes);
		if (dt == OX_BOOL)	/* bools are bytes 0/1 on the card */
			for (i = 0; i < t->nbytes; i++)
				((uint8_t *)t->data)[i] = ((uint8_t *)t->data)[i] != 0;
		*out = t;
		return 0;
	}

	switch (dt) {
	case OX_F32:
		typed = tp->n_float_data;
		break;
	case OX_I32: case OX_I16: case OX_I8: case OX_U16: case OX_U8:
	case OX_BOOL: case OX_F16: case OX_BF16:
		typed = tp->n_int32_data;
		break;
	case OX_I64:
		typed = tp->n_int64_data;
		break;
	case OX_F64:
		typed = tp->n_double_data;
		break;
	case OX_U32: case OX_U64:
		typed = tp->n_uint64_data;
		break;
	}
	if (typed != (size_t)t->numel) {
		err = ox_err(-EINVAL, "tensor '%s' %s%s has %zu values, its shape needs %lld",
			     what, ox_dtype_name(dt),
			     ox_shape_str(t->rank, t->dims, (char[96]){0}, 96), typed,
			     (long long)t->numel);
		goto fail;
	}
	switch (dt) {
	case OX_F32: COPY_TYPED(t, tp->float_data, float); break;
	case OX_I32: COPY_TYPED(t, tp->int32_data, int32_t); break;
	case OX_I16: COPY_TYPED(t, tp->int32_data, int16_t); break;
	case OX_I8: COPY_TYPED(t, tp->int32_data, int8_t); break;
	case OX_U16: case OX_F16: case OX_BF16:
		COPY_TYPED(t, tp->int32_data, uint16_t);
		break;
	case OX_U8: COPY_TYPED(t, tp->int32_data, uint8_t); break;
	case OX_BOOL:
		for (i = 0; i < (size_t)t->numel; i++)
			((uint8_t *)t->data)[i] = tp->int32_data[i] != 0;
		break;
	case OX_I64: COPY_TYPED(t, tp->int64_data, int64_t); break;
	case OX_F64: COPY_TYPED(t, tp->double_data, double); break;
	case OX_U32: COPY_TYPED(t, tp->uint64_data, uint32_t); break;
	case OX_U64: COPY_TYPED(t, tp->uint64_data, uint64_t); break;
	}
	*out = t;
	return 0;
fail:
	ox_tensor_free(t);
	return err;
}
