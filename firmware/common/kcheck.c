// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * KERNEL packet checks. The packet is untrusted: every field is read with
 * memcpy() from the bytes given, all arithmetic on sizes is checked for
 * overflow, and nothing is assumed about fields the rules below have not
 * yet checked.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the command-stream format is little-endian; add byte swapping"
#endif

_Static_assert(sizeof(struct taihu_pkt_kernel) == 16, "KERNEL header layout");
_Static_assert(sizeof(struct taihu_tensor_desc) == 128, "descriptor layout");
_Static_assert(sizeof(struct taihu_act) == 16, "act layout");
_Static_assert(sizeof(struct taihu_gemm_params) == 32, "gemm params");
_Static_assert(sizeof(struct taihu_conv2d_params) == 56, "conv2d params");
_Static_assert(sizeof(struct taihu_pool2d_params) == 48, "pool2d params");
_Static_assert(sizeof(struct taihu_binary_params) == 24, "binary params");
_Static_assert(sizeof(struct taihu_unary_params) == 16, "unary params");
_Static_assert(sizeof(struct taihu_softmax_params) == 8, "softmax params");
_Static_assert(sizeof(struct taihu_norm_params) == 8, "norm params");
_Static_assert(sizeof(struct taihu_batchnorm_params) == 24, "batchnorm params");
_Static_assert(sizeof(struct taihu_reduce_params) == 8, "reduce params");
_Static_assert(sizeof(struct taihu_transpose_params) == 8, "transpose params");
_Static_assert(sizeof(struct taihu_cast_params) == 8, "cast params");
_Static_assert(sizeof(struct taihu_attention_params) == 8, "attention params");
_Static_assert(sizeof(struct taihu_conv2d_params) <= TK_PARAMS_MAX &&
	       sizeof(struct taihu_pool2d_params) <= TK_PARAMS_MAX &&
	       sizeof(struct taihu_gemm_params) <= TK_PARAMS_MAX, "TK_PARAMS_MAX too small");

/* Largest extent of one tensor in bytes: far above any device address space. */
#define TK_MAX_EXTENT	(1ULL << 56)

/* ---- names ------------------------------------------------------------ */

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const kernel_names[TAIHU_KERNEL_COUNT] = {
	[TAIHU_KERNEL_GEMM] = "gemm",
	[TAIHU_KERNEL_CONV2D] = "conv2d",
	[TAIHU_KERNEL_POOL2D] = "pool2d",
	[TAIHU_KERNEL_BINARY] = "binary",
	[TAIHU_KERNEL_UNARY] = "unary",
	[TAIHU_KERNEL_SOFTMAX] = "softmax",
	[TAIHU_KERNEL_LOG_SOFTMAX] = "log_softmax",
	[TAIHU_KERNEL_LAYERNORM] = "layernorm",
	[TAIHU_KERNEL_RMSNORM] = "rmsnorm",
	[TAIHU_KERNEL_BATCHNORM] = "batchnorm",
	[TAIHU_KERNEL_REDUCE] = "reduce",
	[TAIHU_KERNEL_TRANSPOSE] = "transpose",
	[TAIHU_KERNEL_CAST] = "cast",
	[TAIHU_KERNEL_ATTENTION] = "attention",
};

static const char *const dtype_names[TAIHU_DTYPE_COUNT] = {
	[TAIHU_DTYPE_FP32] = "fp32",
	[TAIHU_DTYPE_FP16] = "fp16",
	[TAIHU_DTYPE_BF16] = "bf16",
	[TAIHU_DTYPE_INT8] = "int8",
	[TAIHU_DTYPE_UINT8] = "uint8",
	[TAIHU_DTYPE_INT32] = "int32",
};

static const char *const act_names[TAIHU_ACT_COUNT] = {
	"none", "relu", "leaky_relu", "clip", "gelu_erf", "gelu_tanh", "silu",
	"sigmoid", "tanh", "exp", "sqrt", "reciprocal", "abs", "neg", "log", "erf",
};

static const char *const binary_names[TAIHU_BINARY_COUNT] = {
	"add", "sub", "mul", "div", "max", "min",
};

static const char *const reduce_names[TAIHU_REDUCE_COUNT] = {
	"sum", "mean", "max", "min",
};

static const char *const pool_names[] = { "max", "avg" };

static const char *const reason_names[] = {
	[TAIHU_REASON_NONE] = "NONE",
	[TAIHU_REASON_UNKNOWN_KERNEL] = "UNKNOWN_KERNEL",
	[TAIHU_REASON_DISABLED] = "DISABLED",
	[TAIHU_REASON_DTYPE_DISABLED] = "DTYPE_DISABLED",
	[TAIHU_REASON_RANK_LIMIT] = "RANK_LIMIT",
	[TAIHU_REASON_DIM_LIMIT] = "DIM_LIMIT",
	[TAIHU_REASON_SIZE_LIMIT] = "SIZE_LIMIT",
	[TAIHU_REASON_NO_MEMORY] = "NO_MEMORY",
	[TAIHU_REASON_PACKET] = "PACKET",
	[TAIHU_REASON_DESC] = "DESC",
	[TAIHU_REASON_DTYPE] = "DTYPE",
	[TAIHU_REASON_RANK] = "RANK",
	[TAIHU_REASON_ZERO_DIM] = "ZERO_DIM",
	[TAIHU_REASON_STRIDE] = "STRIDE",
	[TAIHU_REASON_SHAPE] = "SHAPE",
	[TAIHU_REASON_PARAMS] = "PARAMS",
	[TAIHU_REASON_QUANT] = "QUANT",
	[TAIHU_REASON_OVERLAP] = "OVERLAP",
};

static const char *const reason_texts[] = {
	[TAIHU_REASON_UNKNOWN_KERNEL] = "kernel unknown to the firmware",
	[TAIHU_REASON_DISABLED] = "kernel not enabled by the firmware",
	[TAIHU_REASON_DTYPE_DISABLED] = "dtype not enabled by the firmware",
	[TAIHU_REASON_RANK_LIMIT] = "rank above the firmware's limit",
	[TAIHU_REASON_DIM_LIMIT] = "dimension above the firmware's limit",
	[TAIHU_REASON_SIZE_LIMIT] = "tensor larger than the firmware's limit",
	[TAIHU_REASON_NO_MEMORY] = "card out of scratch memory",
	[TAIHU_REASON_PACKET] = "malformed packet",
	[TAIHU_REASON_DESC] = "malformed tensor descriptor",
	[TAIHU_REASON_DTYPE] = "dtype combination not defined",
	[TAIHU_REASON_RANK] = "rank not accepted",
	[TAIHU_REASON_ZERO_DIM] = "zero dimension",
	[TAIHU_REASON_STRIDE] = "bad stride or overflowing extent",
	[TAIHU_REASON_SHAPE] = "shapes do not fit together",
	[TAIHU_REASON_PARAMS] = "bad parameter",
	[TAIHU_REASON_QUANT] = "bad quantisation",
	[TAIHU_REASON_OVERLAP] = "output overlaps itself or an input",
};

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n ? names[v] : NULL;
}

const char *tk_kernel_name(unsigned int kernel)
{
	return name_of(kernel_names, ARRAY_LEN(kernel_names), kernel);
}

const char *tk_dtype_name(unsigned int dtype)
{
	return name_of(dtype_names, ARRAY_LEN(dtype_names), dtype);
}

const char *tk_act_name(unsigned int op)
{
	return name_of(act_names, ARRAY_LEN(act_names), op);
}

const char *tk_binary_name(unsigned int op)
{
	return name_of(binary_names, ARRAY_LEN(binary_names), op);
}

const char *tk_reduce_name(unsigned int op)
{
	return name_of(reduce_names, ARRAY_LEN(reduce_names), op);
}

const char *tk_pool_name(unsigned int op)
{
	return name_of(pool_names, ARRAY_LEN(pool_names), op);
}

const char *tk_reason_name(unsigned int reason)
{
	return name_of(reason_names, ARRAY_LEN(reason_names), reason);
}

bool tk_reason_unsupported(unsigned int reason)
{
	return reason < TAIHU_REASON_PACKET;
}

static int index_by_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return (int)i;
	return -1;
}

int tk_kernel_by_name(const char *name)
{
	return index_by_name(kernel_names, ARRAY_LEN(kernel_names), name);
}

int tk_dtype_by_name(const char *name)
{
	return index_by_name(dtype_names, ARRAY_LEN(dtype_names), name);
}

int tk_act_by_name(const char *name)
{
	return index_by_name(act_names, ARRAY_LEN(act_names), name);
}

int tk_binary_op_by_name(const char *name)
{
	return index_by_name(binary_names, ARRAY_LEN(binary_names), name);
}

unsigned int tk_dtype_size(unsigned int dtype)
{
	switch (dtype) {
	case TAIHU_DTYPE_FP32:
	case TAIHU_DTYPE_INT32:
		return 4;
	case TAIHU_DTYPE_FP16:
	case TAIHU_DTYPE_BF16:
		return 2;
	case TAIHU_DTYPE_INT8:
	case TAIHU_DTYPE_UINT8:
		return 1;
	}
	return 0;
}

bool tk_dtype_is_float(unsigned int dtype)
{
	return dtype == TAIHU_DTYPE_FP32 || dtype == TAIHU_DTYPE_FP16 ||
	       dtype == TAIHU_DTYPE_BF16;
}

bool tk_dtype_is_quant(unsigned int dtype)
{
	return dtype == TAIHU_DTYPE_INT8 || dtype == TAIHU_DTYPE_UINT8;
}

/* ---- per-kernel tables ------------------------------------------------ */

struct tk_ctx {
	struct tk_packet *k;
	struct tk_error *err;
	const struct kspec *spec;
};

struct kspec {
	uint8_t min_in, max_in, n_out;
	uint8_t params_size;
	bool elementwise;	/* an output may be an input viewed identically */
	const char *const *operands;
	const char *const *words;
	uint8_t n_words;
	int (*check)(struct tk_ctx *c);
};

#define ACT_WORDS(p)	p "act.op", p "act.alpha", p "act.beta", p "act.reserved"

static const char *const gemm_ops[] = { "A", "B", "C", "Y" };
static const char *const gemm_words[] = { "flags", "alpha", "beta", "reserved", ACT_WORDS("") };
static const char *const conv_ops[] = { "X", "W", "bias", "Y" };
static const char *const conv_words[] = {
	"stride[0]", "stride[1]", "dilation[0]", "dilation[1]", "pad_begin[0]",
	"pad_begin[1]", "pad_end[0]", "pad_end[1]", "groups", "reserved", ACT_WORDS("")
};
static const char *const xy_ops[] = { "X", "Y" };
static const char *const pool_words[] = {
	"op", "flags", "kernel[0]", "kernel[1]", "stride[0]", "stride[1]", "dilation[0]",
	"dilation[1]", "pad_begin[0]", "pad_begin[1]", "pad_end[0]", "pad_end[1]"
};
static const char *const binary_ops[] = { "A", "B", "Y" };
static const char *const binary_words[] = { "op", "reserved", ACT_WORDS("") };
static const char *const unary_words[] = { ACT_WORDS("") };
static const char *const softmax_words[] = { "axis", "reserved" };
static const char *const ln_ops[] = { "X", "gamma", "beta", "Y" };
static const char *const rms_ops[] = { "X", "gamma", "Y" };
static const char *const norm_words[] = { "axis", "epsilon" };
static const char *const bn_ops[] = { "X", "scale", "bias", "mean", "var", "Y" };
static const char *const bn_words[] = { "epsilon", "reserved", ACT_WORDS("") };
static const char *const reduce_words[] = { "op", "axes" };
static const char *const transpose_words[] = { "perm[0..3]", "perm[4..5]" };
static const char *const cast_words[] = { "reserved[0]", "reserved[1]" };
static const char *const attn_ops[] = { "Q", "K", "V", "mask", "O" };
static const char *const attn_words[] = { "scale", "flags" };

static int check_gemm(struct tk_ctx *c);
static int check_conv(struct tk_ctx *c);
static int check_pool(struct tk_ctx *c);
static int check_binary(struct tk_ctx *c);
static int check_unary(struct tk_ctx *c);
static int check_softmax(struct tk_ctx *c);
static int check_norm(struct tk_ctx *c);
static int check_batchnorm(struct tk_ctx *c);
static int check_reduce(struct tk_ctx *c);
static int check_transpose(struct tk_ctx *c);
static int check_cast(struct tk_ctx *c);
static int check_attention(struct tk_ctx *c);

#define SPEC(minin, maxin, p, ew, ops, words, fn) \
	{ minin, maxin, 1, sizeof(p), ew, ops, words, ARRAY_LEN(words), fn }

static const struct kspec specs[TAIHU_KERNEL_COUNT] = {
	[TAIHU_KERNEL_GEMM] = SPEC(2, 3, struct taihu_gemm_params, false, gemm_ops,
				   gemm_words, check_gemm),
	[TAIHU_KERNEL_CONV2D] = SPEC(2, 3, struct taihu_conv2d_params, false, conv_ops,
				     conv_words, check_conv),
	[TAIHU_KERNEL_POOL2D] = SPEC(1, 1, struct taihu_pool2d_params, false, xy_ops,
				     pool_words, check_pool),
	[TAIHU_KERNEL_BINARY] = SPEC(2, 2, struct taihu_binary_params, true, binary_ops,
				     binary_words, check_binary),
	[TAIHU_KERNEL_UNARY] = SPEC(1, 1, struct taihu_unary_params, true, xy_ops,
				    unary_words, check_unary),
	[TAIHU_KERNEL_SOFTMAX] = SPEC(1, 1, struct taihu_softmax_params, false, xy_ops,
				      softmax_words, check_softmax),
	[TAIHU_KERNEL_LOG_SOFTMAX] = SPEC(1, 1, struct taihu_softmax_params, false, xy_ops,
					  softmax_words, check_softmax),
	[TAIHU_KERNEL_LAYERNORM] = SPEC(1, 3, struct taihu_norm_params, false, ln_ops,
					norm_words, check_norm),
	[TAIHU_KERNEL_RMSNORM] = SPEC(1, 2, struct taihu_norm_params, false, rms_ops,
				      norm_words, check_norm),
	[TAIHU_KERNEL_BATCHNORM] = SPEC(5, 5, struct taihu_batchnorm_params, false, bn_ops,
					bn_words, check_batchnorm),
	[TAIHU_KERNEL_REDUCE] = SPEC(1, 1, struct taihu_reduce_params, false, xy_ops,
				     reduce_words, check_reduce),
	[TAIHU_KERNEL_TRANSPOSE] = SPEC(1, 1, struct taihu_transpose_params, false, xy_ops,
					transpose_words, check_transpose),
	[TAIHU_KERNEL_CAST] = SPEC(1, 1, struct taihu_cast_params, true, xy_ops,
				   cast_words, check_cast),
	[TAIHU_KERNEL_ATTENTION] = SPEC(3, 4, struct taihu_attention_params, false, attn_ops,
					attn_words, check_attention),
};

static const struct kspec *spec_of(unsigned int kernel)
{
	return kernel < ARRAY_LEN(specs) && specs[kernel].check ? &specs[kernel] : NULL;
}

/*
 * Operand names follow the slots of the full form: with fewer inputs than
 * the most, the output is still named after the last slot.
 */
static const char *slot_name(const struct kspec *s, unsigned int num_inputs, unsigned int i)
{
	if (i < num_inputs)
		return s->operands[i];
	return s->operands[s->max_in + (i - num_inputs)];
}

const char *tk_operand_name(unsigned int kernel, unsigned int operand)
{
	const struct kspec *s = spec_of(kernel);

	if (operand == TAIHU_OPERAND_PARAMS)
		return "params";
	if (operand == TAIHU_OPERAND_PACKET)
		return "packet";
	if (!s || operand >= (unsigned int)s->max_in + s->n_out)
		return "operand";
	return s->operands[operand];
}

const char *tk_param_name(unsigned int kernel, unsigned int word)
{
	const struct kspec *s = spec_of(kernel);

	if (!s || word >= s->n_words)
		return "params";
	return s->words[word];
}

/* ---- errors ----------------------------------------------------------- */

unsigned int tk_slot(const struct tk_packet *k, unsigned int i)
{
	const struct kspec *s = spec_of(k->kernel);

	if (!s || i < k->num_inputs)
		return i;
	return s->max_in + (i - k->num_inputs);
}

/* The operand number the completion names: the slot in the full form. */
static unsigned int slot_of(const struct tk_ctx *c, unsigned int i)
{
	if (i == TAIHU_OPERAND_PARAMS || i == TAIHU_OPERAND_PACKET || !c->spec)
		return i;
	if (i < c->k->num_inputs)
		return i;
	return c->spec->max_in + (i - c->k->num_inputs);
}

__attribute__((format(printf, 5, 6)))
static int fail(struct tk_ctx *c, uint32_t reason, unsigned int operand, unsigned int field,
		const char *fmt, ...)
{
	const char *kname = tk_kernel_name(c->k->kernel);
	unsigned int slot = slot_of(c, operand);
	const char *oname;
	size_t n;
	va_list ap;

	c->err->reason = reason;
	c->err->detail = TAIHU_KERNEL_DETAIL(c->k->kernel, slot, field);
	if (!kname)
		kname = "kernel";
	if (operand == TAIHU_OPERAND_PARAMS || operand == TAIHU_OPERAND_PACKET || !c->spec)
		oname = tk_operand_name(c->k->kernel, operand);
	else
		oname = slot_name(c->spec, c->k->num_inputs, operand);
	snprintf(c->err->msg, sizeof(c->err->msg), "%s: %s: ", kname, oname);
	n = strlen(c->err->msg);
	va_start(ap, fmt);
	vsnprintf(c->err->msg + n, sizeof(c->err->msg) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int param_word(const void *field, const void *params)
{
	return (int)(((const uint8_t *)field - (const uint8_t *)params) / 4);
}

#define PFAIL(c, reason, field, ...) \
	fail(c, reason, TAIHU_OPERAND_PARAMS, (unsigned int)param_word(&(field), &(c)->k->p), \
	     __VA_ARGS__)

char *tk_describe(uint32_t reason, uint32_t detail, char *buf, size_t len)
{
	unsigned int kernel = TAIHU_DETAIL_KERNEL(detail);
	unsigned int operand = TAIHU_DETAIL_OPERAND(detail);
	unsigned int field = TAIHU_DETAIL_FIELD(detail);
	const char *kname = tk_kernel_name(kernel);
	const char *rname = tk_reason_name(reason);
	const char *text = reason < ARRAY_LEN(reason_texts) && reason_texts[reason] ?
			   reason_texts[reason] : "unknown reason";
	char what[64] = "";
	char kbuf[24];

	if (!kname) {
		snprintf(kbuf, sizeof(kbuf), "kernel %u", kernel);
		kname = kbuf;
	}
	if (operand == TAIHU_OPERAND_PARAMS)
		snprintf(what, sizeof(what), "params: %s: ", tk_param_name(kernel, field));
	else if (operand == TAIHU_OPERAND_PACKET)
		snprintf(what, sizeof(what), "packet: ");
	else if (field < TAIHU_MAX_RANK)
		snprintf(what, sizeof(what), "%s (operand %u): shape[%u]: ",
			 tk_operand_name(kernel, operand), operand, field);
	else {
		static const char *const fields[] = {
			"addr", "dtype", "rank", "quant", "flags", "scale", "zero_point", "reserved"
		};
		const char *f = field >= TAIHU_FIELD_ADDR && field <= TAIHU_FIELD_RESERVED ?
				fields[field - TAIHU_FIELD_ADDR] : NULL;

		snprintf(what, sizeof(what), "%s (operand %u): %s%s",
			 tk_operand_name(kernel, operand), operand, f ? f : "", f ? ": " : "");
	}
	snprintf(buf, len, "%s: %s%s (%s)", kname, what, rname ? rname : "UNKNOWN", text);
	return buf;
}

/* ---- descriptors ------------------------------------------------------ */

static bool finite_pos(float f)
{
	return isfinite(f) && f > 0.0f;
}

static bool zp_in_range(unsigned int dtype, int64_t zp)
{
	if (dtype == TAIHU_DTYPE_INT8)
		return zp >= -128 && zp <= 127;
	return zp >= 0 && zp <= 255;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Descriptor @i on its own: fields, shape, strides, extent. */
static int check_desc(struct tk_ctx *c, unsigned int i)
{
	struct taihu_tensor_desc *d = &c->k->t[i];
	uint64_t elems = 1, maxoff = 0, bytes, end;
	unsigned int r, esz;

	if (d->flags & TAIHU_TENSOR_ABSENT) {
		struct taihu_tensor_desc z = *d;

		/* Every byte but the flag zero (a float field compares bytes too). */
		z.flags &= ~TAIHU_TENSOR_ABSENT;
		if (!all_zero(&z, sizeof(z)))
			return fail(c, TAIHU_REASON_DESC, i, TAIHU_FIELD_FLAGS,
				    "an absent operand has fields set");
		return 0;
	}
	if (d->flags)
		return fail(c, TAIHU_REASON_DESC, i, TAIHU_FIELD_FLAGS,
			    "unknown flags 0x%x", d->flags);
	if (!all_zero(d->reserved, sizeof(d->reserved)))
		return fail(c, TAIHU_REASON_DESC, i, TAIHU_FIELD_RESERVED, "reserved not zero");
	esz = tk_dtype_size(d->dtype);
	if (!esz)
		return fail(c, TAIHU_REASON_DESC, i, TAIHU_FIELD_DTYPE, "unknown dtype %u", d->dtype);
	if (d->rank > TAIHU_MAX_RANK)
		return fail(c, TAIHU_REASON_RANK, i, TAIHU_FIELD_RANK, "rank %u above %u",
			    d->rank, TAIHU_MAX_RANK);
	if (d->addr % esz)
		return fail(c, TAIHU_REASON_DESC, i, TAIHU_FIELD_ADDR,
			    "address 0x%llx not aligned to its %u-byte elements",
			    (unsigned long long)d->addr, esz);
	for (r = 0; r < TAIHU_MAX_RANK; r++) {
		if (r >= d->rank) {
			if (d->shape[r] || d->strides[r])
				return fail(c, TAIHU_REASON_DESC, i, r,
					    "shape/strides set beyond rank %u", d->rank);
			continue;
		}
		if (!d->shape[r])
			return fail(c, TAIHU_REASON_ZERO_DIM, i, r, "dimension %u is zero", r);
		if (d->strides[r] < 0)
			return fail(c, TAIHU_REASON_STRIDE, i, r, "negative stride %lld",
				    (long long)d->strides[r]);
		if (__builtin_mul_overflow(elems, (uint64_t)d->shape[r], &elems) ||
		    elems > TK_MAX_EXTENT)
			return fail(c, TAIHU_REASON_STRIDE, i, r, "element count overflows");
		{
			uint64_t step;

			if (__builtin_mul_overflow((uint64_t)d->shape[r] - 1,
						   (uint64_t)d->strides[r], &step) ||
			    __builtin_add_overflow(maxoff, step, &maxoff) ||
			    maxoff > TK_MAX_EXTENT)
				return fail(c, TAIHU_REASON_STRIDE, i, r, "extent overflows");
		}
	}
	if (__builtin_mul_overflow(maxoff + 1, (uint64_t)esz, &bytes) || bytes > TK_MAX_EXTENT ||
	    __builtin_add_overflow(d->addr, bytes, &end))
		return fail(c, TAIHU_REASON_STRIDE, i, TAIHU_FIELD_ADDR, "extent overflows");
	c->k->elems[i] = elems;
	c->k->bytes[i] = bytes;

	/* Quantisation. */
	if (d->quant > TAIHU_QUANT_CHANNEL)
		return fail(c, TAIHU_REASON_DESC, i, TAIHU_FIELD_QUANT, "unknown quantisation %u",
			    d->quant);
	if (d->quant != TAIHU_QUANT_NONE && !tk_dtype_is_quant(d->dtype))
		return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_QUANT,
			    "%s tensors are not quantised", tk_dtype_name(d->dtype));
	if (d->quant != TAIHU_QUANT_CHANNEL && (d->quant_axis || d->scale_addr || d->zero_point_addr))
		return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_QUANT,
			    "per-channel fields set without per-channel quantisation");
	if (d->quant != TAIHU_QUANT_TENSOR && (d->scale != 0.0f || d->zero_point))
		return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_SCALE,
			    "scale/zero point set without per-tensor quantisation");
	if (d->quant == TAIHU_QUANT_TENSOR) {
		if (!finite_pos(d->scale))
			return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_SCALE,
				    "scale %g is not finite and positive", (double)d->scale);
		if (!zp_in_range(d->dtype, d->zero_point))
			return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_ZERO_POINT,
				    "zero point %d outside %s", d->zero_point,
				    tk_dtype_name(d->dtype));
	}
	if (d->quant == TAIHU_QUANT_CHANNEL) {
		if (d->quant_axis >= d->rank)
			return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_QUANT,
				    "quant_axis %u beyond rank %u", d->quant_axis, d->rank);
		if (d->scale_addr % 4 || d->zero_point_addr % 4)
			return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_ADDR,
				    "per-channel arrays not 4-byte aligned");
		if (d->scale_addr > UINT64_MAX - 4ULL * d->shape[d->quant_axis] ||
		    d->zero_point_addr > UINT64_MAX - 4ULL * d->shape[d->quant_axis])
			return fail(c, TAIHU_REASON_STRIDE, i, TAIHU_FIELD_ADDR,
				    "per-channel arrays overflow");
	}
	return 0;
}

/* No two elements of output @i share an address (see the DOC). */
static int check_injective(struct tk_ctx *c, unsigned int i)
{
	const struct taihu_tensor_desc *d = &c->k->t[i];
	unsigned int order[TAIHU_MAX_RANK], n = 0, a, b;
	uint64_t span = 0;

	for (a = 0; a < d->rank; a++)
		if (d->shape[a] > 1)
			order[n++] = a;
	/* Insertion sort by stride: at most six entries. */
	for (a = 1; a < n; a++)
		for (b = a; b > 0 && d->strides[order[b]] < d->strides[order[b - 1]]; b--) {
			unsigned int t = order[b];

			order[b] = order[b - 1];
			order[b - 1] = t;
		}
	for (a = 0; a < n; a++) {
		uint64_t s = (uint64_t)d->strides[order[a]];

		if (s <= span)
			return fail(c, TAIHU_REASON_OVERLAP, i, order[a],
				    "output elements share addresses (stride %llu)",
				    (unsigned long long)s);
		span += (uint64_t)(d->shape[order[a]] - 1) * s;	/* bounded by check_desc */
	}
	return 0;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static bool same_view(const struct taihu_tensor_desc *x, const struct taihu_tensor_desc *y)
{
	return x->addr == y->addr && x->rank == y->rank &&
	       tk_dtype_size(x->dtype) == tk_dtype_size(y->dtype) &&
	       !memcmp(x->shape, y->shape, sizeof(x->shape)) &&
	       !memcmp(x->strides, y->strides, sizeof(x->strides));
}

/* The per-channel arrays of tensor @i, which the card reads. */
static void qarrays(const struct tk_packet *k, unsigned int i, uint64_t addr[2], uint64_t len[2])
{
	const struct taihu_tensor_desc *d = &k->t[i];

	len[0] = len[1] = 0;
	addr[0] = d->scale_addr;
	addr[1] = d->zero_point_addr;
	if (!tk_present(k, i) || d->quant != TAIHU_QUANT_CHANNEL)
		return;
	len[0] = 4ULL * d->shape[d->quant_axis];
	len[1] = d->zero_point_addr ? len[0] : 0;
}

static int check_overlaps(struct tk_ctx *c)
{
	const struct tk_packet *k = c->k;
	unsigned int n = (unsigned int)k->num_inputs + k->num_outputs, o, i, j;

	for (o = tk_out(k); o < n; o++) {
		if (check_injective(c, o))
			return -1;
		for (i = 0; i < n; i++) {
			uint64_t qa[2], ql[2];

			if (!tk_present(k, i))
				continue;
			qarrays(k, i, qa, ql);
			for (j = 0; j < 2; j++)
				if (ranges_overlap(k->t[o].addr, k->bytes[o], qa[j], ql[j]))
					return fail(c, TAIHU_REASON_OVERLAP, o, TAIHU_FIELD_ADDR,
						    "overlaps the quantisation arrays of %s",
						    slot_name(c->spec, k->num_inputs, i));
			if (i == o || !ranges_overlap(k->t[o].addr, k->bytes[o], k->t[i].addr,
						      k->bytes[i]))
				continue;
			if (i < tk_out(k) && c->spec->elementwise && same_view(&k->t[o], &k->t[i]))
				continue;
			return fail(c, TAIHU_REASON_OVERLAP, o, TAIHU_FIELD_ADDR, "overlaps %s",
				    slot_name(c->spec, k->num_inputs, i));
		}
	}
	return 0;
}

/* ---- helpers for the kernel rules ------------------------------------- */

static const struct taihu_tensor_desc *T(const struct tk_ctx *c, unsigned int i)
{
	return &c->k->t[i];
}

static int need_rank(struct tk_ctx *c, unsigned int i, unsigned int lo, unsigned int hi)
{
	unsigned int r = T(c, i)->rank;

	if (r < lo || r > hi) {
		if (lo == hi)
			return fail(c, TAIHU_REASON_RANK, i, TAIHU_FIELD_RANK,
				    "rank %u, must be %u", r, lo);
		return fail(c, TAIHU_REASON_RANK, i, TAIHU_FIELD_RANK,
			    "rank %u not in %u..%u", r, lo, hi);
	}
	return 0;
}

static int need_dim(struct tk_ctx *c, unsigned int i, unsigned int dim, uint64_t want,
		    const char *what)
{
	if (T(c, i)->shape[dim] != want)
		return fail(c, TAIHU_REASON_SHAPE, i, dim, "shape[%u] %u is not %s %llu", dim,
			    T(c, i)->shape[dim], what, (unsigned long long)want);
	return 0;
}

static int same_shape(struct tk_ctx *c, unsigned int i, unsigned int ref)
{
	unsigned int r;

	if (T(c, i)->rank != T(c, ref)->rank)
		return fail(c, TAIHU_REASON_SHAPE, i, TAIHU_FIELD_RANK, "rank %u is not %s's %u",
			    T(c, i)->rank, slot_name(c->spec, c->k->num_inputs, ref),
			    T(c, ref)->rank);
	for (r = 0; r < T(c, i)->rank; r++)
		if (T(c, i)->shape[r] != T(c, ref)->shape[r])
			return fail(c, TAIHU_REASON_SHAPE, i, r, "shape[%u] %u is not %s's %u", r,
				    T(c, i)->shape[r], slot_name(c->spec, c->k->num_inputs, ref),
				    T(c, ref)->shape[r]);
	return 0;
}

/*
 * Tensor @i broadcasts (NumPy, right-aligned) to @rank dimensions @shape:
 * it has at most @rank dimensions, each 1 or the target's.
 */
static int bcast_to(struct tk_ctx *c, unsigned int i, unsigned int rank, const uint32_t *shape)
{
	const struct taihu_tensor_desc *d = T(c, i);
	unsigned int r;

	if (d->rank > rank)
		return fail(c, TAIHU_REASON_SHAPE, i, TAIHU_FIELD_RANK,
			    "rank %u does not broadcast to rank %u", d->rank, rank);
	for (r = 0; r < d->rank; r++) {
		uint32_t want = shape[rank - d->rank + r];

		if (d->shape[r] != 1 && d->shape[r] != want)
			return fail(c, TAIHU_REASON_SHAPE, i, r,
				    "shape[%u] %u does not broadcast to %u", r, d->shape[r], want);
	}
	return 0;
}

static int need_dtype(struct tk_ctx *c, unsigned int i, uint32_t mask, const char *what)
{
	if (!(mask & (1u << T(c, i)->dtype)))
		return fail(c, TAIHU_REASON_DTYPE, i, TAIHU_FIELD_DTYPE, "%s %s", tk_dtype_name(T(c, i)->dtype),
			    what);
	return 0;
}

#define BIT(dt)		(1u << TAIHU_DTYPE_##dt)
#define FLOATS		(BIT(FP32) | BIT(FP16) | BIT(BF16))
#define QUANTS		(BIT(INT8) | BIT(UINT8))

/* Tensor @i may not be quantised per channel. */
static int no_channel(struct tk_ctx *c, unsigned int i)
{
	if (tk_present(c->k, i) && T(c, i)->quant == TAIHU_QUANT_CHANNEL)
		return fail(c, TAIHU_REASON_QUANT, i, TAIHU_FIELD_QUANT,
			    "per-channel quantisation not allowed here");
	return 0;
}

static int no_channel_all(struct tk_ctx *c)
{
	unsigned int i, n = (unsigned int)c->k->num_inputs + c->k->num_outputs;

	for (i = 0; i < n; i++)
		if (no_channel(c, i))
			return -1;
	return 0;
}

static bool act_takes_alpha(uint32_t op)
{
	return op == TAIHU_ACT_LEAKY_RELU || op == TAIHU_ACT_CLIP;
}

static int check_act(struct tk_ctx *c, const struct taihu_act *a)
{
	if (a->op >= TAIHU_ACT_COUNT)
		return PFAIL(c, TAIHU_REASON_PARAMS, a->op, "unknown activation %u", a->op);
	if (a->reserved)
		return PFAIL(c, TAIHU_REASON_PARAMS, a->reserved, "reserved not zero");
	if (!isfinite(a->alpha) || (!act_takes_alpha(a->op) && a->alpha != 0.0f))
		return PFAIL(c, TAIHU_REASON_PARAMS, a->alpha, "alpha %g not valid for %s",
			     (double)a->alpha, tk_act_name(a->op));
	if (!isfinite(a->beta) || (a->op != TAIHU_ACT_CLIP && a->beta != 0.0f))
		return PFAIL(c, TAIHU_REASON_PARAMS, a->beta, "beta %g not valid for %s",
			     (double)a->beta, tk_act_name(a->op));
	if (a->op == TAIHU_ACT_CLIP && a->alpha > a->beta)
		return PFAIL(c, TAIHU_REASON_PARAMS, a->beta, "clip bounds %g > %g",
			     (double)a->alpha, (double)a->beta);
	return 0;
}

static int need_finite(struct tk_ctx *c, const float *f, const char *what)
{
	if (!isfinite(*f))
		return fail(c, TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS,
			    (unsigned int)param_word(f, &c->k->p), "%s %g is not finite", what,
			    (double)*f);
	return 0;
}

static int need_zero(struct tk_ctx *c, const uint32_t *w)
{
	if (*w)
		return fail(c, TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS,
			    (unsigned int)param_word(w, &c->k->p), "reserved not zero");
	return 0;
}

/* A normalised axis of a rank-@rank tensor, or -1 after the failure. */
static int norm_axis(struct tk_ctx *c, const int32_t *axis, unsigned int rank)
{
	int32_t a = *axis;

	if (a < -(int32_t)rank || a >= (int32_t)rank)
		return fail(c, TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS,
			    (unsigned int)param_word(axis, &c->k->p), "axis %d outside rank %u",
			    a, rank);
	return a < 0 ? a + (int32_t)rank : a;
}

/* ---- the kernels ------------------------------------------------------ */

/* The dtypes of an int8 product's operands (GEMM, CONV2D); @c_i may be absent. */
static int check_product_dtypes(struct tk_ctx *c, unsigned int x, unsigned int w,
				unsigned int b, unsigned int y)
{
	bool has_b = tk_input(c->k, b);

	if (tk_dtype_is_float(T(c, x)->dtype)) {
		uint32_t same = 1u << T(c, x)->dtype;

		if (need_dtype(c, w, same, "weights must have the input's dtype") ||
		    (has_b && need_dtype(c, b, same | BIT(FP32), "must be the input's dtype or fp32")) ||
		    need_dtype(c, y, same | BIT(FP32), "must be the input's dtype or fp32"))
			return -1;
		return 0;
	}
	if (need_dtype(c, x, QUANTS, "is not a float or int8 dtype") ||
	    need_dtype(c, w, QUANTS, "weights of an int8 product must be int8/uint8") ||
	    (has_b && need_dtype(c, b, BIT(INT32) | BIT(FP32), "must be int32 or fp32")) ||
	    need_dtype(c, y, QUANTS | BIT(INT32) | BIT(FP32), "is not an int8 product's output"))
		return -1;
	if (no_channel(c, x) || (has_b && T(c, b)->quant != TAIHU_QUANT_NONE &&
				 fail(c, TAIHU_REASON_QUANT, b, TAIHU_FIELD_QUANT,
				      "a bias takes the product's scale")) ||
	    no_channel(c, y))
		return -1;
	return 0;
}

/* Epilogue rules of int8 products with an INT32 output. */
static int check_int32_out(struct tk_ctx *c, unsigned int b, unsigned int y, const float *alpha,
			   const float *beta, const struct taihu_act *act)
{
	bool has_b = tk_input(c->k, b);

	if (has_b && T(c, b)->dtype == TAIHU_DTYPE_INT32 && beta && *beta != 1.0f)
		return PFAIL(c, TAIHU_REASON_PARAMS, *beta, "beta must be 1 with an int32 C");
	if (T(c, y)->dtype != TAIHU_DTYPE_INT32)
		return 0;
	if (alpha && *alpha != 1.0f)
		return PFAIL(c, TAIHU_REASON_PARAMS, *alpha, "alpha must be 1 for an int32 output");
	if (act->op != TAIHU_ACT_NONE)
		return PFAIL(c, TAIHU_REASON_PARAMS, act->op, "no activation on an int32 output");
	if (has_b && T(c, b)->dtype == TAIHU_DTYPE_FP32)
		return fail(c, TAIHU_REASON_DTYPE, b, TAIHU_FIELD_DTYPE,
			    "an int32 output takes an int32 bias only");
	return 0;
}

static int check_gemm(struct tk_ctx *c)
{
	const struct taihu_gemm_params *p = &c->k->p.gemm;
	const unsigned int A = 0, B = 1, C = 2, Y = tk_out(c->k);
	const struct taihu_tensor_desc *a = T(c, A), *b = T(c, B), *y;
	unsigned int ra, rb, ry, r, ma, ka, kb, nb;
	uint32_t yshape[TAIHU_MAX_RANK];

	if (p->flags & ~(TAIHU_GEMM_TRANS_A | TAIHU_GEMM_TRANS_B))
		return PFAIL(c, TAIHU_REASON_PARAMS, p->flags, "unknown flags 0x%x", p->flags);
	if (need_finite(c, &p->alpha, "alpha") || need_finite(c, &p->beta, "beta") ||
	    need_zero(c, &p->reserved) || check_act(c, &p->act))
		return -1;
	if (need_rank(c, A, 2, TAIHU_MAX_RANK) || need_rank(c, B, 2, TAIHU_MAX_RANK))
		return -1;
	y = T(c, Y);
	ra = a->rank;
	rb = b->rank;
	ry = ra > rb ? ra : rb;
	if (need_rank(c, Y, ry, ry))
		return -1;
	ma = p->flags & TAIHU_GEMM_TRANS_A ? ra - 1 : ra - 2;
	ka = p->flags & TAIHU_GEMM_TRANS_A ? ra - 2 : ra - 1;
	kb = p->flags & TAIHU_GEMM_TRANS_B ? rb - 1 : rb - 2;
	nb = p->flags & TAIHU_GEMM_TRANS_B ? rb - 2 : rb - 1;
	if (b->shape[kb] != a->shape[ka])
		return fail(c, TAIHU_REASON_SHAPE, B, kb, "shape[%u] %u is not A's K %u", kb,
			    b->shape[kb], a->shape[ka]);
	/* Batch dimensions: right-aligned broadcast of A's and B's. */
	for (r = 0; r + 2 < ry; r++) {
		int ia = (int)r - (int)(ry - ra), ib = (int)r - (int)(ry - rb);
		uint32_t da = ia >= 0 ? a->shape[ia] : 1, db = ib >= 0 ? b->shape[ib] : 1;

		if (da != db && da != 1 && db != 1)
			return fail(c, TAIHU_REASON_SHAPE, B, (unsigned int)(ib >= 0 ? ib : 0),
				    "batch dimension %u does not broadcast with A's %u", db, da);
		yshape[r] = da > db ? da : db;
	}
	yshape[ry - 2] = a->shape[ma];
	yshape[ry - 1] = b->shape[nb];
	for (r = 0; r < ry; r++)
		if (need_dim(c, Y, r, yshape[r], r + 2 < ry ? "the batch" :
						 r + 2 == ry ? "A's M" : "B's N"))
			return -1;
	if (tk_input(c->k, C) && bcast_to(c, C, ry, y->shape))
		return -1;
	if (check_product_dtypes(c, A, B, C, Y))
		return -1;
	if (b->quant == TAIHU_QUANT_CHANNEL && b->quant_axis != nb)
		return fail(c, TAIHU_REASON_QUANT, B, TAIHU_FIELD_QUANT,
			    "per-channel axis %u is not N's %u", b->quant_axis, nb);
	return check_int32_out(c, C, Y, &p->alpha, &p->beta, &p->act);
}

/* Output extent of a window: -1 (after the failure) when none fits. */
static int64_t window_out(struct tk_ctx *c, unsigned int x, unsigned int dim, uint32_t k,
			  const uint32_t *stride, const uint32_t *dil, const uint32_t *pb,
			  const uint32_t *pe)
{
	uint64_t in = (uint64_t)T(c, x)->shape[dim] + *pb + *pe;
	uint64_t ext = (uint64_t)*dil * (k - 1) + 1;

	if (!*stride)
		return PFAIL(c, TAIHU_REASON_PARAMS, *stride, "stride is zero");
	if (!*dil)
		return PFAIL(c, TAIHU_REASON_PARAMS, *dil, "dilation is zero");
	if (ext > in)
		return PFAIL(c, TAIHU_REASON_SHAPE, *pe, "window of %llu exceeds the padded input %llu",
			     (unsigned long long)ext, (unsigned long long)in);
	return (int64_t)((in - ext) / *stride + 1);
}

static int check_conv(struct tk_ctx *c)
{
	const struct taihu_conv2d_params *p = &c->k->p.conv;
	const unsigned int X = 0, W = 1, Bi = 2, Y = tk_out(c->k);
	const struct taihu_tensor_desc *x = T(c, X), *w = T(c, W);
	unsigned int d;

	if (need_zero(c, &p->reserved) || check_act(c, &p->act))
		return -1;
	if (need_rank(c, X, 4, 4) || need_rank(c, W, 4, 4) || need_rank(c, Y, 4, 4) ||
	    (tk_input(c->k, Bi) && need_rank(c, Bi, 1, 1)))
		return -1;
	if (!p->groups)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->groups, "groups is zero");
	if (x->shape[1] % p->groups || w->shape[0] % p->groups)
		return PFAIL(c, TAIHU_REASON_SHAPE, p->groups,
			     "groups %u divides neither C %u nor OC %u", p->groups, x->shape[1],
			     w->shape[0]);
	if (need_dim(c, W, 1, x->shape[1] / p->groups, "C / groups") ||
	    need_dim(c, Y, 0, x->shape[0], "X's N") || need_dim(c, Y, 1, w->shape[0], "W's OC") ||
	    (tk_input(c->k, Bi) && need_dim(c, Bi, 0, w->shape[0], "W's OC")))
		return -1;
	for (d = 0; d < 2; d++) {
		int64_t o = window_out(c, X, 2 + d, w->shape[2 + d], &p->stride[d], &p->dilation[d],
				       &p->pad_begin[d], &p->pad_end[d]);

		if (o < 0 || need_dim(c, Y, 2 + d, (uint64_t)o, "the output size"))
			return -1;
	}
	if (check_product_dtypes(c, X, W, Bi, Y))
		return -1;
	if (w->quant == TAIHU_QUANT_CHANNEL && w->quant_axis != 0)
		return fail(c, TAIHU_REASON_QUANT, W, TAIHU_FIELD_QUANT,
			    "per-channel axis %u is not OC's 0", w->quant_axis);
	return check_int32_out(c, Bi, Y, NULL, NULL, &p->act);
}

static int check_pool(struct tk_ctx *c)
{
	const struct taihu_pool2d_params *p = &c->k->p.pool;
	const unsigned int X = 0, Y = 1;
	unsigned int d;

	if (p->op > TAIHU_POOL_AVG)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->op, "unknown pooling %u", p->op);
	if (p->flags & ~TAIHU_POOL_COUNT_PAD || (p->op == TAIHU_POOL_MAX && p->flags))
		return PFAIL(c, TAIHU_REASON_PARAMS, p->flags, "flags 0x%x not valid", p->flags);
	if (need_rank(c, X, 4, 4) || need_rank(c, Y, 4, 4) ||
	    need_dim(c, Y, 0, T(c, X)->shape[0], "X's N") ||
	    need_dim(c, Y, 1, T(c, X)->shape[1], "X's C"))
		return -1;
	for (d = 0; d < 2; d++) {
		uint64_t ext;
		int64_t o;

		if (!p->kernel[d])
			return PFAIL(c, TAIHU_REASON_PARAMS, p->kernel[d], "window is zero");
		o = window_out(c, X, 2 + d, p->kernel[d], &p->stride[d], &p->dilation[d],
			       &p->pad_begin[d], &p->pad_end[d]);
		if (o < 0)
			return -1;
		/* Every window must hold an element of X. */
		ext = (uint64_t)p->dilation[d] * (p->kernel[d] - 1) + 1;
		if (p->pad_begin[d] >= ext)
			return PFAIL(c, TAIHU_REASON_PARAMS, p->pad_begin[d],
				     "padding %u not below the window %llu", p->pad_begin[d],
				     (unsigned long long)ext);
		if (p->pad_end[d] >= ext)
			return PFAIL(c, TAIHU_REASON_PARAMS, p->pad_end[d],
				     "padding %u not below the window %llu", p->pad_end[d],
				     (unsigned long long)ext);
		if (need_dim(c, Y, 2 + d, (uint64_t)o, "the output size"))
			return -1;
	}
	if (tk_dtype_is_float(T(c, X)->dtype))
		return need_dtype(c, Y, 1u << T(c, X)->dtype, "must be X's dtype");
	if (need_dtype(c, X, QUANTS, "is not a float or int8 dtype") ||
	    need_dtype(c, Y, QUANTS, "must be int8/uint8 like X"))
		return -1;
	return no_channel_all(c);
}

static int check_binary(struct tk_ctx *c)
{
	const struct taihu_binary_params *p = &c->k->p.binary;
	const unsigned int A = 0, B = 1, Y = 2;
	const struct taihu_tensor_desc *y = T(c, Y);
	unsigned int r;

	if (p->op >= TAIHU_BINARY_COUNT)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->op, "unknown operation %u", p->op);
	if (need_zero(c, &p->reserved) || check_act(c, &p->act))
		return -1;
	if (bcast_to(c, A, y->rank, y->shape) || bcast_to(c, B, y->rank, y->shape))
		return -1;
	/* Y is exactly the broadcast shape: no dimension that neither input has. */
	for (r = 0; r < y->rank; r++) {
		int ia = (int)r - (int)(y->rank - T(c, A)->rank);
		int ib = (int)r - (int)(y->rank - T(c, B)->rank);
		uint32_t da = ia >= 0 ? T(c, A)->shape[ia] : 1, db = ib >= 0 ? T(c, B)->shape[ib] : 1;

		if (y->shape[r] != (da > db ? da : db))
			return fail(c, TAIHU_REASON_SHAPE, Y, r,
				    "shape[%u] %u is not the broadcast of %u and %u", r,
				    y->shape[r], da, db);
	}
	if (tk_dtype_is_float(T(c, A)->dtype)) {
		uint32_t same = 1u << T(c, A)->dtype;

		return need_dtype(c, B, same, "must be A's dtype") ||
		       need_dtype(c, Y, same, "must be A's dtype") ? -1 : 0;
	}
	if (need_dtype(c, A, QUANTS, "is not a float or int8 dtype") ||
	    need_dtype(c, B, QUANTS, "must be int8/uint8 like A") ||
	    need_dtype(c, Y, QUANTS, "must be int8/uint8 like A"))
		return -1;
	if (p->op != TAIHU_BINARY_ADD)
		return PFAIL(c, TAIHU_REASON_DTYPE, p->op, "int8 %s is not defined (add only)",
			     tk_binary_name(p->op));
	return no_channel_all(c);
}

static int check_unary(struct tk_ctx *c)
{
	const unsigned int X = 0, Y = 1;

	if (check_act(c, &c->k->p.unary.act) || same_shape(c, Y, X))
		return -1;
	if (tk_dtype_is_float(T(c, X)->dtype))
		return need_dtype(c, Y, 1u << T(c, X)->dtype, "must be X's dtype");
	if (need_dtype(c, X, QUANTS, "is not a float or int8 dtype") ||
	    need_dtype(c, Y, QUANTS, "must be int8/uint8 like X"))
		return -1;
	return no_channel_all(c);
}

static int check_softmax(struct tk_ctx *c)
{
	const struct taihu_softmax_params *p = &c->k->p.softmax;

	if (need_zero(c, &p->reserved) || need_rank(c, 0, 1, TAIHU_MAX_RANK) ||
	    norm_axis(c, &p->axis, T(c, 0)->rank) < 0 || same_shape(c, 1, 0) ||
	    need_dtype(c, 0, FLOATS, "is not a float dtype") ||
	    need_dtype(c, 1, 1u << T(c, 0)->dtype, "must be X's dtype"))
		return -1;
	return 0;
}

/* Tensor @i (optional) has the shape of X's dimensions from @axis on, or broadcasts to it. */
static int check_affine(struct tk_ctx *c, unsigned int i, unsigned int axis)
{
	const struct taihu_tensor_desc *x = T(c, 0);

	if (!tk_input(c->k, i))
		return 0;
	if (bcast_to(c, i, x->rank - axis, &x->shape[axis]))
		return -1;
	return need_dtype(c, i, (1u << x->dtype) | BIT(FP32), "must be X's dtype or fp32");
}

static int check_norm(struct tk_ctx *c)
{
	const struct taihu_norm_params *p = &c->k->p.norm;
	unsigned int Y = tk_out(c->k), i;
	int axis;

	if (need_rank(c, 0, 1, TAIHU_MAX_RANK))
		return -1;
	axis = norm_axis(c, &p->axis, T(c, 0)->rank);
	if (axis < 0)
		return -1;
	if (!isfinite(p->epsilon) || p->epsilon < 0.0f)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->epsilon, "epsilon %g not finite and >= 0",
			     (double)p->epsilon);
	if (need_dtype(c, 0, FLOATS, "is not a float dtype") || same_shape(c, Y, 0) ||
	    need_dtype(c, Y, 1u << T(c, 0)->dtype, "must be X's dtype"))
		return -1;
	for (i = 1; i < Y; i++)
		if (check_affine(c, i, (unsigned int)axis))
			return -1;
	return 0;
}

static int check_batchnorm(struct tk_ctx *c)
{
	const struct taihu_batchnorm_params *p = &c->k->p.bn;
	unsigned int i;

	if (!isfinite(p->epsilon) || p->epsilon < 0.0f)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->epsilon, "epsilon %g not finite and >= 0",
			     (double)p->epsilon);
	if (need_zero(c, &p->reserved) || check_act(c, &p->act) ||
	    need_rank(c, 0, 2, TAIHU_MAX_RANK) || need_dtype(c, 0, FLOATS, "is not a float dtype") ||
	    same_shape(c, 5, 0) || need_dtype(c, 5, 1u << T(c, 0)->dtype, "must be X's dtype"))
		return -1;
	for (i = 1; i < 5; i++)
		if (need_rank(c, i, 1, 1) || need_dim(c, i, 0, T(c, 0)->shape[1], "X's C") ||
		    need_dtype(c, i, (1u << T(c, 0)->dtype) | BIT(FP32), "must be X's dtype or fp32"))
			return -1;
	return 0;
}

static int check_reduce(struct tk_ctx *c)
{
	const struct taihu_reduce_params *p = &c->k->p.reduce;
	const struct taihu_tensor_desc *x = T(c, 0), *y = T(c, 1);
	unsigned int r, j = 0, kept = 0;

	if (p->op >= TAIHU_REDUCE_COUNT)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->op, "unknown reduction %u", p->op);
	if (need_rank(c, 0, 1, TAIHU_MAX_RANK))
		return -1;
	if (!p->axes || p->axes >> x->rank)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->axes, "axes 0x%x not a set of X's %u axes",
			     p->axes, x->rank);
	for (r = 0; r < x->rank; r++)
		kept += !(p->axes & (1u << r));
	if (y->rank == x->rank) {
		for (r = 0; r < x->rank; r++)
			if (need_dim(c, 1, r, p->axes & (1u << r) ? 1 : x->shape[r],
				     p->axes & (1u << r) ? "1 (reduced)" : "X's"))
				return -1;
	} else if (y->rank == kept) {
		for (r = 0; r < x->rank; r++)
			if (!(p->axes & (1u << r)) && need_dim(c, 1, j++, x->shape[r], "X's"))
				return -1;
	} else {
		return fail(c, TAIHU_REASON_SHAPE, 1, TAIHU_FIELD_RANK,
			    "rank %u is neither X's %u nor %u (reduced axes dropped)", y->rank,
			    x->rank, kept);
	}
	if (need_dtype(c, 0, FLOATS, "is not a float dtype") ||
	    need_dtype(c, 1, 1u << x->dtype, "must be X's dtype"))
		return -1;
	return 0;
}

static int check_transpose(struct tk_ctx *c)
{
	const struct taihu_transpose_params *p = &c->k->p.transpose;
	const struct taihu_tensor_desc *x = T(c, 0);
	unsigned int r, seen = 0;

	if (p->reserved)
		return fail(c, TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS, 1, "reserved not zero");
	if (need_rank(c, 1, x->rank, x->rank))
		return -1;
	for (r = 0; r < TAIHU_MAX_RANK; r++) {
		if (r >= x->rank) {
			if (p->perm[r])
				return fail(c, TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS, r / 4,
					    "perm[%u] set beyond rank %u", r, x->rank);
			continue;
		}
		if (p->perm[r] >= x->rank || seen & (1u << p->perm[r]))
			return fail(c, TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS, r / 4,
				    "perm is not a permutation of 0..%u", x->rank - 1);
		seen |= 1u << p->perm[r];
		if (need_dim(c, 1, r, x->shape[p->perm[r]], "X's permuted"))
			return -1;
	}
	return need_dtype(c, 1, 1u << x->dtype, "must be X's dtype");
}

static int check_cast(struct tk_ctx *c)
{
	const struct taihu_cast_params *p = &c->k->p.cast;

	if (need_zero(c, &p->reserved[0]) || need_zero(c, &p->reserved[1]))
		return -1;
	return same_shape(c, 1, 0);
}

static int check_attention(struct tk_ctx *c)
{
	const struct taihu_attention_params *p = &c->k->p.attn;
	const unsigned int Q = 0, K = 1, V = 2, M = 3, O = tk_out(c->k);
	const struct taihu_tensor_desc *q = T(c, Q), *k = T(c, K), *v = T(c, V);
	uint32_t full[4];
	unsigned int i;

	if (!isfinite(p->scale))
		return PFAIL(c, TAIHU_REASON_PARAMS, p->scale, "scale %g not finite",
			     (double)p->scale);
	if (p->flags & ~TAIHU_ATTENTION_CAUSAL)
		return PFAIL(c, TAIHU_REASON_PARAMS, p->flags, "unknown flags 0x%x", p->flags);
	if (need_rank(c, Q, 4, 4) || need_rank(c, K, 4, 4) || need_rank(c, V, 4, 4) ||
	    need_rank(c, O, 4, 4))
		return -1;
	if (need_dim(c, K, 0, q->shape[0], "Q's B") || need_dim(c, K, 3, q->shape[3], "Q's D") ||
	    need_dim(c, V, 0, q->shape[0], "Q's B") || need_dim(c, V, 1, k->shape[1], "K's heads") ||
	    need_dim(c, V, 2, k->shape[2], "K's T"))
		return -1;
	if (q->shape[1] % k->shape[1])
		return fail(c, TAIHU_REASON_SHAPE, K, 1, "%u heads do not divide Q's %u",
			    k->shape[1], q->shape[1]);
	if (need_dim(c, O, 0, q->shape[0], "Q's B") || need_dim(c, O, 1, q->shape[1], "Q's heads") ||
	    need_dim(c, O, 2, q->shape[2], "Q's S") || need_dim(c, O, 3, v->shape[3], "V's Dv"))
		return -1;
	full[0] = q->shape[0];
	full[1] = q->shape[1];
	full[2] = q->shape[2];
	full[3] = k->shape[2];
	if (tk_input(c->k, M) && bcast_to(c, M, 4, full))
		return -1;
	if (need_dtype(c, Q, FLOATS, "is not a float dtype"))
		return -1;
	for (i = 1; i <= O; i++) {
		uint32_t ok = 1u << q->dtype;

		if (i == M && i != O) {
			if (!tk_input(c->k, M))
				continue;
			ok |= BIT(FP32);
		}
		if (need_dtype(c, i, ok, i == M && i != O ? "must be Q's dtype or fp32" :
							    "must be Q's dtype"))
			return -1;
	}
	return 0;
}

/* ---- the packet ------------------------------------------------------- */

uint32_t tk_compute_dtypes(const struct tk_packet *k)
{
	uint32_t m = 0;
	unsigned int i, n = k->kernel == TAIHU_KERNEL_CAST ? 2 : 1;

	for (i = 0; i < n; i++) {
		unsigned int dt = k->t[i].dtype;

		m |= 1u << (dt == TAIHU_DTYPE_UINT8 ? TAIHU_DTYPE_INT8 : dt);
	}
	return m;
}

int tk_parse(const void *pkt, size_t len, struct tk_packet *out, struct tk_error *err)
{
	struct tk_ctx c = { .k = out, .err = err };
	const uint8_t *p = pkt;
	struct taihu_pkt_kernel h;
	size_t need, params_off;
	unsigned int n, i;
	uint16_t known;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (len < sizeof(h))
		return fail(&c, TAIHU_REASON_PACKET, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE,
			    "%zu bytes, shorter than the KERNEL header", len);
	memcpy(&h, p, sizeof(h));
	out->kernel = h.kernel;
	out->num_inputs = h.num_inputs;
	out->num_outputs = h.num_outputs;
	c.spec = spec_of(h.kernel);
	if (!c.spec)
		return fail(&c, TAIHU_REASON_UNKNOWN_KERNEL, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE,
			    "unknown kernel %u", h.kernel);
	if (h.flags)
		return fail(&c, TAIHU_REASON_PACKET, TAIHU_OPERAND_PACKET, TAIHU_FIELD_FLAGS,
			    "flags 0x%x must be zero", h.flags);
	if (h.num_inputs < c.spec->min_in || h.num_inputs > c.spec->max_in ||
	    h.num_outputs != c.spec->n_out)
		return fail(&c, TAIHU_REASON_PACKET, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE,
			    "%u inputs and %u outputs; takes %u..%u and %u", h.num_inputs,
			    h.num_outputs, c.spec->min_in, c.spec->max_in, c.spec->n_out);
	n = (unsigned int)h.num_inputs + h.num_outputs;
	params_off = sizeof(h) + (size_t)n * sizeof(struct taihu_tensor_desc);
	need = params_off + (((size_t)h.params_size + 7) & ~(size_t)7);
	if (h.hdr.size != need || need > len)
		return fail(&c, TAIHU_REASON_PACKET, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE,
			    "packet size %u, its contents need %zu", h.hdr.size, need);
	out->size = (uint32_t)need;
	if (!all_zero(p + params_off + h.params_size, need - params_off - h.params_size))
		return fail(&c, TAIHU_REASON_PACKET, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE,
			    "padding after the parameters is not zero");
	known = c.spec->params_size;
	memcpy(&out->p, p + params_off, h.params_size < known ? h.params_size : known);
	if (h.params_size > known && !all_zero(p + params_off + known, h.params_size - known))
		return fail(&c, TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS, known / 4,
			    "%u parameter bytes, this firmware knows %u and the rest are not zero",
			    h.params_size, known);

	for (i = 0; i < n; i++) {
		memcpy(&out->t[i], p + sizeof(h) + i * sizeof(struct taihu_tensor_desc),
		       sizeof(struct taihu_tensor_desc));
		if (check_desc(&c, i))
			return -1;
		/* Only optional inputs (beyond the minimum) may be absent. */
		if (i < c.spec->min_in && (out->t[i].flags & TAIHU_TENSOR_ABSENT))
			return fail(&c, TAIHU_REASON_PACKET, i, TAIHU_FIELD_FLAGS,
				    "a required operand is absent");
		if ((out->t[i].flags & TAIHU_TENSOR_ABSENT) && i >= h.num_inputs)
			return fail(&c, TAIHU_REASON_PACKET, i, TAIHU_FIELD_FLAGS,
				    "an output is absent");
	}
	if (c.spec->check(&c))
		return -1;
	return check_overlaps(&c);
}
