// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fuzz target: the KERNEL packet and descriptor checks (tk_parse(), which
 * the card and libtaihu share), then the kernels themselves. The input is
 * one packet. A refusal must name a known reason with a message; an
 * accepted packet must describe tensors whose extents are what its shapes
 * and strides say, and then the reference and the fast path run over host
 * buffers of exactly those extents (ASan: a kernel that reads or writes
 * outside what the checks allowed is caught here). Packets whose work is
 * large are checked but not run, so that every input ends quickly.
 */
#include <stdlib.h>
#include <string.h>

#include "kcheck.h"
#include "kernels/kref.h"

/* Most element visits (an estimate) and bytes of a packet that is run. */
#define RUN_WORK	(1ULL << 20)
#define RUN_BYTES	(1ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The extent of @d in bytes from its shape and strides; 0 when empty. */
static uint64_t extent(const struct taihu_tensor_desc *d, uint64_t *elems)
{
	unsigned __int128 last = 0, n = 1;
	unsigned int r;

	for (r = 0; r < d->rank; r++) {
		n *= d->shape[r];
		if (d->shape[r])
			last += (unsigned __int128)(d->shape[r] - 1) * (uint64_t)d->strides[r];
	}
	if (n > UINT64_MAX || last > UINT64_MAX / 8)
		abort();	/* the checks let an overflowing tensor through */
	*elems = (uint64_t)n;
	return n ? ((uint64_t)last + 1) * tk_dtype_size(d->dtype) : 0;
}

static void check_refusal(const struct tk_error *err)
{
	if (!err->reason || !tk_reason_name(err->reason) || !err->msg[0] ||
	    !memchr(err->msg, 0, sizeof(err->msg)))
		abort();
}

static void run(const void *pkt, size_t len, const struct tk_packet *k, uint64_t work,
		uint64_t bytes)
{
	void *ptr[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	float *scale[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	int32_t *zp[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	unsigned int n = (unsigned int)k->num_inputs + k->num_outputs, i, pass;
	struct tk_error err;

	if (work > RUN_WORK || bytes > RUN_BYTES)
		return;
	for (i = 0; i < n; i++) {
		const struct taihu_tensor_desc *d = &k->t[i];
		uint32_t ch, c;

		if (!tk_present(k, i))
			continue;
		/* Exactly the extent (at least a byte): ASan sees one past it. */
		ptr[i] = malloc(k->bytes[i] ? k->bytes[i] : 1);
		if (!ptr[i])
			goto out;
		for (c = 0; c < k->bytes[i]; c++)	/* small finite values in every dtype */
			((uint8_t *)ptr[i])[c] = (uint8_t)(0x31 + c % 7);
		if (d->quant != TAIHU_QUANT_CHANNEL)
			continue;
		/* What the card's load_channels() accepts. */
		ch = d->shape[d->quant_axis];
		scale[i] = malloc((ch ? ch : 1) * sizeof(float));
		zp[i] = d->zero_point_addr ? calloc(ch ? ch : 1, sizeof(int32_t)) : NULL;
		if (!scale[i] || (d->zero_point_addr && !zp[i]))
			goto out;
		for (c = 0; c < ch; c++)
			scale[i][c] = 0.25f + 0.125f * (float)(c % 5);
	}
	for (pass = 0; pass < 2; pass++) {
		int ret = kref_run(pkt, len, ptr, (const float *const *)scale,
				   (const int32_t *const *)zp, pass == 0, &err);

		/* tk_parse() accepted the packet: only scratch memory may fail. */
		if (ret == -1 || (ret == -2 && err.reason != TAIHU_REASON_NO_MEMORY))
			abort();
	}
out:
	for (i = 0; i < n; i++) {
		free(ptr[i]);
		free(scale[i]);
		free(zp[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_packet k, again;
	struct tk_error err, err2;
	uint64_t in_elems = 0, max_in = 0, out_elems = 0, bytes = 0;
	unsigned int n, i;
	int ret;

	ret = tk_parse(data, size, &k, &err);
	/* The same bytes, the same verdict. */
	if (tk_parse(data, size, &again, &err2) != ret || memcmp(&err, &err2, sizeof(err)))
		abort();
	if (ret) {
		check_refusal(&err);
		return 0;
	}
	if (k.kernel == 0 || k.kernel >= TAIHU_KERNEL_COUNT || memcmp(&k, &again, sizeof(k)))
		abort();
	n = (unsigned int)k.num_inputs + k.num_outputs;
	if (n > TAIHU_KERNEL_MAX_TENSORS || k.size > size || !tk_compute_dtypes(&k))
		abort();
	for (i = 0; i < n; i++) {
		const struct taihu_tensor_desc *d = &k.t[i];
		uint64_t elems;

		if (!tk_present(&k, i))
			continue;
		if (d->rank > TAIHU_MAX_RANK || !tk_dtype_size(d->dtype) ||
		    tk_slot(&k, i) >= TAIHU_KERNEL_MAX_TENSORS)
			abort();
		if (extent(d, &elems) != k.bytes[i] || elems != k.elems[i])
			abort();
		bytes += k.bytes[i];
		if (i < k.num_inputs) {
			in_elems += elems;
			max_in = elems > max_in ? elems : max_in;
		} else {
			out_elems += elems;
		}
	}
	/* Every output element may visit every element of one input (GEMM, CONV2D, ATTENTION). */
	run(data, size, &k,
	    max_in && out_elems > UINT64_MAX / max_in ? UINT64_MAX : in_elems + out_elems * max_in,
	    bytes);
	return 0;
}
