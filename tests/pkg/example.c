// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A program written against the installed libtaihu-dev, as a user would
 * (tests/pkg/deb.sh builds it with `pkg-config --cflags --libs taihu` only,
 * from the packages' files): list the cards and run a small fp32 GEMM on
 * each, checked against the product computed here. The driver's uapi header
 * comes in through taihu.h.
 *
 * Prints "taihu-example: N card(s)" and one line per card; exit status 0
 * when every card computed the right product (also with no card), 1 if not.
 */
#include <math.h>
#include <stdio.h>

#include <taihu/taihu.h>

/* the uapi header is installed with the library's */
_Static_assert(sizeof(struct drm_taihu_query) > 0, "taihu_accel.h");

enum { M = 4, N = 3, K = 5 };

static int check_card(const struct taihu_device_desc *desc)
{
	float a[M * K], b[K * N], y[M * N], want;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	int i, j, k, err, bad = 0;

	for (i = 0; i < M * K; i++)
		a[i] = (float)(i % 7) - 3.0f;
	for (i = 0; i < K * N; i++)
		b[i] = (float)(i % 5) * 0.5f;
	err = taihu_device_open(taihu_device_desc_node(desc), &dev);
	if (err) {
		printf("card %s: open: %s\n", taihu_device_desc_serial(desc), taihu_strerror(err));
		return 1;
	}
	err = taihu_gemm_host(dev, TAIHU_DTYPE_FP32, M, N, K, a, b, y, &res);
	taihu_device_close(dev);
	if (err) {
		printf("card %s: gemm: %s (job %s)\n", taihu_device_desc_serial(desc),
		       taihu_strerror(err), taihu_job_status_name(res.status));
		return 1;
	}
	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			want = 0;
			for (k = 0; k < K; k++)
				want += a[i * K + k] * b[k * N + j];
			if (fabsf(y[i * N + j] - want) > 1e-5f)
				bad++;
		}
	printf("card %u %s %s: gemm %dx%dx%d fp32 %s\n", taihu_device_desc_index(desc),
	       taihu_device_desc_serial(desc), taihu_device_desc_pci_slot(desc), M, N, K,
	       bad ? "WRONG" : "ok");
	return bad != 0;
}

int main(void)
{
	struct taihu_device_list *list;
	unsigned int i, n;
	int err, failed = 0;

	err = taihu_device_list_new(&list);
	if (err) {
		printf("taihu-example: enumeration: %s\n", taihu_strerror(err));
		return 1;
	}
	n = taihu_device_list_count(list);
	printf("taihu-example: %u card(s)\n", n);
	for (i = 0; i < n; i++)
		failed |= check_card(taihu_device_list_get(list, i));
	taihu_device_list_free(list);
	return failed;
}
