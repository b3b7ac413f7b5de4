// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The taihu CLI on a real card: `taihu info` (table and --json) reports the
 * device's memory as QUERY does while this test holds buffers of known
 * sizes, `taihu diag --json` runs its host<->VRAM copy checks, and `taihu
 * run` runs and verifies streams built from its steps in either memory, on
 * several queues and priorities. The CLI is /usr/bin/taihu, or $TAIHU_CLI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kselftest_harness.h"
#include "taihu_mem_util.h"
#include "taihu_test_util.h"

#define VRAM_HELD	(5 * TM_MiB)
#define HOST_HELD	(3 * TM_MiB + 4096)

static uint64_t json_u64_field(json_object *o, const char *key, int *found)
{
	json_object *v;

	*found = json_object_object_get_ex(o, key, &v) &&
		 json_object_is_type(v, json_type_int);
	return *found ? json_object_get_uint64(v) : 0;
}

FIXTURE(cli)
{
	struct taihu_device *dev;
	struct taihu_bo *vram, *host;
};

FIXTURE_SETUP(cli)
{
	const char *cli = getenv("TAIHU_CLI") ? getenv("TAIHU_CLI") :
			  "/usr/bin/taihu";
	int ret;

	self->dev = NULL;
	self->vram = self->host = NULL;
	if (access(cli, X_OK))
		SKIP(return, "no taihu CLI at %s", cli);
	ret = tt_open_first(&self->dev, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	/* Known amounts of both kinds of memory, held while the CLI runs. */
	ASSERT_EQ(0, taihu_bo_create(self->dev, VRAM_HELD,
				     DRM_TAIHU_PLACEMENT_VRAM, &self->vram));
	ASSERT_EQ(0, taihu_bo_create(self->dev, HOST_HELD,
				     DRM_TAIHU_PLACEMENT_HOST, &self->host));
}

FIXTURE_TEARDOWN(cli)
{
	taihu_bo_free(self->host);
	taihu_bo_free(self->vram);
	taihu_device_close(self->dev);
}

TEST_F(cli, info_json_reports_memory)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	json_object *o;
	uint64_t v;
	char *out;
	int status, found;

	ASSERT_EQ(0, taihu_device_info(self->dev, &info));
	out = tt_run_cli("info --json", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status);
	o = json_tokener_parse(out);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", out);
	v = json_u64_field(o, "vram_size_bytes", &found);
	EXPECT_TRUE(found);
	EXPECT_EQ(info.vram_size, v);
	/*
	 * Nothing else runs: the CLI sees what QUERY saw a moment ago, plus
	 * the page-table root of the CLI's own open file.
	 */
	v = json_u64_field(o, "vram_used_bytes", &found);
	EXPECT_TRUE(found);
	EXPECT_LE(info.vram_used, v);
	EXPECT_GE(info.vram_used + TM_PT_SLACK(0), v);
	EXPECT_LE(VRAM_HELD, v);
	v = json_u64_field(o, "host_used_bytes", &found);
	EXPECT_TRUE(found);
	EXPECT_EQ(info.host_used, v);
	EXPECT_LE(HOST_HELD, v);
	json_object_put(o);
	free(out);
}

/* The firmware limits QUERY reports reach libtaihu and `taihu info`. */
TEST_F(cli, info_reports_the_firmware_limits)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	json_object *o;
	char *out, want[64];
	int status, found;

	ASSERT_EQ(0, taihu_device_info(self->dev, &info));
	/* firmware/t1/t1.fw (max_ring_entries 1024; the driver takes 256) */
	EXPECT_EQ(65536, info.max_cmd_len);
	EXPECT_EQ(256, info.ring_entries);
	out = tt_run_cli("info --json", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status);
	o = json_tokener_parse(out);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", out);
	EXPECT_EQ(info.max_cmd_len, json_u64_field(o, "max_cmd_len_bytes", &found));
	EXPECT_TRUE(found);
	EXPECT_EQ(info.ring_entries, json_u64_field(o, "ring_entries", &found));
	EXPECT_TRUE(found);
	EXPECT_EQ(info.max_inflight, json_u64_field(o, "max_inflight", &found));
	EXPECT_TRUE(found);
	json_object_put(o);
	free(out);
	out = tt_run_cli("info", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status);
	snprintf(want, sizeof(want), "%u bytes", info.max_cmd_len);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "%u entries per queue", info.ring_entries);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	free(out);
}

static const char *json_str_field(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Every command's -d takes an index, a PCI address, a serial or a node. */
TEST_F(cli, device_option_takes_every_name)
{
	static const char *const cmds[] = { "info", "diag -t 60", "run" };
	const struct taihu_device_desc *d = taihu_device_get_desc(self->dev);
	const char *names[4], *node, *serial;
	char args[256], index[16];
	json_object *o;
	unsigned int c, k;
	char *out;
	int status;

	snprintf(index, sizeof(index), "%u", taihu_device_desc_index(d));
	names[0] = index;
	names[1] = taihu_device_desc_pci_slot(d);
	names[2] = taihu_device_desc_serial(d);
	names[3] = taihu_device_desc_node(d);
	ASSERT_NE(0, names[2][0]);
	for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		for (k = 0; k < 4; k++) {
			snprintf(args, sizeof(args), "%s --json -d %s%s", cmds[c],
				 names[k], strcmp(cmds[c], "run") ? "" : " nop");
			out = tt_run_cli(args, &status);
			ASSERT_NE(NULL, out);
			EXPECT_EQ(0, status) TH_LOG("taihu %s: %s", args, out);
			o = json_tokener_parse(out);
			ASSERT_NE(NULL, o) TH_LOG("taihu %s: not JSON: %s", args,
						  out);
			node = json_str_field(o, "node");
			serial = json_str_field(o, "serial");
			EXPECT_TRUE(node && !strcmp(node, names[3]))
				TH_LOG("taihu %s: node %s", args, node);
			EXPECT_TRUE(serial && !strcmp(serial, names[2]))
				TH_LOG("taihu %s: serial %s", args, serial);
			json_object_put(o);
			free(out);
		}
	}
	/* A name that matches nothing: exit 1, and the error as JSON. */
	out = tt_run_cli("info --json -d T1-NOSUCH", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(1, status);
	o = json_tokener_parse(out);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", out);
	EXPECT_TRUE(json_str_field(o, "error") &&
		    strstr(json_str_field(o, "error"), "T1-NOSUCH"));
	json_object_put(o);
	free(out);
}

TEST_F(cli, info_table_shows_memory)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	unsigned long long used = 0, total = 0;
	char want[128], *out, *line;
	int status;

	ASSERT_EQ(0, taihu_device_info(self->dev, &info));
	out = tt_run_cli("info", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status);
	/* "VRAM: 256.0 MiB total, 9.0 MiB used (N of M bytes)" */
	line = strstr(out, "VRAM:");
	ASSERT_NE(NULL, line) TH_LOG("no VRAM line in:\n%s", out);
	line = strchr(line, '(');
	ASSERT_NE(NULL, line);
	ASSERT_EQ(2, sscanf(line, "(%llu of %llu bytes)", &used, &total));
	EXPECT_EQ(info.vram_size, total);
	EXPECT_LE(info.vram_used, used);
	EXPECT_GE(info.vram_used + TM_PT_SLACK(0), used);
	snprintf(want, sizeof(want), "used by buffer objects (%" PRIu64 " bytes)",
		 (uint64_t)info.host_used);
	line = strstr(out, "Host memory:");
	EXPECT_TRUE(line && strstr(line, want))
		TH_LOG("no 'Host memory: ... %s' in:\n%s", want, out);
	free(out);
}

TEST_F(cli, diag_json_copies_between_host_and_vram)
{
	static const char *const names[] = { "nop", "fill", "copy", "h2v", "v2h" };
	json_object *o, *checks, *c, *v;
	size_t i, k, n;
	char *out;
	int status, seen;

	out = tt_run_cli("diag --json", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status);
	o = json_tokener_parse(out);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", out);
	ASSERT_TRUE(json_object_object_get_ex(o, "checks", &checks));
	n = json_object_array_length(checks);
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		seen = 0;
		for (i = 0; i < n; i++) {
			c = json_object_array_get_idx(checks, i);
			if (!json_object_object_get_ex(c, "name", &v) ||
			    strcmp(json_object_get_string(v), names[k]))
				continue;
			seen = 1;
			EXPECT_TRUE(json_object_object_get_ex(c, "result", &v) &&
				    !strcmp(json_object_get_string(v), "PASS"))
				TH_LOG("check %s: %s", names[k],
				       json_object_to_json_string(c));
		}
		EXPECT_TRUE(seen) TH_LOG("no check '%s'", names[k]);
	}
	json_object_put(o);
	free(out);
}

/* `taihu run --json ARGS`: exit code 0 and every job SUCCESS and verified. */
static void run_ok(struct __test_metadata *_metadata, const char *args,
		   size_t want_jobs, const char *want_priority, uint64_t want_queue)
{
	json_object *o, *jobs, *j, *v;
	char cmd[256], *out;
	int status, found;
	size_t i, n;

	snprintf(cmd, sizeof(cmd), "run --json %s", args);
	out = tt_run_cli(cmd, &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status) TH_LOG("taihu %s:\n%s", cmd, out);
	o = json_tokener_parse(out);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", out);
	ASSERT_TRUE(json_object_object_get_ex(o, "jobs", &jobs));
	n = json_object_array_length(jobs);
	EXPECT_EQ(want_jobs, n);
	for (i = 0; i < n; i++) {
		j = json_object_array_get_idx(jobs, i);
		EXPECT_TRUE(json_object_object_get_ex(j, "status", &v) &&
			    !strcmp(json_object_get_string(v), "SUCCESS"))
			TH_LOG("job %zu: %s", i, json_object_to_json_string(j));
		EXPECT_TRUE(json_object_object_get_ex(j, "verified", &v) &&
			    json_object_get_boolean(v));
		EXPECT_NE(0, json_u64_field(j, "seqno", &found));
		EXPECT_TRUE(found);
		json_u64_field(j, "device_time_ns", &found);
		EXPECT_TRUE(found);
	}
	EXPECT_EQ(want_queue, json_u64_field(o, "queue", &found));
	EXPECT_TRUE(json_object_object_get_ex(o, "priority", &v) &&
		    !strcmp(json_object_get_string(v), want_priority));
	EXPECT_EQ(0, json_u64_field(o, "failed", &found));
	json_object_put(o);
	free(out);
}

TEST_F(cli, run_steps_in_vram)
{
	run_ok(_metadata, "nop fill=100005:0xdeadbeef copy=64K barrier timestamp nop=64",
	       1, "normal", 0);
}

TEST_F(cli, run_host_memory_queue_priority_repeat)
{
	run_ok(_metadata, "--src host --dst host -q 1 -p high --repeat 3 "
	       "fill=4097 copy=1M timestamp", 3, "high", 1);
	run_ok(_metadata, "--src vram --dst host -q 3 -p low copy=12345", 1,
	       "low", 3);
	/* Batches of 3, 3 and 1 (SUBMIT_BATCH, then SUBMIT); the last checked. */
	run_ok(_metadata, "-q 2 --repeat 7 --batch 3 fill=4097 copy=64K timestamp",
	       7, "normal", 2);
}

/* Kernel steps: each verified against the reference in the guest, GFLOP/s reported. */
TEST_F(cli, run_kernel_steps)
{
	json_object *o, *jobs, *v;
	char *out;
	int status;

	run_ok(_metadata, "gemm=16x24x32 conv=1x8x12x12:k3:uint8 pool=1x8x12x12:avg:bf16 "
	       "add=2x8x9:fp16 gelu_tanh=3x33 transpose=2x3x5:201:int8 cast=4x7:fp32:int8",
	       1, "normal", 0);
	run_ok(_metadata, "--dst host --repeat 2 conv=1x4x9x9:k1:s2:oc6 max=5x5", 2, "normal", 0);
	out = tt_run_cli("run --json relu=1x16x8x8:int8", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status) TH_LOG("%s", out);
	o = json_tokener_parse(out);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", out);
	ASSERT_TRUE(json_object_object_get_ex(o, "jobs", &jobs));
	EXPECT_TRUE(json_object_object_get_ex(json_object_array_get_idx(jobs, 0), "gflops", &v) &&
		    json_object_get_double(v) > 0) TH_LOG("%s", out);
	json_object_put(o);
	free(out);
	out = tt_run_cli("run conv=1x16x14x14:k3 2>&1", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "GFLOP/s")) TH_LOG("%s", out);
	free(out);
}

TEST_F(cli, run_table_and_failures)
{
	char *out;
	int status;

	out = tt_run_cli("run -q 2 fill=8K:7 copy=8K", &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status);
	EXPECT_NE(NULL, strstr(out, "SUCCESS")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "verified"));
	EXPECT_NE(NULL, strstr(out, "Result: PASS (1 of 1 jobs passed)"));
	free(out);
	/* A queue the device does not have is a bad command line. */
	out = tt_run_cli("run -q 99 nop 2>/dev/null", &status);
	EXPECT_EQ(2, status);
	free(out);
	/* More VRAM than the card has: a run-time failure, exit 1. */
	out = tt_run_cli("run fill=4G 2>/dev/null", &status);
	EXPECT_EQ(1, status);
	free(out);
}

TEST_HARNESS_MAIN
