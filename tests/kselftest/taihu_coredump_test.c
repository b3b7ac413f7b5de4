// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Crash dumps through devcoredump (docs/coredump.md): a crashed firmware, a
 * stopped heartbeat and a job timeout each leave a dump of the card under
 * /sys/class/devcoredump whose failing_device is the card's PCI device,
 * with the format's sections, the reason, the firmware's error code and
 * log, and for a timeout the guilty job's queue, context and the head of
 * its command stream (from a VRAM and from a host command buffer); writing
 * to data frees it. `taihu dump` (/usr/bin/taihu or $TAIHU_CLI) finds and
 * decodes it (--json), and frees it with --free. Needs root (debugfs fault
 * injection, the dumps are root's).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"

#define DEVCD_DIR	"/sys/class/devcoredump"
/* Bounded waits, not timed assertions: the job timeout is 5 s. */
#define DUMP_WAIT_MS	20000

FIXTURE(coredump)
{
	struct taihu_device *dev;
	struct tt_device desc;
	char pci_dir[256];
	char fault_dir[300];
};

/* The devcdN directory whose failing_device is @slot, in @dir; 0 if found. */
static int dump_find(const char *slot, char *dir, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	const char *base;
	DIR *d = opendir(DEVCD_DIR);
	ssize_t n;
	int ret = -ENOENT;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "devcd", 5))
			continue;
		snprintf(link, sizeof(link), DEVCD_DIR "/%s/failing_device", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		base = strrchr(target, '/');
		if (base && !strcmp(base + 1, slot)) {
			snprintf(dir, len, DEVCD_DIR "/%s", de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* Free every dump of @slot (writing to data), as taihu dump --free does. */
static void dump_free(const char *slot)
{
	char dir[PATH_MAX];
	int i;

	for (i = 0; i < 16 && !dump_find(slot, dir, sizeof(dir)); i++) {
		tt_attr_write(dir, "data", "1");
		tt_sleep_ms(20);
	}
}

/* Wait for a dump of @slot and read it (NUL-terminated, free()d by the caller). */
static int dump_wait(const char *slot, char **text)
{
	int64_t end = tt_now_ns() + (int64_t)DUMP_WAIT_MS * 1000000;
	char dir[PATH_MAX], path[PATH_MAX + 8];
	size_t len;
	int ret;

	do {
		ret = dump_find(slot, dir, sizeof(dir));
		if (!ret) {
			snprintf(path, sizeof(path), "%s/data", dir);
			return tt_read_file(path, (uint8_t **)text, &len);
		}
		tt_sleep_ms(50);
	} while (tt_now_ns() < end);
	return ret;
}

/* The value of "key: " in section @section of @text, in @val; 0 if found. */
static int dump_value(const char *text, const char *section, const char *key,
		      char *val, size_t len)
{
	char head[64], k[64];
	const char *s, *e, *p, *nl;

	snprintf(head, sizeof(head), "**** %s ****\n", section);
	s = strstr(text, head);
	if (!s)
		return -ENOENT;
	s += strlen(head);
	e = strstr(s, "\n**** ");
	if (!e)
		e = s + strlen(s);
	snprintf(k, sizeof(k), "%s: ", key);
	for (p = s; p < e; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (!strncmp(p, k, strlen(k))) {
			snprintf(val, len, "%.*s", (int)(nl - p - strlen(k)), p + strlen(k));
			return 0;
		}
	}
	return -ENOENT;
}

/* `taihu dump -d SLOT --json`, parsed (NULL if it failed). */
static json_object *cli_dump_json(const char *slot)
{
	char args[128], *out;
	json_object *o = NULL;
	int status = -1;

	snprintf(args, sizeof(args), "dump -d %s --json", slot);
	out = tt_run_cli(args, &status);
	if (out && status == 0)
		o = json_tokener_parse(out);
	free(out);
	return o;
}

/* Member @key of member @sect of @o as a string ("" if absent). */
static const char *jstr(json_object *o, const char *sect, const char *key)
{
	json_object *s, *v;

	if (!o || !json_object_object_get_ex(o, sect, &s) ||
	    !json_object_object_get_ex(s, key, &v))
		return "";
	return json_object_get_string(v);
}

FIXTURE_SETUP(coredump)
{
	struct stat st;
	int ret;

	if (geteuid() != 0)
		SKIP(return, "needs root (debugfs fault injection)");
	if (stat(DEVCD_DIR, &st))
		SKIP(return, "kernel without devcoredump (CONFIG_DEV_COREDUMP)");
	memset(&self->desc, 0, sizeof(self->desc));
	ret = tt_wait_device(NULL, TT_DEVICE_WAIT_MS, &self->desc);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &self->dev));
	snprintf(self->pci_dir, sizeof(self->pci_dir), "/sys/bus/pci/devices/%s",
		 self->desc.pci_slot);
	snprintf(self->fault_dir, sizeof(self->fault_dir),
		 "/sys/kernel/debug/accel/%s/fault_inject", self->desc.pci_slot);
	/* Earlier faults' dumps would keep the kernel from taking new ones. */
	dump_free(self->desc.pci_slot);
}

FIXTURE_TEARDOWN(coredump)
{
	if (geteuid() != 0 || !self->dev)
		return;
	dump_free(self->desc.pci_slot);
	taihu_device_close(self->dev);
}

/* Every section of format 1, in order. */
static void check_sections(struct __test_metadata *_metadata, const char *text)
{
	static const char *const sections[] = {
		"**** Taihu devcoredump ****\n", "**** Card ****\n",
		"**** Guilty job ****\n", "**** Queues ****\n",
		"**** Firmware log ****\n", "**** Contexts ****\n",
		"**** End ****\n",
	};
	const char *p = text;
	size_t i;

	ASSERT_EQ(0, strncmp(text, sections[0], strlen(sections[0])));
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		p = strstr(p, sections[i]);
		ASSERT_NE(NULL, p) TH_LOG("section %s missing or out of order", sections[i]);
	}
	EXPECT_NE(NULL, strstr(text, "format: taihu-devcoredump 1\n"));
}

static void card_fault_dumps(struct __test_metadata *_metadata,
			     FIXTURE_DATA(coredump) *self, const char *fault,
			     const char *arg, const char *reason)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	long long resets = tt_attr_ll(self->pci_dir, "card_resets");
	char *text = NULL, *out, val[128];
	json_object *o, *log;
	int i, ret, status;

	ASSERT_EQ(0, tt_attr_write(self->fault_dir, fault, arg));
	ret = dump_wait(self->desc.pci_slot, &text);
	ASSERT_EQ(0, ret) TH_LOG("no dump after %s: %s", fault, strerror(-ret));
	check_sections(_metadata, text);
	ASSERT_EQ(0, dump_value(text, "Taihu devcoredump", "reason", val, sizeof(val)));
	EXPECT_STREQ(reason, val);
	ASSERT_EQ(0, dump_value(text, "Taihu devcoredump", "pci", val, sizeof(val)));
	EXPECT_STREQ(self->desc.pci_slot, val);
	ASSERT_EQ(0, dump_value(text, "Guilty job", "guilty", val, sizeof(val)));
	EXPECT_STREQ("none", val);
	ASSERT_EQ(0, dump_value(text, "Queues", "num_queues", val, sizeof(val)));
	EXPECT_LT(0, atoi(val));
	EXPECT_NE(NULL, strstr(text, "\nqueue 0: enabled "));
	/* The fault's own line in the firmware log. */
	EXPECT_NE(NULL, strstr(strstr(text, "**** Firmware log ****"), "\nlog:\n  ["));
	EXPECT_NE(NULL, strstr(text, "fault injected: "));
	if (!strcmp(fault, "fw_crash")) {
		ASSERT_EQ(0, dump_value(text, "Card", "state", val, sizeof(val)));
		EXPECT_STREQ("error", val);
		ASSERT_EQ(0, dump_value(text, "Card", "error_code", val, sizeof(val)));
		EXPECT_EQ(strtoul(arg, NULL, 0), strtoul(val, NULL, 0));
		EXPECT_NE(NULL, strstr(text, "fault injected: firmware crash, code"));
	}
	free(text);

	/* taihu dump decodes it. */
	o = cli_dump_json(self->desc.pci_slot);
	ASSERT_NE(NULL, o) TH_LOG("taihu dump -d %s --json failed", self->desc.pci_slot);
	EXPECT_EQ(1, json_object_get_int(json_object_object_get(o, "format")));
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(o, "complete")));
	EXPECT_STREQ(reason, jstr(o, "taihu_devcoredump", "reason"));
	EXPECT_STREQ("none", jstr(o, "guilty_job", "guilty"));
	EXPECT_STREQ(self->desc.pci_slot, json_object_get_string(json_object_object_get(o, "pci")));
	EXPECT_NE(NULL, json_object_object_get(json_object_object_get(o, "queues"), "table"));
	EXPECT_NE(NULL, json_object_object_get(json_object_object_get(o, "contexts"), "table"));
	log = json_object_object_get(json_object_object_get(o, "firmware_log"), "log");
	ASSERT_TRUE(json_object_is_type(log, json_type_array));
	EXPECT_LT(0, (int)json_object_array_length(log));
	if (!strcmp(fault, "fw_crash")) {
		EXPECT_STREQ("error", jstr(o, "card", "state"));
		EXPECT_EQ(strtoul(arg, NULL, 0), strtoul(jstr(o, "card", "error_code"), NULL, 0));
	}
	json_object_put(o);
	out = tt_run_cli("dump", &status);
	EXPECT_EQ(0, status);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, reason));
	free(out);

	/* The card is reset after the dump (the counter, once it is back), and works. */
	for (i = 0; i < 100 && tt_attr_ll(self->pci_dir, "card_resets") == resets; i++)
		tt_sleep_ms(50);
	EXPECT_EQ(resets + 1, tt_attr_ll(self->pci_dir, "card_resets"));
	ASSERT_EQ(0, tt_run_nop(self->dev, 0, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);

	/* taihu dump --free frees it; then there is none. */
	out = tt_run_cli("dump --free --raw > /dev/null", &status);
	EXPECT_EQ(0, status);
	free(out);
	EXPECT_EQ(-ENOENT, dump_find(self->desc.pci_slot, val, sizeof(val)));
	out = tt_run_cli("dump 2>/dev/null", &status);
	EXPECT_EQ(1, status);
	free(out);
}

TEST_F(coredump, crashed_firmware_leaves_a_dump_with_its_error_code)
{
	card_fault_dumps(_metadata, self, "fw_crash", "0x1234", "fw-crash");
}

TEST_F(coredump, stopped_heartbeat_leaves_a_dump)
{
	card_fault_dumps(_metadata, self, "heartbeat_stop", "1", "heartbeat");
}

/*
 * Hang queue 1, submit a stream from a @placement buffer: it times out and
 * the dump names it, with the first bytes of its stream.
 */
static void timeout_dumps(struct __test_metadata *_metadata,
			  FIXTURE_DATA(coredump) *self, uint32_t placement)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_job job = { .size = sizeof(job), .queue = 1 };
	char *text = NULL, val[128], hex[64], want[2 * 256 + 1] = "", *p;
	json_object *o;
	struct taihu_cmdbuf *cb;
	struct taihu_bo *bo;
	const uint8_t *data;
	uint64_t seqno;
	size_t len, i, n;
	int ret;

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	/* NOPs of different sizes: their headers differ. */
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 16));
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 24));
	len = taihu_cmdbuf_size(cb);
	ASSERT_EQ(0, taihu_bo_create(self->dev, 4096, placement, &bo));
	ASSERT_EQ(0, taihu_bo_write(bo, 0, taihu_cmdbuf_data(cb), len));
	data = taihu_cmdbuf_data(cb);
	job.cmd_bo = bo;
	job.cmd_len = (uint32_t)len;

	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", "1"));
	ASSERT_EQ(0, taihu_submit(self->dev, &job, &seqno));
	ASSERT_EQ(0, taihu_wait(self->dev, seqno, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_TIMEOUT, res.status);
	ret = dump_wait(self->desc.pci_slot, &text);
	ASSERT_EQ(0, ret) TH_LOG("no dump after a job timeout: %s", strerror(-ret));
	check_sections(_metadata, text);
	ASSERT_EQ(0, dump_value(text, "Taihu devcoredump", "reason", val, sizeof(val)));
	EXPECT_STREQ("job-timeout", val);
	ASSERT_EQ(0, dump_value(text, "Guilty job", "guilty", val, sizeof(val)));
	EXPECT_STREQ("job", val);
	ASSERT_EQ(0, dump_value(text, "Guilty job", "queue", val, sizeof(val)));
	EXPECT_STREQ("1", val);
	ASSERT_EQ(0, dump_value(text, "Guilty job", "cmd_len", val, sizeof(val)));
	EXPECT_EQ(len, strtoul(val, NULL, 0));
	ASSERT_EQ(0, dump_value(text, "Guilty job", "cmd_head_len", val, sizeof(val)));
	EXPECT_EQ(len, strtoul(val, NULL, 0));
	/* "  0000: aa bb ..." lines, 16 bytes each, as the stream. */
	for (i = 0; i < len; i += 16) {
		n = len - i < 16 ? len - i : 16;
		p = hex + snprintf(hex, sizeof(hex), "\n  %04zx:", i);
		for (size_t k = 0; k < n; k++)
			p += sprintf(p, " %02x", data[i + k]);
		strcat(p, "\n");
		EXPECT_NE(NULL, strstr(text, hex)) TH_LOG("no line%s", hex);
	}
	free(text);

	/* taihu dump --json: the head as one hex string. */
	o = cli_dump_json(self->desc.pci_slot);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("job-timeout", jstr(o, "taihu_devcoredump", "reason"));
	EXPECT_STREQ("1", jstr(o, "guilty_job", "queue"));
	for (i = 0; i < len && i < sizeof(want) / 2; i++)
		sprintf(want + 2 * i, "%02x", data[i]);
	EXPECT_STREQ(want, jstr(o, "guilty_job", "cmd_head"));
	json_object_put(o);
	taihu_bo_free(bo);
	taihu_cmdbuf_free(cb);

	/* The guilty context is banned; the queue runs again for another. */
	EXPECT_EQ(-ECANCELED, tt_run_nop(self->dev, 1, &res));
	taihu_device_close(self->dev);
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &self->dev));
	ASSERT_EQ(0, tt_run_nop(self->dev, 1, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
}

TEST_F(coredump, job_timeout_dumps_the_guilty_stream_from_vram)
{
	timeout_dumps(_metadata, self, DRM_TAIHU_PLACEMENT_VRAM);
}

TEST_F(coredump, job_timeout_dumps_the_guilty_stream_from_host_memory)
{
	timeout_dumps(_metadata, self, DRM_TAIHU_PLACEMENT_HOST);
}

TEST_HARNESS_MAIN
