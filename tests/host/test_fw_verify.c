// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Host tests of taihu-fwpack and the firmware image verification the card
 * uses at BOOT: a good image verifies; every corruption is refused with its
 * specific enum taihu_boot_error; bad descriptions give clear errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <taihu_cmdstream.h>

#include "card_client.h"
#include "fw_images.h"
#include "fw_verify.h"
#include "tap.h"

#ifndef TAIHU_FWPACK_DEFAULT
#define TAIHU_FWPACK_DEFAULT "taihu-fwpack"
#endif
#ifndef TAIHU_SRC_DIR
#define TAIHU_SRC_DIR "."
#endif

static const char *fwpack;
static char tmpdir[64];

static int run_fwpack(const char *a1, const char *a2, const char *a3, const char *out)
{
	char *argv[] = { (char *)fwpack, (char *)a1, (char *)a2, (char *)a3, NULL };

	return cc_run(argv, out);
}

static bool file_contains(const char *path, const char *needle)
{
	size_t size;
	uint8_t *buf = cc_read_file(path, &size);
	bool found;

	if (!buf)
		return false;
	buf[size] = '\0';
	found = strstr((char *)buf, needle) != NULL;
	if (!found)
		tap_diag("'%s' not found in output: %s", needle, (char *)buf);
	free(buf);
	return found;
}

static uint8_t *pack(const char *desc, const char *name, size_t *size)
{
	char out[128], log[128], src[256];
	int rc;

	snprintf(src, sizeof(src), "%s/%s", TAIHU_SRC_DIR, desc);
	snprintf(out, sizeof(out), "%s/%s.bin", tmpdir, name);
	snprintf(log, sizeof(log), "%s/%s.log", tmpdir, name);
	rc = run_fwpack("-o", out, src, log);
	if (rc != 0) {
		tap_diag("taihu-fwpack -o %s %s exited %d", out, src, rc);
		return NULL;
	}
	return cc_read_file(out, size);
}

static void test_good_image(const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_fw_info info;
	char why[200];
	int code = taihu_fw_verify(img, size, &info, why, sizeof(why));

	CHECK_EQ(&t, code, TAIHU_BOOT_OK);
	if (code == TAIHU_BOOT_OK) {
		CHECK_EQ(&t, info.hdr.fw_version, TAIHU_FW_VERSION(1, 2, 0));
		CHECK(&t, !strcmp(info.hdr.version_str, "1.2.0"));
		CHECK_EQ(&t, info.hdr.abi_major, TAIHU_FW_ABI_MAJOR);
		CHECK_EQ(&t, info.cfg.num_queues, 4);
		CHECK_EQ(&t, info.cfg.heartbeat_period_ms, 100);
		CHECK_EQ(&t, info.cfg.capabilities, TAIHU_FW_CFG_KNOWN_CAPS);
		CHECK_EQ(&t, info.cfg.max_cmd_len, 65536);
		CHECK_EQ(&t, info.cfg.max_ring_entries, 1024);
		CHECK_EQ(&t, info.num_sections, 4);
		/* GEMM first; the other kernels follow (firmware/t1/t1.fw). */
		CHECK(&t, info.num_kernels >= 1);
		CHECK_EQ(&t, info.kernels[0].kernel, TAIHU_KERNEL_GEMM);
		CHECK_EQ(&t, info.kernels[0].max_rank, 6);
		CHECK_EQ(&t, info.kernels[0].dtypes, (1u << TAIHU_DTYPE_FP32) | (1u << TAIHU_DTYPE_FP16) |
						     (1u << TAIHU_DTYPE_BF16) | (1u << TAIHU_DTYPE_INT8));
		CHECK(&t, info.has_thermal);
		CHECK_EQ(&t, info.thermal.power_cap_default_mw, 150000);
		CHECK_EQ(&t, info.thermal.num_levels, 6);
		CHECK_EQ(&t, info.thermal.levels[0].core_mhz, 1500);
	} else {
		tap_diag("refused: %s", why);
	}
	tap_result(t.ok, "good t1 image verifies with its configuration");
}

/* Unusable configurations: the refusal must name the field to fix. */
static const char *refusal_field(const char *name)
{
	static const struct {
		const char *name, *field;
	} fields[] = {
		{ "config one-entry ring", "max_ring_entries" },
		{ "config without capabilities", "capabilities" },
		{ "config max_cmd_len 8", "max_cmd_len" },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(name, fields[i].name))
			return fields[i].field;
	return NULL;
}

static void test_bad_images(const uint8_t *img, size_t size)
{
	size_t i;

	for (i = 0; i < fw_num_bad_cases; i++) {
		const struct fw_bad_case *bc = &fw_bad_cases[i];
		size_t bad_size;
		uint8_t *bad = fw_make_bad(bc, img, size, &bad_size);
		char why[200] = "";
		int code = bad ? taihu_fw_verify(bad, bad_size, NULL, why, sizeof(why)) : -1;
		const char *field = refusal_field(bc->name);

		if (code != bc->expect || (field && !strstr(why, field)))
			tap_diag("got %s (%s)", taihu_boot_error_name(code), why);
		tap_result(code == bc->expect && (!field || strstr(why, field)),
			   "%s refused with %s%s%s", bc->name, taihu_boot_error_name(bc->expect),
			   field ? ", naming " : "", field ? field : "");
		free(bad);
	}
}

static void test_trailing_bytes(const uint8_t *img, size_t size)
{
	uint8_t *copy = calloc(1, size + 4096);
	int code;

	memcpy(copy, img, size);
	code = taihu_fw_verify(copy, size + 4096, NULL, NULL, 0);
	free(copy);
	tap_result(code == TAIHU_BOOT_OK, "padding after image_size is ignored");
}

static void test_info(const uint8_t *img, size_t size)
{
	const struct fw_bad_case *digest = NULL;
	char path[128], log[128];
	uint8_t *bad;
	size_t i, bad_size;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/t1.bin", tmpdir);
	snprintf(log, sizeof(log), "%s/info.log", tmpdir);
	rc = run_fwpack("--info", path, NULL, log);
	tap_result(rc == 0 && file_contains(log, "OK") && file_contains(log, "num_queues:          4"),
		   "fwpack --info accepts and describes the good image");

	for (i = 0; i < fw_num_bad_cases; i++)
		if (fw_bad_cases[i].expect == TAIHU_BOOT_ERR_DIGEST)
			digest = &fw_bad_cases[i];
	bad = fw_make_bad(digest, img, size, &bad_size);
	snprintf(path, sizeof(path), "%s/bad.bin", tmpdir);
	f = fopen(path, "wb");
	if (f) {
		fwrite(bad, 1, bad_size, f);
		fclose(f);
	}
	free(bad);
	rc = run_fwpack("--info", path, NULL, log);
	tap_result(rc == 1 && file_contains(log, "REFUSED DIGEST"),
		   "fwpack --info refuses a corrupted image naming DIGEST");
}

static void test_code_file(void)
{
	struct tap_check t = { true };
	struct taihu_fw_info info;
	size_t size = 0;
	uint8_t *img = pack("data/code-file.fw", "code-file", &size);
	int code = img ? taihu_fw_verify(img, size, &info, NULL, 0) : -1;

	CHECK_EQ(&t, code, TAIHU_BOOT_OK);
	if (code == TAIHU_BOOT_OK) {
		CHECK_EQ(&t, info.hdr.fw_version, TAIHU_FW_VERSION(2, 3, 4));
		CHECK(&t, !strcmp(info.hdr.version_str, "2.3.4-test"));
		CHECK_EQ(&t, info.hdr.abi_minor, 7);
		CHECK_EQ(&t, info.cfg.capabilities, TAIHU_CARD_CAP_NOP | TAIHU_CARD_CAP_COPY);
		CHECK_EQ(&t, info.sections[1].type, TAIHU_FW_SECTION_CODE);
		CHECK_EQ(&t, info.sections[1].size, 26);
		CHECK(&t, !memcmp(img + info.sections[1].offset, "TAIHU-MICROCODE-0123456789", 26));
	}
	free(img);
	tap_result(t.ok, "fwpack packs a CODE section from a file and all header fields");
}

static void test_reproducible(const uint8_t *img, size_t size)
{
	size_t size2 = 0;
	uint8_t *img2 = pack("../../firmware/t1/t1.fw", "t1-again", &size2);
	bool same = img2 && size2 == size && !memcmp(img, img2, size);

	free(img2);
	tap_result(same, "fwpack output is reproducible");
}

static void test_bad_descriptions(void)
{
	static const struct { const char *file, *message; } cases[] = {
		{ "data/bad-unknown-key.fw", "unknown key 'turbo'" },
		{ "data/bad-num-queues.fw", "num_queues: 9 is not in 1..8" },
		{ "data/bad-capability.fw", "unknown capability 'warp'" },
		{ "data/bad-ring-entries.fw", "not a power of two" },
		{ "data/bad-missing-version.fw", "missing required key 'version'" },
		{ "data/bad-code-file.fw", "cannot open" },
		{ "data/bad-syntax.fw", "expected 'key = value'" },
		{ "data/no-such-file.fw", "No such file" },
		{ "data/bad-thermal-missing.fw", "thermal table: missing key 'clock_table'" },
		{ "data/bad-thermal-order.fw", "must have a lower clock" },
		{ "data/bad-thermal-activity.fw", "unknown class 'turbo'" },
	};
	char out[128], log[128], src[256];
	size_t i;
	int rc;

	snprintf(out, sizeof(out), "%s/bad-desc.bin", tmpdir);
	snprintf(log, sizeof(log), "%s/bad-desc.log", tmpdir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(src, sizeof(src), "%s/%s", TAIHU_SRC_DIR, cases[i].file);
		rc = run_fwpack("-o", out, src, log);
		tap_result(rc == 1 && file_contains(log, cases[i].message) &&
			   file_contains(log, "taihu-fwpack: ") && access(out, F_OK),
			   "fwpack refuses %s with a clear, prefixed error", cases[i].file);
	}
	rc = run_fwpack("--bogus", NULL, NULL, log);
	tap_result(rc == 2 && file_contains(log, "unknown option"), "fwpack usage error exits 2");
	rc = run_fwpack("--version", NULL, NULL, log);
	tap_result(rc == 0 && file_contains(log, "taihu-fwpack ") &&
		   file_contains(log, "image ABI"), "fwpack --version exits 0");
}

static int write_scratch(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) || !ok ? -1 : 0;
}

/*
 * A failed write says so (once: the stream is closed once), leaves an
 * existing image as it was, and never removes what is not a regular file.
 */
static void test_write_failures(void)
{
	char out[128], log[128], src[256];
	struct stat st;
	size_t size = 0;
	uint8_t *old;
	int rc;

	snprintf(src, sizeof(src), "%s/../../firmware/t1/t1.fw", TAIHU_SRC_DIR);
	snprintf(log, sizeof(log), "%s/write.log", tmpdir);
	if (stat("/dev/full", &st) || !S_ISCHR(st.st_mode)) {
		tap_skip("fwpack reports a failed write", "no /dev/full");
	} else {
		rc = run_fwpack("-o", "/dev/full", src, log);
		tap_result(rc == 1 && file_contains(log, "taihu-fwpack: cannot write '/dev/full'") &&
			   !stat("/dev/full", &st) && S_ISCHR(st.st_mode),
			   "fwpack reports a failed write and leaves a device node alone");
	}
	snprintf(out, sizeof(out), "%s/keep.bin", tmpdir);
	if (write_scratch(out, "old image", 9)) {
		tap_skip("a failed pack leaves the old image", "cannot write a scratch file");
		return;
	}
	snprintf(src, sizeof(src), "%s/data/bad-syntax.fw", TAIHU_SRC_DIR);
	rc = run_fwpack("-o", out, src, log);
	old = cc_read_file(out, &size);
	tap_result(rc == 1 && old && size == 9 && !memcmp(old, "old image", 9),
		   "a failed pack leaves the old image in place");
	free(old);
}

int main(void)
{
	size_t size = 0;
	uint8_t *img;

	tap_init("test_fw_verify");
	fwpack = getenv("TAIHU_FWPACK") ? getenv("TAIHU_FWPACK") : TAIHU_FWPACK_DEFAULT;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/taihu-fwtest-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tap_result(false, "create a temporary directory");
		return tap_finish();
	}

	img = pack("../../firmware/t1/t1.fw", "t1", &size);
	if (!tap_result(img != NULL, "fwpack packs firmware/t1/t1.fw")) {
		return tap_finish();
	}
	test_good_image(img, size);
	test_bad_images(img, size);
	test_trailing_bytes(img, size);
	test_info(img, size);
	test_code_file();
	test_reproducible(img, size);
	test_bad_descriptions();
	test_write_failures();
	free(img);

	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			tap_diag("could not remove %s", tmpdir);
	}
	return tap_finish();
}
