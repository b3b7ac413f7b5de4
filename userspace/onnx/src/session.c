// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Sessions: a prepared plan on a device. Three buffers hold everything a
 * run touches: the weights (VRAM, uploaded once per prepare), the arena of
 * planned intermediates (VRAM) and the inputs and outputs (host memory the
 * card reads and writes directly). The command stream is built once per
 * prepare with libtaihu's kernel appends and kept in a VRAM buffer; a run
 * writes the inputs, submits that one job, waits and reads the outputs
 * (nothing is built, patched or allocated per run). The job is one entry
 * of a user queue when the card has them (uqueue.c), else a SUBMIT that,
 * after the first run of a prepare, lists no buffers (see run_submit()).
 * Kernels of one job run in order and see each other's results, so the
 * stream needs no barriers between dependent kernels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"
#include "uqueue.h"

#define DEFAULT_TIMEOUT_NS (60LL * 1000000000LL)

/* The plan's kernel, operation and activation numbers are the card's. */
_Static_assert((int)OXK_GEMM == (int)TAIHU_KERNEL_GEMM && (int)OXK_ATTENTION == (int)TAIHU_KERNEL_ATTENTION &&
	       (int)OXK_CAST == (int)TAIHU_KERNEL_CAST && (int)OXK_TRANSPOSE == (int)TAIHU_KERNEL_TRANSPOSE,
	       "kernel ids");
_Static_assert((int)OXB_ADD == (int)TAIHU_BINARY_ADD && (int)OXB_MIN == (int)TAIHU_BINARY_MIN, "binary ops");
_Static_assert((int)OXR_SUM == (int)TAIHU_REDUCE_SUM && (int)OXR_MIN == (int)TAIHU_REDUCE_MIN, "reduce ops");
_Static_assert((int)OX_ACT_RELU == (int)TAIHU_ACT_RELU && (int)OX_ACT_GELU_ERF == (int)TAIHU_ACT_GELU_ERF &&
	       (int)OX_ACT_ERF == (int)TAIHU_ACT_ERF && (int)OX_ACT_CLIP == (int)TAIHU_ACT_CLIP, "activations");

struct taihu_onnx_session {
	struct taihu_device *dev;
	const struct taihu_onnx_model *m;
	struct taihu_onnx_options opts;

	ox_tensor **inputs;	/* per model input, owned copies */
	bool inputs_changed;
	struct ox_plan *plan;
	ox_tensor **outputs;	/* per model output */

	struct taihu_bo *weights, *arena, *io, *cmd;
	uint32_t cmd_len;
	uint8_t *io_map;
	uint64_t *kernel_ns;	/* per plan kernel, last profiled run */
	bool listed;		/* a job of this prepare listed the buffers */
	bool uq_wanted;		/* the card has user queues and we may use them */
	bool uq_off;		/* SUBMIT until the next prepare (no queue to be had) */
	struct taihu_uq *uq;	/* NULL: none yet, or it stopped */
	uint64_t uq_seq;	/* echoed in the entry's completion */
	struct taihu_onnx_stats st;
	struct taihu_kernel_info *caps;	/* what the running firmware enables */
	int n_caps;			/* -1: the card did not say */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void drop_uq(struct taihu_onnx_session *s)
{
	taihu_uq_destroy(s->uq);
	s->uq = NULL;
}

static void release_device(struct taihu_onnx_session *s)
{
	int i;

	drop_uq(s);	/* before the buffers its entries use */
	taihu_bo_free(s->cmd);
	taihu_bo_free(s->io);
	taihu_bo_free(s->arena);
	taihu_bo_free(s->weights);
	s->cmd = s->io = s->arena = s->weights = NULL;
	s->io_map = NULL;
	if (s->outputs && s->plan)
		for (i = 0; i < s->plan->n_out; i++)
			ox_tensor_free(s->outputs[i]);
	free(s->outputs);
	s->outputs = NULL;
	free(s->kernel_ns);
	s->kernel_ns = NULL;
	ox_plan_free(s->plan);
	s->plan = NULL;
}

OX_EXPORT int taihu_onnx_session_new(struct taihu_device *dev, const struct taihu_onnx_model *m,
				     const struct taihu_onnx_options *opts,
				     struct taihu_onnx_session **out)
{
	struct taihu_onnx_session *s;

	ox_err_clear();
	if (!dev || !m || !out)
		return ox_err(-EINVAL, "taihu_onnx_session_new: invalid arguments");
	if (opts && opts->size < offsetof(struct taihu_onnx_options, precision))
		return ox_err(-EINVAL, "taihu_onnx_session_new: options size %u", opts->size);
	s = calloc(1, sizeof(*s));
	if (!s)
		return ox_err(-ENOMEM, "out of memory");
	s->opts.size = sizeof(s->opts);
	if (opts)	/* fields beyond the caller's size stay zero */
		memcpy(&s->opts, opts, opts->size < sizeof(s->opts) ? opts->size : sizeof(s->opts));
	s->opts.size = sizeof(s->opts);
	if (s->opts.precision > TAIHU_ONNX_PRECISION_FP16) {
		uint32_t p = s->opts.precision;

		free(s);
		return ox_err(-EINVAL, "unknown precision %u", p);
	}
	if (!s->opts.timeout_ns)
		s->opts.timeout_ns = DEFAULT_TIMEOUT_NS;
	s->dev = dev;
	s->m = m;
	s->uq_wanted = ox_uq_wanted(dev, s->opts.flags);
	/* An array of pointers, NULL-terminated. */
	s->inputs = calloc((size_t)m->g->n_inputs + 1, sizeof(*s->inputs)); // NOLINT(bugprone-sizeof-expression)
	if (!s->inputs) {
		free(s);
		return ox_err(-ENOMEM, "out of memory");
	}
	s->n_caps = taihu_kernel_count(dev);
	if (s->n_caps > 0) {
		int i;

		s->caps = calloc((size_t)s->n_caps, sizeof(*s->caps));
		for (i = 0; s->caps && i < s->n_caps; i++) {
			s->caps[i].size = sizeof(s->caps[i]);
			if (taihu_kernel_info(dev, (unsigned int)i, &s->caps[i]))
				break;
		}
		if (!s->caps || i < s->n_caps) {
			free(s->caps);
			s->caps = NULL;
			s->n_caps = -1;
		}
	} else if (s->n_caps < 0) {
		s->n_caps = -1;
	}
	*out = s;
	return 0;
}

OX_EXPORT void taihu_onnx_session_free(struct taihu_onnx_session *s)
{
	int i;

	if (!s)
		return;
	release_device(s);
	for (i = 0; i < s->m->g->n_inputs; i++)
		ox_tensor_free(s->inputs[i]);
	free(s->inputs);
	free(s->caps);
	free(s);
}

/* Same shape (and, for inputs that determine shapes, the same values)? */
static bool same_binding(const ox_tensor *a, const ox_tensor *b, bool values)
{
	if (!a || !b || a->dtype != b->dtype || a->rank != b->rank)
		return false;
	if (a->rank && memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank))
		return false;
	return !values || !memcmp(a->data, b->data, a->nbytes);
}

OX_EXPORT int taihu_onnx_session_set_input(struct taihu_onnx_session *s, const char *name,
					   const struct taihu_onnx_tensor *t)
{
	const struct ox_graph *g;
	const struct ox_value *v;
	ox_tensor *c;
	int i, k;

	ox_err_clear();
	if (!s || !name || !t)
		return ox_err(-EINVAL, "taihu_onnx_session_set_input: invalid arguments");
	g = s->m->g;
	for (i = 0; i < g->n_inputs; i++)
		if (!strcmp(g->vals[g->inputs[i]].name, name))
			break;
	if (i == g->n_inputs)
		return ox_err(-ENOENT, "%s: the model has no input '%s'", s->m->path, name);
	v = &g->vals[g->inputs[i]];
	if (v->dtype != OX_UNDEF && v->dtype != t->dtype &&
	    !(v->dtype == OX_BF16 && t->dtype == OX_U16))
		return ox_err(-EINVAL, "input '%s' must be %s, the tensor given is %s", name,
			      ox_dtype_name(v->dtype), ox_dtype_name(t->dtype));
	if (v->rank >= 0) {
		char a[96], b[96];
		bool bad = v->rank != t->rank;

		for (k = 0; !bad && k < v->rank; k++)
			bad = v->dims[k] >= 0 && v->dims[k] != t->dims[k];
		if (bad)
			return ox_err(-EINVAL, "input '%s' must have shape %s (-1: any), the "
				      "tensor given has shape %s", name,
				      ox_shape_str(v->rank, v->dims, a, sizeof(a)),
				      ox_shape_str(t->rank, t->dims, b, sizeof(b)));
	}
	if (s->inputs[i] && same_binding(s->inputs[i], t, true)) {
		return 0;
	}
	if (s->inputs[i] && same_binding(s->inputs[i], t, false)) {
		/* same shape: only the data changes (unless it determines shapes) */
		memcpy(s->inputs[i]->data, t->data, t->nbytes);
		if (v->flags & OXV_NEED_VALUE)
			s->inputs_changed = true;
		return 0;
	}
	c = ox_tensor_clone(t);
	if (!c)
		return -ENOMEM;
	ox_tensor_free(s->inputs[i]);
	s->inputs[i] = c;
	s->inputs_changed = true;
	return 0;
}

/* ---- from plan views to libtaihu tensors ---- */

static uint32_t card_dtype(int dt)
{
	switch (dt) {
	case OX_F32: return TAIHU_DTYPE_FP32;
	case OX_F16: return TAIHU_DTYPE_FP16;
	case OX_BF16: return TAIHU_DTYPE_BF16;
	case OX_I8: return TAIHU_DTYPE_INT8;
	case OX_U8: return TAIHU_DTYPE_UINT8;
	case OX_I32: return TAIHU_DTYPE_INT32;
	}
	return TAIHU_DTYPE_COUNT;
}

static uint64_t store_addr(const struct taihu_onnx_session *s, int store)
{
	const struct ox_store *st = &s->plan->stores[store];
	const struct taihu_bo *bo = st->kind == OXS_WEIGHT ? s->weights :
				    st->kind == OXS_ARENA ? s->arena : s->io;

	return taihu_bo_dev_addr(bo) + st->offset;
}

static void to_tensor(const struct taihu_onnx_session *s, const struct ox_view *v,
		      struct taihu_tensor *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->dtype = card_dtype(v->dtype);
	t->addr = store_addr(s, v->store) + (uint64_t)v->offset * ox_dtype_size(v->dtype);
	t->rank = (uint32_t)v->rank;
	for (i = 0; i < v->rank; i++) {
		t->shape[i] = (uint64_t)v->dims[i];
		t->strides[i] = v->strides[i];
	}
	switch (v->quant) {
	case OXQ_TENSOR:
		t->quant = TAIHU_QUANT_TENSOR;
		t->scale = v->scale;
		t->zero_point = v->zero;
		break;
	case OXQ_CHANNEL:
		t->quant = TAIHU_QUANT_CHANNEL;
		t->quant_axis = (uint32_t)v->quant_axis;
		t->scale_addr = store_addr(s, v->qscale_store);
		t->zero_point_addr = v->qzero_store >= 0 ? store_addr(s, v->qzero_store) : 0;
		break;
	}
}

static struct taihu_act card_act(struct ox_act a)
{
	struct taihu_act c;

	memset(&c, 0, sizeof(c));
	c.op = (uint32_t)a.op;
	c.alpha = a.alpha;
	c.beta = a.beta;
	return c;
}

/* The kernel's parameter structure of taihu_cmdstream.h. */
static size_t kernel_params(const struct ox_kernel *k, void *buf)
{
	int i;

	switch (k->kind) {
	case OXK_GEMM: {
		struct taihu_gemm_params *p = buf;

		p->flags = (k->p.gemm.flags & OX_GEMM_TRANS_A ? TAIHU_GEMM_TRANS_A : 0) |
			   (k->p.gemm.flags & OX_GEMM_TRANS_B ? TAIHU_GEMM_TRANS_B : 0);
		p->alpha = k->p.gemm.alpha;
		p->beta = k->p.gemm.beta;
		p->act = card_act(k->p.gemm.act);
		return sizeof(*p);
	}
	case OXK_CONV2D: {
		struct taihu_conv2d_params *p = buf;

		for (i = 0; i < 2; i++) {
			p->stride[i] = (uint32_t)k->p.conv.stride[i];
			p->dilation[i] = (uint32_t)k->p.conv.dilation[i];
			p->pad_begin[i] = (uint32_t)k->p.conv.pad_begin[i];
			p->pad_end[i] = (uint32_t)k->p.conv.pad_end[i];
		}
		p->groups = (uint32_t)k->p.conv.groups;
		p->act = card_act(k->p.conv.act);
		return sizeof(*p);
	}
	case OXK_POOL2D: {
		struct taihu_pool2d_params *p = buf;

		p->op = k->p.pool.op == OXP_AVG ? TAIHU_POOL_AVG : TAIHU_POOL_MAX;
		p->flags = k->p.pool.flags & OX_POOL_COUNT_PAD ? TAIHU_POOL_COUNT_PAD : 0;
		for (i = 0; i < 2; i++) {
			p->kernel[i] = (uint32_t)k->p.pool.kernel[i];
			p->stride[i] = (uint32_t)k->p.pool.stride[i];
			p->dilation[i] = (uint32_t)k->p.pool.dilation[i];
			p->pad_begin[i] = (uint32_t)k->p.pool.pad_begin[i];
			p->pad_end[i] = (uint32_t)k->p.pool.pad_end[i];
		}
		return sizeof(*p);
	}
	case OXK_BINARY: {
		struct taihu_binary_params *p = buf;

		p->op = (uint32_t)k->p.binary.op;	/* same order as enum taihu_binary_op */
		p->act = card_act(k->p.binary.act);
		return sizeof(*p);
	}
	case OXK_UNARY: {
		struct taihu_unary_params *p = buf;

		p->act = card_act(k->p.unary);
		return sizeof(*p);
	}
	case OXK_SOFTMAX: case OXK_LOG_SOFTMAX: {
		struct taihu_softmax_params *p = buf;

		p->axis = k->p.softmax.axis;
		return sizeof(*p);
	}
	case OXK_LAYERNORM: case OXK_RMSNORM: {
		struct taihu_norm_params *p = buf;

		p->axis = k->p.norm.axis;
		p->epsilon = k->p.norm.epsilon;
		return sizeof(*p);
	}
	case OXK_BATCHNORM: {
		struct taihu_batchnorm_params *p = buf;

		p->epsilon = k->p.bn.epsilon;
		p->act = card_act(k->p.bn.act);
		return sizeof(*p);
	}
	case OXK_REDUCE: {
		struct taihu_reduce_params *p = buf;

		p->op = (uint32_t)k->p.reduce.op;	/* same order as enum taihu_reduce_op */
		p->axes = k->p.reduce.axes;
		return sizeof(*p);
	}
	case OXK_TRANSPOSE: {
		struct taihu_transpose_params *p = buf;

		for (i = 0; i < TAIHU_MAX_RANK; i++)
			p->perm[i] = (uint8_t)(i < k->t[0].rank ? k->p.transpose.perm[i] : 0);
		return sizeof(*p);
	}
	case OXK_CAST:
		return sizeof(struct taihu_cast_params);
	case OXK_ATTENTION: {
		struct taihu_attention_params *p = buf;

		p->scale = k->p.attn.scale;
		p->flags = k->p.attn.flags;
		return sizeof(*p);
	}
	}
	return 0;
}

/* The card's firmware must enable the kernel in this dtype, within its limits. */
static int check_caps(const struct taihu_onnx_session *s, const struct ox_kernel *k)
{
	const struct taihu_kernel_info *c = NULL;
	const struct ox_view *v0 = &k->t[0];
	uint32_t dt;
	int i, j;

	if (s->n_caps < 0 || k->kind == OXK_COPY || k->kind == OXK_FILL)
		return 0;
	for (i = 0; i < s->n_caps; i++)
		if (s->caps[i].kernel == (uint32_t)k->kind)
			c = &s->caps[i];
	if (!c)
		return ox_err(-EOPNOTSUPP, "%s: the card's firmware does not enable the %s kernel",
			      k->label, ox_kind_name(k->kind));
	dt = card_dtype(v0->dtype);
	if (dt == TAIHU_DTYPE_UINT8)
		dt = TAIHU_DTYPE_INT8;
	if (!(c->dtypes & (1u << dt)))
		return ox_err(-EOPNOTSUPP, "%s: the card's firmware does not enable %s in %s",
			      k->label, ox_kind_name(k->kind), ox_dtype_name(v0->dtype));
	for (i = 0; i < k->n_in + k->n_out; i++) {
		const struct ox_view *v = &k->t[i];

		if (v->store < 0)
			continue;
		if (c->max_rank && (uint32_t)v->rank > c->max_rank)
			return ox_err(-EOPNOTSUPP, "%s: rank %d is above the firmware's limit %u "
				      "for %s", k->label, v->rank, c->max_rank,
				      ox_kind_name(k->kind));
		for (j = 0; j < v->rank; j++)
			if (c->max_dim && (uint64_t)v->dims[j] > c->max_dim)
				return ox_err(-EOPNOTSUPP, "%s: dimension %lld is above the "
					      "firmware's limit %u", k->label,
					      (long long)v->dims[j], c->max_dim);
		if (c->max_elems && (uint64_t)ox_numel(v->rank, v->dims) > c->max_elems)
			return ox_err(-EOPNOTSUPP, "%s: a tensor of %lld elements is above the "
				      "firmware's limit %llu", k->label,
				      (long long)ox_numel(v->rank, v->dims),
				      (unsigned long long)c->max_elems);
	}
	return 0;
}

static int append_kernel(struct taihu_onnx_session *s, struct taihu_cmdbuf *cb,
			 const struct ox_kernel *k)
{
	struct taihu_tensor t[OX_KERNEL_MAX_TENSORS];
	const struct taihu_tensor *tp[OX_KERNEL_MAX_TENSORS];
	/* room for any kernel's parameter structure (taihu_cmdstream.h) */
	_Alignas(8) unsigned char params[256];
	size_t psize;
	int i, rc;

	if (k->kind == OXK_COPY) {
		uint64_t src = store_addr(s, k->t[0].store) +
			       (uint64_t)k->t[0].offset * ox_dtype_size(k->t[0].dtype);
		uint64_t dst = store_addr(s, k->t[1].store) +
			       (uint64_t)k->t[1].offset * ox_dtype_size(k->t[1].dtype);

		rc = taihu_cmdbuf_copy(cb, src, dst, k->p.copy.bytes);
	} else if (k->kind == OXK_FILL) {
		uint64_t dst = store_addr(s, k->t[0].store) +
			       (uint64_t)k->t[0].offset * ox_dtype_size(k->t[0].dtype);

		rc = taihu_cmdbuf_fill(cb, dst, k->p.fill.bytes, k->p.fill.value);
	} else {
		memset(params, 0, sizeof(params));
		psize = kernel_params(k, params);
		for (i = 0; i < k->n_in + k->n_out; i++) {
			if (k->t[i].store < 0) {
				tp[i] = NULL;
				continue;
			}
			to_tensor(s, &k->t[i], &t[i]);
			tp[i] = &t[i];
		}
		rc = taihu_cmdbuf_kernel(cb, (uint32_t)k->kind, params, psize, tp,
					 (uint32_t)k->n_in, (uint32_t)k->n_out);
		if (rc == -EINVAL)
			return ox_err(-EINVAL, "%s: libtaihu refused the %s kernel: %s", k->label,
				      ox_kind_name(k->kind), taihu_cmdbuf_error(cb));
	}
	if (rc < 0)
		return ox_err(rc, "%s: cannot append the %s kernel: %s", k->label,
			      ox_kind_name(k->kind), taihu_strerror(rc));
	return 0;
}

static int make_bo(struct taihu_onnx_session *s, uint64_t bytes, uint32_t placement,
		   const char *what, struct taihu_bo **out)
{
	int err;

	*out = NULL;
	if (!bytes)
		return 0;
	err = taihu_bo_create(s->dev, bytes, placement, out);
	if (err)
		return ox_err(err, "cannot allocate %llu bytes of %s for the %s: %s",
			      (unsigned long long)bytes, taihu_placement_name(placement), what,
			      taihu_strerror(err));
	return 0;
}

static int build_stream(struct taihu_onnx_session *s)
{
	struct ox_plan *p = s->plan;
	bool profile = s->opts.flags & TAIHU_ONNX_PROFILE;
	uint64_t ts = taihu_bo_dev_addr(s->io) + p->profile_offset;
	struct taihu_cmdbuf *cb;
	int i, err;

	err = taihu_cmdbuf_new(&cb);
	if (err)
		return ox_err(err, "cannot create a command buffer: %s", taihu_strerror(err));
	if (profile && (err = taihu_cmdbuf_timestamp(cb, ts)) < 0)
		goto fail;
	for (i = 0; i < p->n_kernels; i++) {
		err = append_kernel(s, cb, &p->kernels[i]);
		if (err)
			goto out;
		if (profile && (err = taihu_cmdbuf_timestamp(cb, ts + 8 * (uint64_t)(i + 1))) < 0)
			goto fail;
	}
	if (!taihu_cmdbuf_size(cb)) {
		/* nothing for the card (everything folded): a NOP keeps run() uniform */
		err = taihu_cmdbuf_nop(cb, 8);
		if (err < 0)
			goto fail;
	}
	s->cmd_len = (uint32_t)taihu_cmdbuf_size(cb);
	err = taihu_cmdbuf_upload(cb, s->dev, &s->cmd);
	if (err)
		goto fail;
	err = 0;
	goto out;
fail:
	err = ox_err(err, "cannot build the command stream: %s", taihu_strerror(err));
out:
	taihu_cmdbuf_free(cb);
	return err;
}

static int upload_weights(struct taihu_onnx_session *s)
{
	struct ox_plan *p = s->plan;
	int i, err;

	for (i = 0; i < p->n_stores; i++) {
		const struct ox_store *st = &p->stores[i];

		if (st->kind != OXS_WEIGHT || !st->data)
			continue;
		err = taihu_bo_write(s->weights, st->offset, st->data->data, st->data->nbytes);
		if (err)
			return ox_err(err, "cannot upload the weights: %s", taihu_strerror(err));
	}
	/* the CPU mapping of VRAM is only needed for the upload */
	taihu_bo_unmap(s->weights);
	return 0;
}

OX_EXPORT int taihu_onnx_session_prepare(struct taihu_onnx_session *s)
{
	const struct ox_graph *g;
	struct taihu_device_info info = { .size = sizeof(info) };
	uint64_t need, prof;
	int64_t t0 = now_ns();
	int i, err;
	void *map;

	ox_err_clear();
	if (!s)
		return ox_err(-EINVAL, "taihu_onnx_session_prepare: invalid arguments");
	g = s->m->g;
	for (i = 0; i < g->n_inputs; i++)
		if (!s->inputs[i])
			return ox_err(-EINVAL, "%s: input '%s' is missing", s->m->path,
				      g->vals[g->inputs[i]].name);
	release_device(s);
	err = ox_plan_build(s->m, (const ox_tensor *const *)s->inputs, (int)s->opts.precision,
			    s->opts.flags, &s->plan);
	if (err)
		return ox_err_prefix(err, "%s", s->m->path);
	/* does it fit the card's memory at all? */
	prof = 8 * ((uint64_t)s->plan->n_kernels + 1);
	need = s->plan->weights_bytes + s->plan->arena_bytes;
	if (!taihu_device_info(s->dev, &info) && info.vram_size &&
	    need > info.vram_size - (info.vram_used < info.vram_size ? info.vram_used : 0)) {
		err = ox_err(-ENOMEM, "the model needs %llu bytes of VRAM (weights %llu, "
			     "intermediates %llu); the card has %llu free of %llu",
			     (unsigned long long)need,
			     (unsigned long long)s->plan->weights_bytes,
			     (unsigned long long)s->plan->arena_bytes,
			     (unsigned long long)(info.vram_size - info.vram_used),
			     (unsigned long long)info.vram_size);
		goto fail;
	}
	for (i = 0; i < s->plan->n_kernels; i++) {
		err = check_caps(s, &s->plan->kernels[i]);
		if (err)
			goto fail;
	}
	err = make_bo(s, s->plan->weights_bytes, DRM_TAIHU_PLACEMENT_VRAM, "weights", &s->weights);
	if (!err)
		err = make_bo(s, s->plan->arena_bytes, DRM_TAIHU_PLACEMENT_VRAM,
			      "intermediate buffers", &s->arena);
	if (!err)
		err = make_bo(s, s->plan->io_bytes + prof, DRM_TAIHU_PLACEMENT_HOST,
			      "inputs and outputs", &s->io);
	if (!err && s->weights)
		err = upload_weights(s);
	if (err)
		goto fail;
	err = taihu_bo_map(s->io, &map);
	if (err) {
		err = ox_err(err, "cannot map the I/O buffer: %s", taihu_strerror(err));
		goto fail;
	}
	s->io_map = map;
	err = build_stream(s);
	if (err)
		goto fail;
	/* An array of pointers, NULL-terminated. */
	s->outputs = calloc((size_t)s->plan->n_out + 1, sizeof(*s->outputs)); // NOLINT(bugprone-sizeof-expression)
	s->kernel_ns = calloc((size_t)s->plan->n_kernels + 1, sizeof(*s->kernel_ns));
	if (!s->outputs || !s->kernel_ns) {
		err = ox_err(-ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < s->plan->n_out; i++) {
		const struct ox_value *v = &s->plan->g->vals[s->plan->out[i].value];

		s->outputs[i] = ox_tensor_new(v->dtype, v->rank, v->dims);
		if (!s->outputs[i] || ox_tensor_set_name(s->outputs[i], v->name)) {
			err = -ENOMEM;
			goto fail;
		}
		if (s->plan->out[i].konst)
			memcpy(s->outputs[i]->data, s->plan->out[i].konst->data,
			       s->outputs[i]->nbytes);
	}
	s->inputs_changed = false;
	s->listed = false;
	s->uq_off = !s->uq_wanted;
	s->st.prepares++;
	s->st.prepare_ns = (uint64_t)(now_ns() - t0);
	return 0;
fail:
	ox_err_prefix(err, "%s", s->m->path);
	release_device(s);
	return err;
}

/* The session's buffers, for the job that lists them; returns how many. */
static uint32_t session_bos(struct taihu_onnx_session *s, struct taihu_bo **bos)
{
	uint32_t n = 0;

	if (s->weights)
		bos[n++] = s->weights;
	if (s->arena)
		bos[n++] = s->arena;
	bos[n++] = s->io;
	return n;
}

/*
 * A SUBMIT and a WAIT. The first job of a prepare lists the buffers:
 * SUBMIT maps them in the file's context (and pins the host one), and
 * they stay mapped until freed. Later jobs list none: nothing else uses
 * these buffers and every run waits for its job, so the reservations have
 * nothing to order, and SUBMIT then locks only the command buffer (no
 * drm_exec, no BO array to copy). *@t2: when the submit returned.
 */
static int run_submit(struct taihu_onnx_session *s, struct taihu_job_result *res, int64_t *t2)
{
	struct taihu_bo *bos[3];
	struct taihu_job job;
	uint64_t seqno;
	uint32_t n = s->listed ? 0 : session_bos(s, bos);
	int err;

	memset(&job, 0, sizeof(job));
	job.size = sizeof(job);
	job.queue = s->opts.queue;
	job.priority = DRM_TAIHU_PRIORITY_NORMAL;
	job.cmd_bo = s->cmd;
	job.cmd_len = s->cmd_len;
	job.bos = n ? bos : NULL;
	job.bo_count = n;
	err = taihu_submit(s->dev, &job, &seqno);
	if (err)
		return ox_err(err, "%s: submit failed: %s", s->m->path, taihu_strerror(err));
	*t2 = now_ns();
	err = taihu_wait(s->dev, seqno, taihu_deadline_ns(s->opts.timeout_ns), res);
	if (err)
		return ox_err(err, "%s: waiting for the job failed: %s", s->m->path,
			      taihu_strerror(err));
	return 0;
}

/*
 * One entry of the session's user queue, started (and its buffers listed
 * by a null SUBMIT) when there is none: at the first run of a prepare and
 * after one stopped. A queue that cannot be created leaves the session on
 * SUBMIT until the next prepare. A queue that stopped (-EIO) ends the job
 * with the queue's reason in @res, as a SUBMIT's WAIT would report it;
 * except once before the push, when it stopped while idle (a card reset
 * between two runs) and this run's entry would never have run.
 */
static int run_uq(struct taihu_onnx_session *s, struct taihu_job_result *res, int64_t *t2)
{
	struct taihu_bo *bos[3];
	uint32_t index;
	int tries, err;

	for (tries = 0;; tries++) {
		if (!s->uq) {
			err = ox_uq_start(s->dev, s->opts.queue, bos, session_bos(s, bos),
					  s->opts.timeout_ns, &s->uq, res);
			if (err > 0) {
				s->uq_off = true;
				return run_submit(s, res, t2);
			}
			if (err < 0)
				return ox_err(err, "%s: submit failed: %s", s->m->path,
					      taihu_strerror(err));
			if (!s->uq) {
				*t2 = now_ns();
				return 0;	/* the null job failed: reported as the run's */
			}
		}
		err = taihu_uq_push(s->uq, taihu_bo_dev_addr(s->cmd), s->cmd_len, ++s->uq_seq,
				    &index);
		if (err != -EIO || tries)
			break;
		drop_uq(s);
	}
	if (!err)
		err = taihu_uq_kick(s->uq);
	*t2 = now_ns();
	if (!err) {
		err = ox_uq_wait(s->uq, index, s->st.last_device_ns, s->opts.timeout_ns, res);
		if (err && err != -EIO) {
			/* the entry may still run: destroying the queue aborts it */
			drop_uq(s);
			return ox_err(err, "%s: waiting for the job failed: %s", s->m->path,
				      taihu_strerror(err));
		}
	}
	if (err == -EIO) {
		ox_uq_stopped(s->uq, res);
		return 0;
	}
	if (err) {
		drop_uq(s);
		return ox_err(err, "%s: submit failed: %s", s->m->path, taihu_strerror(err));
	}
	if (res->status != DRM_TAIHU_JOB_SUCCESS)
		ox_uq_failed(s->uq, res);
	return 0;
}

OX_EXPORT int taihu_onnx_session_run(struct taihu_onnx_session *s)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct ox_plan *p;
	int64_t t0, t1, t2 = 0, t3, t4;
	bool uq;
	int i, err;

	ox_err_clear();
	if (!s)
		return ox_err(-EINVAL, "taihu_onnx_session_run: invalid arguments");
	if (!s->plan || s->inputs_changed) {
		err = taihu_onnx_session_prepare(s);
		if (err)
			return err;
	}
	p = s->plan;
	t0 = now_ns();
	for (i = 0; i < p->n_in; i++) {
		const struct ox_store *st;

		if (p->in[i].store < 0)
			continue;
		st = &p->stores[p->in[i].store];
		memcpy(s->io_map + st->offset, s->inputs[i]->data, s->inputs[i]->nbytes);
	}
	t1 = now_ns();
	err = s->uq_off ? run_submit(s, &res, &t2) : run_uq(s, &res, &t2);
	if (err)
		return err;
	uq = !s->uq_off;
	t3 = now_ns();
	if (res.status != DRM_TAIHU_JOB_SUCCESS) {
		char why[256];

		/* after a reset, map everything again (and a stopped queue is no use) */
		s->listed = false;
		drop_uq(s);
		taihu_job_error(&res, why, sizeof(why));
		/* a kernel the firmware does not enable is unsupported, not wrong */
		return ox_err(res.status == DRM_TAIHU_JOB_UNSUPPORTED ? -EOPNOTSUPP : -EIO,
			      "%s: the card failed the job: %s", s->m->path, why);
	}
	for (i = 0; i < p->n_out; i++) {
		const struct ox_store *st;

		if (p->out[i].store < 0)
			continue;
		st = &p->stores[p->out[i].store];
		memcpy(s->outputs[i]->data, s->io_map + st->offset, s->outputs[i]->nbytes);
	}
	s->listed = true;
	t4 = now_ns();
	s->st.last_wall_ns = (uint64_t)(t4 - t0);
	s->st.last_input_ns = (uint64_t)(t1 - t0);
	s->st.last_submit_ns = (uint64_t)(t2 - t1);
	s->st.last_wait_ns = (uint64_t)(t3 - t2);
	s->st.last_output_ns = (uint64_t)(t4 - t3);
	s->st.last_device_ns = res.end_ns > res.start_ns ? res.end_ns - res.start_ns : 0;
	s->st.last_user_queue = uq;
	if (s->opts.flags & TAIHU_ONNX_PROFILE) {
		const uint64_t *ts = (const uint64_t *)(s->io_map + p->profile_offset);

		for (i = 0; i < p->n_kernels; i++)
			s->kernel_ns[i] = ts[i + 1] > ts[i] ? ts[i + 1] - ts[i] : 0;
	}
	return 0;
}

OX_EXPORT int taihu_onnx_session_output(struct taihu_onnx_session *s, int index,
					const struct taihu_onnx_tensor **out)
{
	if (!s || !out || !s->plan || !s->outputs || index < 0 || index >= s->plan->n_out)
		return ox_err(-EINVAL, "taihu_onnx_session_output: invalid arguments (run first)");
	*out = s->outputs[index];
	return 0;
}

OX_EXPORT int taihu_onnx_session_stats(const struct taihu_onnx_session *s,
				       struct taihu_onnx_stats *st)
{
	struct taihu_onnx_stats tmp;
	const struct ox_plan *p;
	int i;

	if (!s || !st || st->size < sizeof(uint32_t))
		return ox_err(-EINVAL, "taihu_onnx_session_stats: invalid arguments");
	tmp = s->st;
	tmp.size = st->size;
	tmp.precision = s->opts.precision;
	p = s->plan;
	if (p) {
		tmp.nodes = (uint32_t)s->m->g->n_nodes;
		tmp.folded = p->folded;
		tmp.fused = p->fused;
		tmp.aliased = p->aliased;
		tmp.kernels = tmp.copies = 0;
		for (i = 0; i < p->n_kernels; i++) {
			if (p->kernels[i].kind == OXK_COPY || p->kernels[i].kind == OXK_FILL)
				tmp.copies++;
			else
				tmp.kernels++;
		}
		tmp.barriers = 0;
		tmp.weights_bytes = p->weights_bytes;
		tmp.arena_bytes = p->arena_bytes;
		tmp.arena_unplanned_bytes = p->arena_unplanned;
		tmp.io_bytes = p->io_bytes;
		tmp.cmd_bytes = s->cmd_len;
		tmp.peak_device_bytes = p->weights_bytes + p->arena_bytes + s->cmd_len;
	}
	memcpy(st, &tmp, st->size < sizeof(tmp) ? st->size : sizeof(tmp));
	return 0;
}

OX_EXPORT int taihu_onnx_session_num_kernels(const struct taihu_onnx_session *s)
{
	return s && s->plan ? s->plan->n_kernels : ox_err(-EINVAL, "not prepared");
}

OX_EXPORT int taihu_onnx_session_kernel(const struct taihu_onnx_session *s, int index,
					struct taihu_onnx_kernel_info *info)
{
	struct taihu_onnx_kernel_info tmp;
	const struct ox_kernel *k;

	if (!s || !s->plan || !info || info->size < sizeof(uint32_t) || index < 0 ||
	    index >= s->plan->n_kernels)
		return ox_err(-EINVAL, "taihu_onnx_session_kernel: invalid arguments");
	k = &s->plan->kernels[index];
	memset(&tmp, 0, sizeof(tmp));
	tmp.size = info->size;
	tmp.kind = ox_kind_name(k->kind);
	tmp.node = k->node >= 0 ? s->plan->g->nodes[k->node].name : "(I/O)";
	tmp.op = k->label;
	tmp.device_ns = s->kernel_ns ? s->kernel_ns[index] : 0;
	memcpy(info, &tmp, info->size < sizeof(tmp) ? info->size : sizeof(tmp));
	return 0;
}
