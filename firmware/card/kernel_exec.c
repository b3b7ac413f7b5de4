// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * KERNEL packets (kernel_exec.h). Nothing of the guest's is trusted past
 * its check: descriptors and parameters are used from tk_parse()'s copy,
 * per-channel quantisation arrays are copied before they are validated,
 * and a tensor's pointer is only handed to a kernel once its whole extent
 * has been found mapped for the access the kernel makes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kcheck.h"
#include "kernel_exec.h"
#include "kernels/kernel.h"
#include "kernels/scratch.h"
#include "kernels/tensor.h"

struct kstate {
	struct engine *e;
	const struct job_mem *mem;
	struct kernel_result *res;
	struct tk_packet k;
	struct kexec x;
	bool staged[TAIHU_KERNEL_MAX_TENSORS];
};

static uint32_t kernel_status(uint32_t reason)
{
	return tk_reason_unsupported(reason) ? TAIHU_STATUS_UNSUPPORTED : TAIHU_STATUS_INVALID_KERNEL;
}

static int refuse(struct kstate *s, uint32_t reason, unsigned int operand, unsigned int field)
{
	s->res->status = kernel_status(reason);
	s->res->reason = reason;
	s->res->detail = TAIHU_KERNEL_DETAIL(s->k.kernel, operand, field);
	return -1;
}

static int mem_fault(struct kstate *s, const struct mem_fault *f)
{
	s->res->status = f->status;
	s->res->fault = *f;
	return -1;
}

/* The firmware's kernel table and limits. */
static int check_enabled(struct kstate *s)
{
	const struct card_kernel_cfg *kc = &s->e->card->cfg.kernels[s->k.kernel];
	unsigned int n = (unsigned int)s->k.num_inputs + s->k.num_outputs, i, r;
	uint32_t need = tk_compute_dtypes(&s->k);

	if (!kc->dtypes)
		return refuse(s, TAIHU_REASON_DISABLED, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE);
	if (need & ~kc->dtypes) {
		/* Name the operand whose dtype is missing: the first input, or CAST's output. */
		unsigned int dt = s->k.t[0].dtype == TAIHU_DTYPE_UINT8 ? TAIHU_DTYPE_INT8 :
				  s->k.t[0].dtype;

		i = kc->dtypes & (1u << dt) ? tk_out(&s->k) : 0;
		return refuse(s, TAIHU_REASON_DTYPE_DISABLED, tk_slot(&s->k, i), TAIHU_FIELD_DTYPE);
	}
	for (i = 0; i < n; i++) {
		const struct taihu_tensor_desc *d = &s->k.t[i];

		if (!tk_present(&s->k, i))
			continue;
		if (d->rank > kc->max_rank)
			return refuse(s, TAIHU_REASON_RANK_LIMIT, tk_slot(&s->k, i), TAIHU_FIELD_RANK);
		for (r = 0; r < d->rank; r++)
			if (d->shape[r] > kc->max_dim)
				return refuse(s, TAIHU_REASON_DIM_LIMIT, tk_slot(&s->k, i), r);
		if (s->k.elems[i] > kc->max_elems)
			return refuse(s, TAIHU_REASON_SIZE_LIMIT, tk_slot(&s->k, i), TAIHU_FIELD_NONE);
	}
	return 0;
}

/* Every extent mapped: inputs (and quantisation arrays) readable, outputs writable. */
static int check_memory(struct kstate *s)
{
	unsigned int n = (unsigned int)s->k.num_inputs + s->k.num_outputs, i;
	struct mem_fault f;

	for (i = 0; i < n; i++) {
		const struct taihu_tensor_desc *d = &s->k.t[i];
		enum taihu_access acc = i < tk_out(&s->k) ? TAIHU_ACCESS_READ : TAIHU_ACCESS_WRITE;

		if (!tk_present(&s->k, i))
			continue;
		if (jobmem_check(s->mem, d->addr, s->k.bytes[i], acc, &f))
			return mem_fault(s, &f);
		if (d->quant == TAIHU_QUANT_CHANNEL) {
			uint64_t len = 4ULL * d->shape[d->quant_axis];

			if (jobmem_check(s->mem, d->scale_addr, len, TAIHU_ACCESS_READ, &f) ||
			    (d->zero_point_addr &&
			     jobmem_check(s->mem, d->zero_point_addr, len, TAIHU_ACCESS_READ, &f)))
				return mem_fault(s, &f);
		}
	}
	return 0;
}

/* Copy and validate the per-channel arrays of tensor @i. */
static int load_channels(struct kstate *s, unsigned int i)
{
	const struct taihu_tensor_desc *d = &s->k.t[i];
	uint32_t ch = d->shape[d->quant_axis], c;
	struct ktensor *t = &s->x.t[i];
	struct mem_fault f;
	float *scale;
	int32_t *zp = NULL;

	scale = kscratch_get(&s->x, ch * sizeof(float));
	if (!scale)
		return refuse(s, TAIHU_REASON_NO_MEMORY, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE);
	if (jobmem_read(s->mem, d->scale_addr, scale, ch * sizeof(float), &f))
		return mem_fault(s, &f);
	if (d->zero_point_addr) {
		zp = kscratch_get(&s->x, ch * sizeof(int32_t));
		if (!zp)
			return refuse(s, TAIHU_REASON_NO_MEMORY, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE);
		if (jobmem_read(s->mem, d->zero_point_addr, zp, ch * sizeof(int32_t), &f))
			return mem_fault(s, &f);
	}
	for (c = 0; c < ch; c++) {
		if (!isfinite(scale[c]) || scale[c] <= 0.0f)
			return refuse(s, TAIHU_REASON_QUANT, tk_slot(&s->k, i),
				      TAIHU_FIELD_SCALE);
		if (zp && (zp[c] < kq_min(d->dtype) || zp[c] > kq_max(d->dtype)))
			return refuse(s, TAIHU_REASON_QUANT, tk_slot(&s->k, i),
				      TAIHU_FIELD_ZERO_POINT);
	}
	t->ch_scale = scale;
	t->ch_zp = zp;
	return 0;
}

/* Point the kernel at each tensor: in place when contiguous, else a staging copy. */
static int resolve(struct kstate *s)
{
	unsigned int n = (unsigned int)s->k.num_inputs + s->k.num_outputs, i;
	struct mem_fault f;

	for (i = 0; i < n; i++) {
		const struct taihu_tensor_desc *d = &s->k.t[i];
		bool out = i >= tk_out(&s->k);
		struct ktensor *t = &s->x.t[i];

		t->d = d;
		if (!tk_present(&s->k, i))
			continue;
		if (d->quant == TAIHU_QUANT_CHANNEL && load_channels(s, i))
			return -1;
		t->p = jobmem_contig(s->mem, d->addr, s->k.bytes[i],
				     out ? TAIHU_ACCESS_WRITE : TAIHU_ACCESS_READ);
		if (t->p)
			continue;
		t->p = kscratch_get(&s->x, s->k.bytes[i]);
		if (!t->p)
			return refuse(s, TAIHU_REASON_NO_MEMORY, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE);
		s->staged[i] = true;
		/* Outputs are written element by element below: no need to read them. */
		if (!out && jobmem_read(s->mem, d->addr, t->p, s->k.bytes[i], &f))
			return mem_fault(s, &f);
	}
	return 0;
}

/* Write back the elements (only those) of a staged output. */
static int scatter(struct kstate *s, unsigned int i)
{
	const struct taihu_tensor_desc *d = &s->k.t[i];
	struct taihu_tensor_desc outer = *d;
	unsigned int esz = tk_dtype_size(d->dtype);
	uint64_t run = 1;
	struct mem_fault f;
	struct kwalk w;

	/* Runs of the innermost dimension when its elements are adjacent. */
	if (d->rank && (d->strides[d->rank - 1] == 1 || d->shape[d->rank - 1] == 1)) {
		run = d->shape[d->rank - 1];
		outer.rank--;
	}
	kwalk_init(&w, outer.rank, outer.shape);
	kwalk_add(&w, &outer);
	do {
		uint64_t off = w.off[0] * esz;

		if (jobmem_write(s->mem, d->addr + off, s->x.t[i].p + off, run * esz, &f))
			return mem_fault(s, &f);
	} while (kwalk_next(&w));
	return 0;
}

static struct kscratch *engine_scratch(struct engine *e)
{
	if (!e->kscratch)
		e->kscratch = calloc(1, sizeof(*e->kscratch));
	return e->kscratch;
}

void kernel_engine_release(struct engine *e)
{
	kscratch_free(e->kscratch);
	free(e->kscratch);
	e->kscratch = NULL;
}

int kernel_execute(struct engine *e, const struct job_mem *mem, const uint8_t *pkt,
		   uint32_t len, struct kernel_result *res)
{
	struct kstate *s;
	struct tk_error err;
	unsigned int i, n;
	int ret = -1, r;

	memset(res, 0, sizeof(*res));
	s = calloc(1, sizeof(*s));
	if (!s) {
		res->status = TAIHU_STATUS_UNSUPPORTED;
		res->reason = TAIHU_REASON_NO_MEMORY;
		return -1;
	}
	s->e = e;
	s->mem = mem;
	s->res = res;
	if (tk_parse(pkt, len, &s->k, &err)) {
		res->status = kernel_status(err.reason);
		res->reason = err.reason;
		res->detail = err.detail;
		goto out;
	}
	if (check_enabled(s) || check_memory(s))
		goto out;
	s->x.k = &s->k;
	s->x.scratch = engine_scratch(e);
	s->x.abort = &e->abort;
	s->x.progress = &e->card->qdesc[e->index].progress;
	s->x.reference = e->card->opt.kernels_reference;
	if (!s->x.scratch) {
		refuse(s, TAIHU_REASON_NO_MEMORY, TAIHU_OPERAND_PACKET, TAIHU_FIELD_NONE);
		goto out;
	}
	if (resolve(s))
		goto release;
	r = kernels_run(&s->x);
	if (r == KERNEL_ABORTED) {
		struct mem_fault f = { .status = TAIHU_STATUS_ABORTED };

		mem_fault(s, &f);
		goto release;
	}
	if (r != KERNEL_OK) {
		refuse(s, s->x.reason ? s->x.reason : TAIHU_REASON_NO_MEMORY, TAIHU_OPERAND_PACKET,
		       TAIHU_FIELD_NONE);
		goto release;
	}
	n = (unsigned int)s->k.num_inputs + s->k.num_outputs;
	for (i = tk_out(&s->k); i < n; i++)
		if (s->staged[i] && scatter(s, i))
			goto release;
	ret = 0;
release:
	kscratch_release(s->x.scratch);
out:
	free(s);
	return ret;
}
