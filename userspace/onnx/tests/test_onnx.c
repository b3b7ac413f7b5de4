// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Host tests of libtaihu-onnx: everything before the device. Loading every
 * ONNX node test, preparing it for its inputs (shape inference, folding,
 * fusion, lowering, planning) and comparing the inferred output shapes, and
 * the values of what folds on the host, with the expected outputs; bad
 * models and bad inputs; tensor files; the fusions and the memory plan of
 * the repository's models.
 *
 * usage: onnx_host_test NODE_TEST_DIR MODELS_DIR
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_builder.h"
#include "plan.h"
#include "../../tests/tap.h"

static char tmpdir[] = "/tmp/onnx-test-XXXXXX";

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted subdirectory names of @dir; NULL-terminated, free with free_list(). */
static char **list_dir(const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int n = 0;

	*count = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char **nv;

		if (e->d_name[0] == '.')
			continue;
		nv = realloc(v, sizeof(*v) * (size_t)(n + 2));
		if (!nv)
			break;
		v = nv;
		v[n++] = strdup(e->d_name);
		v[n] = NULL;
	}
	closedir(d);
	if (v)
		qsort(v, (size_t)n, sizeof(*v), cmp_names);
	*count = n;
	return v;
}

static void free_list(char **v)
{
	int i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Load the inputs of test_data_set_0 of @dir into @ins (model input order). */
static int load_inputs(const char *dir, const struct taihu_onnx_model *m, ox_tensor **ins)
{
	int i, n = taihu_onnx_model_num_inputs(m);
	char path[1200];

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/test_data_set_0/input_%d.pb", dir, i);
		if (taihu_onnx_tensor_load(path, &ins[i]))
			return -1;
	}
	return n;
}

static void free_tensors(ox_tensor **t, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		ox_tensor_free(t[i]);
		t[i] = NULL;
	}
}

/* Expected output type: bfloat16 outputs of old test data are typed uint16. */
static bool same_type(int expected, int got)
{
	return expected == got || (expected == OX_U16 && got == OX_BF16);
}

struct sweep {
	int dirs, loaded, load_unsupported, load_errors;
	int planned, plan_unsupported, plan_errors, input_errors;
	int shape_mismatch, value_mismatch, folded_outputs;
};

static void check_outputs(const char *dir, const char *name, const struct ox_plan *p,
			  struct sweep *s)
{
	char path[1200];
	int o;

	for (o = 0; o < p->n_out; o++) {
		const struct ox_value *v = &p->g->vals[p->out[o].value];
		ox_tensor *exp;
		bool bad;
		int k;

		snprintf(path, sizeof(path), "%s/test_data_set_0/output_%d.pb", dir, o);
		if (taihu_onnx_tensor_load(path, &exp))
			continue;
		bad = exp->rank != v->rank || !same_type(exp->dtype, v->dtype);
		for (k = 0; !bad && k < v->rank; k++)
			bad = exp->dims[k] != v->dims[k];
		if (bad) {
			char a[96], b[96];

			s->shape_mismatch++;
			tap_diag("%s: output %d inferred %s%s, expected %s%s", name, o,
				 ox_dtype_name(v->dtype), ox_shape_str(v->rank, v->dims, a, 96),
				 ox_dtype_name(exp->dtype), ox_shape_str(exp->rank, exp->dims, b, 96));
		} else if (p->out[o].konst && exp->dtype == v->dtype) {
			int64_t i;

			s->folded_outputs++;
			for (i = 0; i < exp->numel; i++) {
				double a = ox_get_f(exp, i), b = ox_get_f(p->out[o].konst, i);

				if (a == b || (isnan(a) && isnan(b)) ||
				    fabs(a - b) <= 1e-7 + 1e-3 * fabs(a))	/* ONNX's rtol/atol */
					continue;
				s->value_mismatch++;
				tap_diag("%s: output %d element %lld folded to %g, expected %g",
					 name, o, (long long)i, b, a);
				break;
			}
		}
		ox_tensor_free(exp);
	}
}

static void test_node_tests(const char *root)
{
	struct sweep s = { 0 };
	char **names;
	int n, t;

	names = list_dir(root, &n);
	if (!names) {
		tap_skip("node tests", "libonnx-testdata not installed");
		return;
	}
	for (t = 0; t < n; t++) {
		char dir[1024], path[1100];
		struct taihu_onnx_model *m;
		ox_tensor *ins[64] = { 0 };
		struct ox_plan *p;
		int err, ni;

		snprintf(dir, sizeof(dir), "%s/%s", root, names[t]);
		snprintf(path, sizeof(path), "%s/model.onnx", dir);
		s.dirs++;
		err = taihu_onnx_model_load(path, &m);
		if (err == -EOPNOTSUPP) {
			s.load_unsupported++;
			continue;
		}
		if (err) {
			s.load_errors++;
			tap_diag("%s: load: %s", names[t], taihu_onnx_last_error());
			continue;
		}
		s.loaded++;
		ni = taihu_onnx_model_num_inputs(m);
		if (ni > 64 || load_inputs(dir, m, ins) < 0) {
			s.input_errors++;	/* e.g. string tensors */
			free_tensors(ins, ni > 64 ? 64 : ni);
			taihu_onnx_model_free(m);
			continue;
		}
		err = ox_plan_build(m, (const ox_tensor *const *)ins, 0, 0, &p);
		if (!err) {
			s.planned++;
			check_outputs(dir, names[t], p, &s);
			ox_plan_free(p);
		} else if (err == -EOPNOTSUPP) {
			s.plan_unsupported++;
		} else if (!strncmp(taihu_onnx_last_error(), "input '", 7)) {
			/* the test data contradicts the model's declared input shapes */
			s.input_errors++;
		} else {
			s.plan_errors++;
			tap_diag("%s: prepare: %s", names[t], taihu_onnx_last_error());
		}
		free_tensors(ins, ni);
		taihu_onnx_model_free(m);
	}
	free_list(names);
	tap_diag("%d node tests: %d loaded (%d unsupported at load), %d planned for the card, "
		 "%d unsupported, %d with unusable test inputs", s.dirs, s.loaded,
		 s.load_unsupported, s.planned, s.plan_unsupported, s.input_errors);
	tap_ok(s.load_errors == 0, "node tests: every model loads or is reported unsupported "
	       "(%d loaded, %d unsupported)", s.loaded, s.load_unsupported);
	tap_ok(s.plan_errors == 0 && s.planned > 300,
	       "node tests: %d prepared, the rest unsupported, none rejected as invalid",
	       s.planned);
	tap_ok(s.shape_mismatch == 0, "node tests: inferred output types and shapes match "
	       "the expected outputs");
	tap_ok(s.value_mismatch == 0 && s.folded_outputs > 10,
	       "node tests: %d outputs folded on the host match their expected values",
	       s.folded_outputs);
}

/* ---- bad models ---- */

static int load_buf(const uint8_t *buf, size_t len, struct taihu_onnx_model **m)
{
	return taihu_onnx_model_load_buffer(buf, len, "bad.onnx", m);
}

static bool msg_has(const char *needle)
{
	return strstr(taihu_onnx_last_error(), needle) != NULL;
}

static void test_truncated_and_corrupt(const char *root)
{
	char path[1024];
	uint8_t *buf = NULL;
	size_t len = 0, cut;
	struct taihu_onnx_model *m;
	int bad = 0, accepted = 0, tries = 0, err;
	uint32_t seed = 12345;

	snprintf(path, sizeof(path), "%s/test_conv_with_strides_padding/model.onnx", root);
	if (ox_read_file(path, &buf, &len) || !len) {
		tap_skip("truncated and corrupt models", "node test data not installed");
		free(buf);
		return;
	}
	for (cut = 0; cut < len; cut++) {
		err = load_buf(buf, cut, &m);
		tries++;
		if (!err) {
			accepted++;
			taihu_onnx_model_free(m);
		} else if (err != -EBADMSG && err != -EINVAL && err != -EOPNOTSUPP) {
			bad++;
		}
	}
	tap_ok(bad == 0, "truncated models (%d lengths): a clean error (%d parse as a smaller "
	       "valid graph)", tries, accepted);
	for (tries = 0; tries < 2000; tries++) {
		uint8_t *c = malloc(len);
		int k;

		if (!c) {
			bad++;
			break;
		}
		memcpy(c, buf, len);
		for (k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			c[(seed >> 8) % len] ^= (uint8_t)(1 + (seed >> 20) % 255);
		}
		err = load_buf(c, len, &m);
		if (!err)
			taihu_onnx_model_free(m);
		else if (err != -EBADMSG && err != -EINVAL && err != -EOPNOTSUPP)
			bad++;
		free(c);
	}
	tap_ok(bad == 0, "2000 corrupted models: loaded or refused with a clean error");
	err = load_buf((const uint8_t *)"", 0, &m);
	tap_ok(err == -EBADMSG && msg_has("bad.onnx") && msg_has("empty"),
	       "an empty file is refused naming the file: %s", taihu_onnx_last_error());
	err = load_buf((const uint8_t *)"\xff\xff\xff\xff not a model", 17, &m);
	tap_ok(err == -EBADMSG, "garbage is refused as not a model: %s", taihu_onnx_last_error());
	err = taihu_onnx_model_load("/nonexistent/model.onnx", &m);
	tap_ok(err == -ENOENT && msg_has("/nonexistent/model.onnx"),
	       "a missing file: %s", taihu_onnx_last_error());
	free(buf);
}

/* Prefix @len bytes at @buf with a length-delimited field header. */
static size_t wrap(uint8_t *buf, size_t len, uint8_t tag)
{
	uint8_t hdr[12];
	size_t h = 0, v = len;

	hdr[h++] = tag;
	do {
		hdr[h++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	memmove(buf + h, buf, len);
	memcpy(buf, hdr, h);
	return len + h;
}

static void test_deep_nesting(void)
{
	/* graph.node.attribute.g.node.attribute.g... 1000 levels in ~12 KiB */
	uint8_t *buf = calloc(1, 1 << 20);
	struct taihu_onnx_model *m;
	size_t len = 0;
	int i, err;

	for (i = 0; i < 1000; i++) {
		len = wrap(buf, len, 0x32);	/* AttributeProto.g */
		len = wrap(buf, len, 0x2a);	/* NodeProto.attribute */
		len = wrap(buf, len, 0x0a);	/* GraphProto.node */
	}
	len = wrap(buf, len, 0x3a);	/* ModelProto.graph */
	memmove(buf + 2, buf, len);
	buf[0] = 0x08;	/* ir_version 8 */
	buf[1] = 8;
	err = load_buf(buf, len + 2, &m);
	if (!err)
		taihu_onnx_model_free(m);
	tap_ok(err == -EBADMSG && msg_has("nested"), "a model nested 3000 messages deep is "
	       "refused before unpacking: %s", taihu_onnx_last_error());
	free(buf);
}

static struct taihu_onnx_model *build(struct mb *mb)
{
	struct taihu_onnx_model *m = NULL;
	uint8_t *buf;
	size_t len;

	if (mb_pack(mb, &buf, &len))
		return NULL;
	if (taihu_onnx_model_load_buffer(buf, len, "built.onnx", &m))
		m = NULL;
	free(buf);
	mb_free(mb);
	return m;
}

/* Prepare @m for one float input of @dims; returns the error. */
static int prepare_with(struct taihu_onnx_model *m, int dtype, int rank, const int64_t *dims,
			struct ox_plan **out)
{
	ox_tensor *t = ox_tensor_new(dtype, rank, dims);
	const ox_tensor *ins[1] = { t };
	struct ox_plan *p = NULL;
	int err = ox_plan_build(m, ins, 0, 0, &p);

	ox_tensor_free(t);
	if (out)
		*out = p;
	else
		ox_plan_free(p);
	return err;
}

/* A builder with input x [N, 4] (float) and output @out. */
static struct mb *mb_x(int opset, const char *out)
{
	static const int64_t dn[] = { -1, 4 };
	struct mb *mb = mb_new(opset);

	mb_input(mb, "x", OX_F32, 2, dn);
	mb_output(mb, out);
	return mb;
}

/* Pack and load @mb (freed); the load's error. */
static int load_mb(struct mb *mb)
{
	struct taihu_onnx_model *m;
	uint8_t *buf;
	size_t len;
	int err = mb_pack(mb, &buf, &len);

	mb_free(mb);
	if (err)
		return err;
	err = load_buf(buf, len, &m);
	if (!err)
		taihu_onnx_model_free(m);
	free(buf);
	return err;
}

/* Build @mb, prepare it for x of @dims; the error. */
static int prepare_mb(struct mb *mb, int dtype, int rank, const int64_t *dims)
{
	struct taihu_onnx_model *m = build(mb);
	int err = m ? prepare_with(m, dtype, rank, dims, NULL) : -1;

	taihu_onnx_model_free(m);
	return err;
}

static void test_bad_graphs(void)
{
	static const int64_t d4[] = { 1, 3, 8, 8 }, d24[] = { 2, 4 };
	struct taihu_onnx_model *m;
	struct mb *mb;
	struct mb_node *n;
	int err;

	/* unknown operator: loads, refused when prepared, naming node and operator */
	mb = mb_x(13, "y");
	mb_node(mb, "FrobnicateTensor", "x", "y");
	err = prepare_mb(mb, OX_F32, 2, d24);
	tap_ok(err == -EOPNOTSUPP && msg_has("FrobnicateTensor") && msg_has("FrobnicateTensor_0"),
	       "unknown operator: %s", taihu_onnx_last_error());

	/* unsupported attribute value; an invalid one */
	mb = mb_new(13);
	mb_input(mb, "x", OX_F32, 4, d4);
	mb_output(mb, "y");
	n = mb_node(mb, "Pad", "x,pads", "y");
	mb_attr_str(n, "mode", "reflect");
	mb_init(mb, "pads", 1, (int64_t[]){ 8 }, NULL, (int64_t[]){ 0, 0, 1, 1, 0, 0, 1, 1 });
	err = prepare_mb(mb, OX_F32, 4, d4);
	tap_ok(err == -EOPNOTSUPP && msg_has("reflect") && msg_has("Pad"),
	       "unsupported attribute: %s", taihu_onnx_last_error());
	mb = mb_new(13);
	mb_input(mb, "x", OX_F32, 4, d4);
	mb_output(mb, "y");
	n = mb_node(mb, "MaxPool", "x", "y");
	mb_attr_ints(n, "kernel_shape", 2, (int64_t[]){ 2, 2 });
	mb_attr_str(n, "auto_pad", "SIDEWAYS");
	err = prepare_mb(mb, OX_F32, 4, d4);
	tap_ok(err == -EINVAL && msg_has("auto_pad"), "invalid attribute: %s",
	       taihu_onnx_last_error());

	/* graph errors found when loading */
	mb = mb_x(99, "y");
	mb_node(mb, "Relu", "x", "y");
	err = load_mb(mb);
	tap_ok(err == -EOPNOTSUPP && msg_has("opset 99"), "unsupported opset: %s",
	       taihu_onnx_last_error());
	mb = mb_x(13, "y");
	mb_node(mb, "Add", "x,ghost", "y");
	err = load_mb(mb);
	tap_ok(err == -EINVAL && msg_has("ghost") && msg_has("Add_0"),
	       "undefined node input: %s", taihu_onnx_last_error());
	mb = mb_x(13, "y");
	mb_node(mb, "Relu", "x", "y");
	mb_node(mb, "Relu", "x", "y");
	err = load_mb(mb);
	tap_ok(err == -EINVAL && msg_has("'y'"), "value defined twice: %s",
	       taihu_onnx_last_error());
	mb = mb_x(13, "b");
	mb_node(mb, "Add", "x,b", "a");
	mb_node(mb, "Relu", "a", "b");
	err = load_mb(mb);
	tap_ok(err == -EINVAL && msg_has("cycle"), "a cycle: %s", taihu_onnx_last_error());
	mb = mb_x(13, "y");
	mb_node(mb, "Add", "x,w", "y");
	mb_init_raw(mb, "w", OX_F32, 1, (int64_t[]){ 4 }, (float[]){ 1, 2, 3 }, 12);
	err = load_mb(mb);
	tap_ok(err == -EINVAL && msg_has("'w'") && msg_has("12 bytes"),
	       "an initializer with too little data: %s", taihu_onnx_last_error());

	/* bad inputs: missing, wrong type, wrong shape */
	mb = mb_x(13, "y");
	mb_node(mb, "Relu", "x", "y");
	m = build(mb);
	if (m) {
		const ox_tensor *none[1] = { NULL };
		struct ox_plan *p;

		err = ox_plan_build(m, none, 0, 0, &p);
		tap_ok(err == -EINVAL && msg_has("'x'") && msg_has("missing"), "missing input: %s",
		       taihu_onnx_last_error());
		err = prepare_with(m, OX_I32, 2, d24, NULL);
		tap_ok(err == -EINVAL && msg_has("'x'") && msg_has("float32") && msg_has("int32"),
		       "input of the wrong type: %s", taihu_onnx_last_error());
		err = prepare_with(m, OX_F32, 2, (int64_t[]){ 2, 5 }, NULL);
		tap_ok(err == -EINVAL && msg_has("[-1,4]") && msg_has("[2,5]"),
		       "input of the wrong shape: %s", taihu_onnx_last_error());
		err = prepare_with(m, OX_F32, 2, (int64_t[]){ 7, 4 }, NULL);
		tap_ok(err == 0, "a dynamic dimension binds at prepare (7 x 4)");
	}
	taihu_onnx_model_free(m);

	/* shapes that do not work out; a shape computed at run time */
	mb = mb_x(13, "y");
	mb_node(mb, "Reshape", "x,shape", "y");
	mb_init(mb, "shape", 1, (int64_t[]){ 2 }, NULL, (int64_t[]){ 3, -1 });
	err = prepare_mb(mb, OX_F32, 2, d24);
	tap_ok(err == -EINVAL && msg_has("Reshape"), "a reshape that does not fit the bound "
	       "shape: %s", taihu_onnx_last_error());
	mb = mb_x(13, "y");
	n = mb_node(mb, "ReduceMax", "x", "r");
	mb_attr_int(n, "keepdims", 0);
	n = mb_node(mb, "Cast", "r", "si");
	mb_attr_int(n, "to", OX_I64);
	mb_node(mb, "Reshape", "x,si", "y");
	err = prepare_mb(mb, OX_F32, 2, d24);
	tap_ok(err == -EOPNOTSUPP && msg_has("run time"), "a shape computed at run time "
	       "is unsupported: %s", taihu_onnx_last_error());
}

/* ---- tensor files ---- */

static void test_tensor_files(void)
{
	static const int dtypes[] = { OX_F32, OX_F16, OX_I8, OX_U8, OX_I32, OX_I64, OX_BOOL,
				      OX_F64 };
	char path[256];
	size_t i;
	int fmt, ok = 1, err;

	for (fmt = 0; fmt < 2; fmt++)
		for (i = 0; i < OX_ARRAY_SIZE(dtypes); i++) {
			int64_t dims[3] = { 2, 3, 5 }, k;
			ox_tensor *t = ox_tensor_new(dtypes[i], 3, dims), *r = NULL;

			for (k = 0; k < t->numel; k++)
				ox_set_f(t, k, dtypes[i] == OX_BOOL ? k % 2 : (double)(k % 7) - 3);
			ox_tensor_set_name(t, "roundtrip");
			snprintf(path, sizeof(path), "%s/t%zu.%s", tmpdir, i, fmt ? "npy" : "pb");
			err = taihu_onnx_tensor_save(t, path, fmt);
			if (!err)
				err = taihu_onnx_tensor_load(path, &r);
			if (err || r->dtype != t->dtype || r->rank != 3 || r->dims[2] != 5 ||
			    memcmp(r->data, t->data, t->nbytes) || r->format != fmt ||
			    (fmt == 0 && strcmp(taihu_onnx_tensor_name(r), "roundtrip"))) {
				ok = 0;
				tap_diag("%s %s: %s", fmt ? "npy" : "pb", ox_dtype_name(dtypes[i]),
					 err ? taihu_onnx_last_error() : "differs");
			}
			ox_tensor_free(t);
			ox_tensor_free(r);
		}
	tap_ok(ok, ".pb and .npy files of 8 types written and read back");

	{
		static const char *const bad[] = {
			"\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'}",
			"\x93NUMPY\x01\x00\x40\x00{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }      ",
			"\x93NUMPY\x01\x00\x40\x00{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }     ",
			"\x93NUMPY\x01\x00\x40\x00{'descr': '<f4', 'fortran_order': False, 'shape': (9,), }     ",
			"\x93NUMPY\x09\x00",
		};
		ox_tensor *r;
		int good = 1;

		for (i = 0; i < OX_ARRAY_SIZE(bad); i++) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/bad%zu.npy", tmpdir, i);
			f = fopen(path, "wb");
			if (!f)
				continue;
			fwrite(bad[i], 1, strlen(bad[i]), f);
			fclose(f);
			err = taihu_onnx_tensor_load(path, &r);
			if (!err) {
				ox_tensor_free(r);
				good = 0;
			} else if (!strstr(taihu_onnx_last_error(), path)) {
				good = 0;
			}
		}
		tap_ok(good, "malformed, Fortran-ordered, complex and short .npy files are "
		       "refused naming the file");
	}
}

/* ---- the repository's models ---- */

struct kinds {
	int n[128];
	int total;
};

static void count_kernels(const struct ox_plan *p, struct kinds *k)
{
	int i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < p->n_kernels; i++) {
		int kind = p->kernels[i].kind;

		k->n[kind < 100 ? kind : 100 + (kind - 100) % 20]++;
		k->total++;
	}
}

static struct ox_plan *plan_case(const char *models, const char *name, int precision,
				 unsigned flags)
{
	char dir[1024], path[1100];
	struct taihu_onnx_model *m;
	ox_tensor *ins[8] = { 0 };
	struct ox_plan *p = NULL;
	int n;

	snprintf(dir, sizeof(dir), "%s/%s/case", models, name);
	snprintf(path, sizeof(path), "%s/model.onnx", dir);
	if (taihu_onnx_model_load(path, &m))
		return NULL;
	n = load_inputs(dir, m, ins);
	if (n >= 0 && ox_plan_build(m, (const ox_tensor *const *)ins, precision, flags, &p)) {
		tap_diag("%s: %s", name, taihu_onnx_last_error());
		p = NULL;
	}
	free_tensors(ins, n > 0 ? n : 0);
	/* the plan keeps a copy of the graph; the model can go */
	taihu_onnx_model_free(m);
	return p;
}

static void test_models(const char *models)
{
	struct ox_plan *p;
	struct kinds k;
	char path[1024];

	snprintf(path, sizeof(path), "%s/digits/case/model.onnx", models);
	if (access(path, R_OK)) {
		tap_skip("repository models", "not built (make models)");
		return;
	}
	p = plan_case(models, "digits", 0, 0);
	if (p) {
		count_kernels(p, &k);
		tap_ok(k.n[OXK_CONV2D] == 2 && k.n[OXK_BATCHNORM] == 0 && k.n[OXK_UNARY] == 0 &&
		       k.n[OXK_GEMM] == 2 && k.n[OXK_POOL2D] == 2 && k.total == 6,
		       "digits CNN: BatchNorm folded into both convolutions, ReLUs fused: "
		       "%d kernels", k.total);
		tap_ok(p->arena_bytes < p->arena_unplanned,
		       "digits CNN: planned intermediates %llu bytes < %llu without reuse",
		       (unsigned long long)p->arena_bytes,
		       (unsigned long long)p->arena_unplanned);
		ox_plan_free(p);
	} else {
		tap_ok(0, "digits CNN prepares");
	}
	p = plan_case(models, "digits", TAIHU_ONNX_PRECISION_BF16, 0);
	if (p) {
		count_kernels(p, &k);
		tap_ok(k.n[OXK_CAST] == 2 && k.total == 8 &&
		       p->kernels[1].t[0].dtype == OX_BF16,
		       "digits CNN in bf16: one cast in, one out, bf16 kernels");
		ox_plan_free(p);
	} else {
		tap_ok(0, "digits CNN prepares in bf16");
	}
	p = plan_case(models, "digits", 0, TAIHU_ONNX_NO_FUSION);
	if (p) {
		count_kernels(p, &k);
		tap_ok(k.n[OXK_BATCHNORM] == 2 && k.n[OXK_UNARY] == 3,
		       "digits CNN without fusion: %d kernels", k.total);
		ox_plan_free(p);
	}
	p = plan_case(models, "digits_int8", 0, 0);
	if (p) {
		int i, int8 = 0;

		count_kernels(p, &k);
		for (i = 0; i < p->n_kernels; i++)
			if ((p->kernels[i].kind == OXK_CONV2D || p->kernels[i].kind == OXK_GEMM) &&
			    p->kernels[i].t[0].quant && p->kernels[i].t[1].dtype == OX_I8)
				int8++;
		tap_ok(int8 == 4 && k.n[OXK_POOL2D] == 2 && k.total <= 10,
		       "digits int8 (QDQ): convolutions and linears run as int8 kernels (%d of "
		       "%d kernels)", int8, k.total);
		ox_plan_free(p);
	} else {
		tap_ok(0, "digits int8 prepares");
	}
	for (int e = 0; e < 2; e++) {
		const char *name = e ? "encoder17" : "encoder";

		p = plan_case(models, name, 0, 0);
		if (!p) {
			tap_ok(0, "%s prepares", name);
			continue;
		}
		count_kernels(p, &k);
		tap_ok(k.n[OXK_ATTENTION] == 1 && k.n[OXK_LAYERNORM] == 2 && k.n[OXK_SOFTMAX] == 0,
		       "%s: one ATTENTION kernel, two LAYERNORMs, no softmax left (%d kernels, "
		       "%u nodes folded)", name, k.total, p->folded);
		/* the attention writes its heads back as rows (no copy), the input
		 * projection is one GEMM of [batch x seq] rows, the embedding 4 kernels;
		 * Q, K, V are still copied into heads (3 TRANSPOSE) */
		tap_ok(k.n[OXK_TRANSPOSE] <= 3 && k.n[OXK_COPY] == 0 && k.total <= 16,
		       "%s: no copy after the attention, one input projection GEMM (%d kernels)",
		       name, k.total);
		{
			int i, gelu = 0;

			for (i = 0; i < p->n_kernels; i++)
				if (p->kernels[i].kind == OXK_GEMM &&
				    p->kernels[i].p.gemm.act.op == OX_ACT_GELU_ERF)
					gelu++;
			tap_ok(gelu == 1, "%s: the erf GELU is fused into its GEMM", name);
		}
		ox_plan_free(p);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s NODE_TEST_DIR MODELS_DIR\n", argv[0]);
		return 2;
	}
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("TAP version 13\n");
	test_node_tests(argv[1]);
	test_truncated_and_corrupt(argv[1]);
	test_deep_nesting();
	test_bad_graphs();
	test_tensor_files();
	test_models(argv[2]);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			tap_diag("could not remove %s", tmpdir);
	}
	return tap_finish();
}
