// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * List the ONNX node tests of the operators the runtime supports: every
 * test directory under NODE_DIR whose model uses only such operators. The
 * guest runs these on the card (tests/vm/mkinitramfs stages them). A test
 * whose input files contradict the shapes its model declares is left out
 * (and named on stderr): the runtime refuses such inputs, as it should.
 *
 * usage: onnx_nodelist NODE_DIR > node-tests.list
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Do the inputs of test_data_set_0 have the shapes the model declares? */
static bool inputs_fit(const char *root, const char *name, const struct taihu_onnx_model *m)
{
	int i, k;

	for (i = 0; i < taihu_onnx_model_num_inputs(m); i++) {
		struct taihu_onnx_io_info info = { .size = sizeof(info) };
		struct taihu_onnx_tensor *t;
		char path[4096];
		bool fit;

		taihu_onnx_model_input(m, i, &info);
		snprintf(path, sizeof(path), "%s/%s/test_data_set_0/input_%d.pb", root, name, i);
		if (taihu_onnx_tensor_load(path, &t))
			continue;	/* the runner reports it */
		fit = info.rank < 0 || info.rank == taihu_onnx_tensor_rank(t);
		for (k = 0; fit && info.rank > 0 && k < info.rank; k++)
			fit = info.dims[k] < 0 || info.dims[k] == taihu_onnx_tensor_dims(t)[k];
		taihu_onnx_tensor_free(t);
		if (!fit) {
			fprintf(stderr, "%s: left out: input '%s' of the test data does not have "
				"the shape the model declares\n", name, info.name);
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	struct dirent *e;
	char **names = NULL, **grown;
	int n = 0, i, j;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: %s NODE_DIR\n", argv[0]);
		return 2;
	}
	d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, sizeof(*names) * (size_t)(n + 1));
		if (grown) {
			names = grown;
			names[n] = strdup(e->d_name);
		}
		if (!grown || !names[n]) {
			fprintf(stderr, "%s: out of memory\n", argv[0]);
			closedir(d);
			for (i = 0; i < n; i++)
				free(names[i]);
			free(names);
			return 1;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, (size_t)n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		struct taihu_onnx_model *m;
		char path[4096];
		bool all = true;
		int err;

		snprintf(path, sizeof(path), "%s/%s/model.onnx", argv[1], names[i]);
		err = taihu_onnx_model_load(path, &m);
		/* a model that does not load is listed when its ops are ours: it reports why */
		if (!err) {
			for (j = 0; j < taihu_onnx_model_num_nodes(m); j++)
				all &= ox_op_supported(taihu_onnx_model_node_op(m, j));
			if (all && taihu_onnx_model_num_nodes(m) && inputs_fit(argv[1], names[i], m))
				printf("%s\n", names[i]);
			taihu_onnx_model_free(m);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}
