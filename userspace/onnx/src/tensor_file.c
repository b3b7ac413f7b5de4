// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Tensor files: ONNX TensorProto (.pb, what the ONNX test cases use) and
 * NumPy .npy (version 1-3, C order, little-endian), read and written.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "ox.h"

static const struct {
	char kind;
	int size;
	int dtype;
} npy_types[] = {
	{ 'f', 4, OX_F32 }, { 'f', 8, OX_F64 }, { 'f', 2, OX_F16 },
	{ 'i', 1, OX_I8 }, { 'u', 1, OX_U8 }, { 'i', 2, OX_I16 }, { 'u', 2, OX_U16 },
	{ 'i', 4, OX_I32 }, { 'u', 4, OX_U32 }, { 'i', 8, OX_I64 }, { 'u', 8, OX_U64 },
	{ 'b', 1, OX_BOOL },
};

/* Find "'key':" in the header dict and return what follows, or NULL. */
/* The magic and version 1.0 that every .npy written here starts with. */
static const char npy_magic[8] = { '\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0 };

static const char *npy_field(const char *hdr, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "'%s'", key);
	p = strstr(hdr, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p++ != ':')
		return NULL;
	while (*p == ' ')
		p++;
	return p;
}

static int npy_parse(const char *path, const uint8_t *buf, size_t len, ox_tensor **out)
{
	size_t hlen, off, i;
	char *hdr;
	const char *p;
	int64_t dims[OX_MAX_RANK];
	int rank = 0, dtype = OX_UNDEF, err = 0;
	ox_tensor *t;

	if (len < 10 || buf[6] < 1 || buf[6] > 3)
		return ox_err(-EBADMSG, "%s: unsupported .npy version", path);
	if (buf[6] == 1) {
		hlen = buf[8] | (size_t)buf[9] << 8;
		off = 10;
	} else {
		if (len < 12)
			return ox_err(-EBADMSG, "%s: truncated .npy header", path);
		hlen = buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
		off = 12;
	}
	if (hlen > len - off || hlen > 65536)
		return ox_err(-EBADMSG, "%s: truncated .npy header", path);
	hdr = strndup((const char *)buf + off, hlen);
	if (!hdr)
		return ox_err(-ENOMEM, "out of memory");
	off += hlen;

	p = npy_field(hdr, "descr");
	if (!p || *p != '\'' || !strchr(p + 1, '\'')) {
		err = ox_err(-EBADMSG, "%s: .npy header has no 'descr'", path);
		goto out;
	}
	{
		char order = p[1], kind = p[2];
		int size = atoi(p + 3);

		if (order == '>' && size > 1) {
			err = ox_err(-EOPNOTSUPP, "%s: big-endian arrays are not supported", path);
			goto out;
		}
		if (order != '<' && order != '|' && order != '=' && order != '>') {
			err = ox_err(-EBADMSG, "%s: bad 'descr'", path);
			goto out;
		}
		for (i = 0; i < OX_ARRAY_SIZE(npy_types); i++)
			if (npy_types[i].kind == kind && npy_types[i].size == size)
				dtype = npy_types[i].dtype;
		if (dtype == OX_UNDEF) {
			err = ox_err(-EOPNOTSUPP, "%s: array type '%c%d' is not supported",
				     path, kind, size);
			goto out;
		}
	}
	p = npy_field(hdr, "fortran_order");
	if (!p || strncmp(p, "False", 5)) {
		err = ox_err(p ? -EOPNOTSUPP : -EBADMSG, "%s: %s", path,
			     p ? "Fortran-ordered arrays are not supported" :
				 ".npy header has no 'fortran_order'");
		goto out;
	}
	p = npy_field(hdr, "shape");
	if (!p || *p != '(') {
		err = ox_err(-EBADMSG, "%s: .npy header has no 'shape'", path);
		goto out;
	}
	for (p++;;) {
		char *end;
		long long v;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ')')
			break;
		if (!isdigit((unsigned char)*p) || rank == OX_MAX_RANK) {
			err = ox_err(rank == OX_MAX_RANK ? -EOPNOTSUPP : -EBADMSG,
				     "%s: bad or too long 'shape'", path);
			goto out;
		}
		v = strtoll(p, &end, 10);
		if (v < 0 || v == LLONG_MAX) {
			err = ox_err(-EBADMSG, "%s: bad dimension", path);
			goto out;
		}
		dims[rank++] = v;
		p = end;
	}
	t = ox_tensor_new(dtype, rank, dims);
	if (!t) {
		err = ox_err_prefix(-EINVAL, "%s", path);
		goto out;
	}
	if (len - off != t->nbytes) {
		err = ox_err(-EBADMSG, "%s: %zu bytes of data, the shape needs %zu", path,
			     len - off, t->nbytes);
		ox_tensor_free(t);
		goto out;
	}
	memcpy(t->data, buf + off, t->nbytes);
	if (dtype == OX_BOOL)
		for (i = 0; i < t->nbytes; i++)
			((uint8_t *)t->data)[i] = ((uint8_t *)t->data)[i] != 0;
	t->format = TAIHU_ONNX_FORMAT_NPY;
	*out = t;
out:
	free(hdr);
	return err;
}

static int pb_parse(const char *path, const uint8_t *buf, size_t len, ox_tensor **out)
{
	Onnx__TensorProto *tp;
	int err;

	err = ox_pb_check_depth(&onnx__tensor_proto__descriptor, buf, len, 8);
	if (err)
		return ox_err_prefix(-EBADMSG, "%s: not a TensorProto", path);
	tp = onnx__tensor_proto__unpack(NULL, len, buf);
	if (!tp)
		return ox_err(-EBADMSG, "%s: not a TensorProto or .npy file (parse error)", path);
	err = ox_tensor_from_proto(tp, tp->name && *tp->name ? tp->name : path, out);
	if (!err && tp->name && *tp->name)
		err = ox_tensor_set_name(*out, tp->name);
	if (err) {
		ox_tensor_free(*out);
		*out = NULL;
		ox_err_prefix(err, "%s", path);
	}
	onnx__tensor_proto__free_unpacked(tp, NULL);
	return err;
}

OX_EXPORT int taihu_onnx_tensor_load(const char *path, struct taihu_onnx_tensor **out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	ox_err_clear();
	if (!path || !out)
		return ox_err(-EINVAL, "taihu_onnx_tensor_load: invalid arguments");
	*out = NULL;
	err = ox_read_file(path, &buf, &len);
	if (err)
		return err;
	if (len >= 6 && !memcmp(buf, "\x93NUMPY", 6))
		err = npy_parse(path, buf, len, out);
	else
		err = pb_parse(path, buf, len, out);
	free(buf);
	return err;
}

static int write_all(const char *path, const void *a, size_t alen, const void *b, size_t blen)
{
	FILE *f = fopen(path, "wb");
	int e;

	if (!f)
		return ox_err(-errno, "%s: %s", path, strerror(errno));
	if ((alen && fwrite(a, 1, alen, f) != alen) || (blen && fwrite(b, 1, blen, f) != blen)) {
		e = errno ? errno : EIO;
		fclose(f);
		return ox_err(-e, "%s: write error: %s", path, strerror(e));
	}
	if (fclose(f)) {
		e = errno ? errno : EIO;
		return ox_err(-e, "%s: write error: %s", path, strerror(e));
	}
	return 0;
}

static int save_npy(const ox_tensor *t, const char *path)
{
	char hdr[512];
	size_t n, i;
	int dtype = t->dtype, k;

	for (i = 0; i < OX_ARRAY_SIZE(npy_types); i++)
		if (npy_types[i].dtype == dtype)
			break;
	if (i == OX_ARRAY_SIZE(npy_types))
		return ox_err(-EOPNOTSUPP, "%s: %s has no .npy type", path, ox_dtype_name(dtype));
	n = (size_t)snprintf(hdr + 10, sizeof(hdr) - 10, "{'descr': '%c%c%d', "
			     "'fortran_order': False, 'shape': (",
			     npy_types[i].size == 1 ? '|' : '<', npy_types[i].kind,
			     npy_types[i].size);
	for (k = 0; k < t->rank; k++)
		n += (size_t)snprintf(hdr + 10 + n, sizeof(hdr) - 10 - n, "%lld,%s",
				      (long long)t->dims[k], k + 1 < t->rank ? " " : "");
	n += (size_t)snprintf(hdr + 10 + n, sizeof(hdr) - 10 - n, "), }");
	/* pad with spaces so that the data starts 64-byte aligned, end with '\n' */
	while ((10 + n + 1) % 64)
		hdr[10 + n++] = ' ';
	hdr[10 + n++] = '\n';
	memcpy(hdr, npy_magic, sizeof(npy_magic));
	hdr[8] = (char)(n & 0xff);
	hdr[9] = (char)(n >> 8);
	return write_all(path, hdr, 10 + n, t->data, t->nbytes);
}

static int save_pb(const ox_tensor *t, const char *path)
{
	Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
	int64_t dims[OX_MAX_RANK];
	uint8_t *buf;
	size_t len;
	int err, k;

	for (k = 0; k < t->rank; k++)
		dims[k] = t->dims[k];
	tp.n_dims = (size_t)t->rank;
	tp.dims = dims;
	tp.has_data_type = 1;
	tp.data_type = t->dtype;
	tp.name = t->name ? t->name : (char *)"";
	tp.has_raw_data = 1;
	tp.raw_data.len = t->nbytes;
	tp.raw_data.data = t->data;
	len = onnx__tensor_proto__get_packed_size(&tp);
	buf = malloc(len + 1);
	if (!buf)
		return ox_err(-ENOMEM, "out of memory");
	onnx__tensor_proto__pack(&tp, buf);
	err = write_all(path, buf, len, NULL, 0);
	free(buf);
	return err;
}

OX_EXPORT int taihu_onnx_tensor_save(const struct taihu_onnx_tensor *t, const char *path,
				     int format)
{
	ox_err_clear();
	if (!t || !path)
		return ox_err(-EINVAL, "taihu_onnx_tensor_save: invalid arguments");
	if (format == TAIHU_ONNX_FORMAT_NPY)
		return save_npy(t, path);
	if (format == TAIHU_ONNX_FORMAT_PB)
		return save_pb(t, path);
	return ox_err(-EINVAL, "unknown tensor file format %d", format);
}
