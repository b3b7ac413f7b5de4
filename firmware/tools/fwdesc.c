// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Parser for firmware descriptions.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <taihu_card_api.h>

#include "../common/fw_verify.h"
#include "../common/kcheck.h"
#include "fwdesc.h"

#define MAX_CODE_SIZE	(TAIHU_FW_MAX_IMAGE_SIZE / 2)

enum {
	SEEN_VERSION = 1 << 0,
	SEEN_QUEUES = 1 << 1,
	SEEN_HEARTBEAT = 1 << 2,
	SEEN_CAPS = 1 << 3,
	SEEN_CMD_LEN = 1 << 4,
	SEEN_RING = 1 << 5,
	SEEN_CODE = 1 << 6,
	SEEN_REQUIRED = (1 << 6) - 1,
};

struct parser {
	const char *path;
	unsigned int line;
	FILE *err;
};

__attribute__((format(printf, 2, 3)))
static int perr(const struct parser *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(p->err, "taihu-fwpack: %s:%u: ", p->path, p->line);
	va_start(ap, fmt);
	vfprintf(p->err, fmt, ap);
	va_end(ap);
	fputc('\n', p->err);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_u32(const struct parser *p, const char *key, const char *v,
		     uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long n;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*v))
		return perr(p, "%s: '%s' is not a number", key, v);
	n = strtoull(v, &end, 0);
	if (errno || *end)
		return perr(p, "%s: '%s' is not a number", key, v);
	if (n < min || n > max)
		return perr(p, "%s: %llu is not in %u..%u", key, n, min, max);
	*out = (uint32_t)n;
	return 0;
}

/* "A.B" or "A.B.C" with each part a small decimal number. */
static int parse_dotted(const char *v, unsigned int *parts, int nparts, unsigned int max)
{
	int i;

	for (i = 0; i < nparts; i++) {
		unsigned long n;
		char *end;

		if (!isdigit((unsigned char)*v))
			return -1;
		n = strtoul(v, &end, 10);
		if (n > max)
			return -1;
		parts[i] = (unsigned int)n;
		v = end;
		if (i < nparts - 1 && *v++ != '.')
			return -1;
	}
	return *v ? -1 : 0;
}

static int parse_string(const struct parser *p, const char *key, const char *v,
			char *out, size_t size)
{
	if (strlen(v) >= size)
		return perr(p, "%s: '%s' is longer than %zu characters", key, v, size - 1);
	snprintf(out, size, "%s", v);
	return 0;
}

static int parse_caps(const struct parser *p, char *v, __u64 *caps)
{
	static const struct { const char *name; uint64_t bit; } names[] = {
		{ "nop", TAIHU_CARD_CAP_NOP },
		{ "fill", TAIHU_CARD_CAP_FILL },
		{ "copy", TAIHU_CARD_CAP_COPY },
		{ "timestamp", TAIHU_CARD_CAP_TIMESTAMP },
		{ "mmu", TAIHU_CARD_CAP_MMU },
		{ "semaphore", TAIHU_CARD_CAP_SEMAPHORE },
		{ "barrier", TAIHU_CARD_CAP_BARRIER },
		{ "kernel", TAIHU_CARD_CAP_KERNEL },
	};
	char *save = NULL, *tok;
	size_t i;

	*caps = 0;
	for (tok = strtok_r(v, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return perr(p, "capabilities: unknown capability '%s' (known: nop fill copy timestamp mmu semaphore barrier kernel)",
				    tok);
		*caps |= names[i].bit;
	}
	if (!*caps)
		return perr(p, "capabilities: empty list");
	return 0;
}

#define KERNEL_DEFAULT_RANK	6
#define KERNEL_DEFAULT_DIM	(1u << 24)
#define KERNEL_DEFAULT_ELEMS	(1ull << 26)

static int parse_dtypes(const struct parser *p, char *v, uint32_t *mask)
{
	char *save = NULL, *tok;

	*mask = 0;
	for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int dt = tk_dtype_by_name(tok);

		if (dt < 0)
			return perr(p, "kernel: unknown dtype '%s' (known: fp32 fp16 bf16 int8 uint8 int32)",
				    tok);
		*mask |= 1u << dt;
	}
	if (!*mask)
		return perr(p, "kernel: no dtypes");
	return 0;
}

static int parse_limit(const struct parser *p, const char *tok, const char *key,
		       uint64_t max, uint64_t *out)
{
	size_t n = strlen(key);
	unsigned long long v;
	char *end;

	if (strncmp(tok, key, n) || tok[n] != '=')
		return 1;
	errno = 0;
	if (!isdigit((unsigned char)tok[n + 1]))
		return perr(p, "kernel: %s: '%s' is not a number", key, tok + n + 1);
	v = strtoull(tok + n + 1, &end, 0);
	if (errno || *end || v < 1 || v > max)
		return perr(p, "kernel: %s: '%s' is not in 1..%llu", key, tok + n + 1,
			    (unsigned long long)max);
	*out = v;
	return 0;
}

/* "NAME DTYPES [max_rank=R] [max_dim=D] [max_elems=E]" */
static int parse_kernel(const struct parser *p, char *v, struct fw_desc *d)
{
	struct taihu_fw_kernel k = { .max_rank = KERNEL_DEFAULT_RANK,
				     .max_dim = KERNEL_DEFAULT_DIM,
				     .max_elems = KERNEL_DEFAULT_ELEMS };
	char *save = NULL, *tok;
	static const struct { const char *key; uint64_t max; } limits[3] = {
		{ "max_rank", TAIHU_MAX_RANK },
		{ "max_dim", UINT32_MAX },
		{ "max_elems", UINT64_MAX },
	};
	/* perr() is variadic, which the analyser does not follow into. */
	uint64_t val = 0;
	uint32_t i, j;
	int id, r = 1;

	tok = strtok_r(v, " \t", &save);
	id = tk_kernel_by_name(tok);
	if (id <= 0)
		return perr(p, "kernel: unknown kernel '%s'", tok ? tok : "");
	k.kernel = (uint16_t)id;
	for (i = 0; i < d->num_kernels; i++)
		if (d->kernels[i].kernel == k.kernel)
			return perr(p, "kernel: '%s' given twice", tok);
	if (d->num_kernels == TAIHU_FW_MAX_KERNELS)
		return perr(p, "kernel: more than %u kernels", TAIHU_FW_MAX_KERNELS);
	tok = strtok_r(NULL, " \t", &save);
	if (!tok)
		return perr(p, "kernel: '%s' needs its dtypes", tk_kernel_name(k.kernel));
	if (parse_dtypes(p, tok, &k.dtypes))
		return -1;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		for (j = 0; j < 3; j++) {
			r = parse_limit(p, tok, limits[j].key, limits[j].max, &val);
			if (r <= 0)
				break;
		}
		if (r < 0)
			return -1;
		if (j == 3)
			return perr(p, "kernel: unknown option '%s' (max_rank= max_dim= max_elems=)",
				    tok);
		if (j == 0)
			k.max_rank = (uint8_t)val;
		else if (j == 1)
			k.max_dim = (uint32_t)val;
		else
			k.max_elems = val;
	}
	d->kernels[d->num_kernels++] = k;
	return 0;
}

static int read_code_file(const struct parser *p, const char *file, struct fw_desc *d)
{
	char path[PATH_MAX];
	const char *slash = strrchr(p->path, '/');
	FILE *f;
	long size;

	if (file[0] != '/' && slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - p->path), p->path, file);
	else
		snprintf(path, sizeof(path), "%s", file);
	f = fopen(path, "rb");
	if (!f)
		return perr(p, "code: cannot open '%s': %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return perr(p, "code: cannot size '%s'", path);
	}
	if (size == 0 || size > (long)MAX_CODE_SIZE) {
		fclose(f);
		return perr(p, "code: '%s' is %ld bytes, want 1..%u", path, size, MAX_CODE_SIZE);
	}
	d->code = malloc((size_t)size);
	if (!d->code || fread(d->code, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		return perr(p, "code: cannot read '%s'", path);
	}
	fclose(f);
	d->code_size = (size_t)size;
	return 0;
}

static int generate_code(const struct parser *p, const char *v, struct fw_desc *d)
{
	uint32_t size = 0, x = 0x7461696du;	/* fixed seed: reproducible images */
	size_t i;

	if (parse_u32(p, "code", v, 1, MAX_CODE_SIZE, &size))
		return -1;
	d->code = malloc(size);
	if (!d->code)
		return perr(p, "code: out of memory");
	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		d->code[i] = (uint8_t)x;
	}
	d->code_size = size;
	return 0;
}

/* The thermal table's keys, in the order of their bits in the seen mask. */
static const char *const thermal_keys[] = {
	"temp_ambient_c", "temp_max_c", "temp_crit_c", "temp_hysteresis_c",
	"thermal_resistance_mc_per_w", "thermal_time_constant_ms",
	"power_idle_mw", "power_engine_mw", "power_cap_mw", "power_cap_min_mw",
	"power_cap_max_mw", "mem_clock_mhz", "sensor_period_ms", "activity", "clock_table",
};
#define NUM_THERMAL_KEYS	(sizeof(thermal_keys) / sizeof(thermal_keys[0]))
#define THERMAL_ALL		((1u << NUM_THERMAL_KEYS) - 1)

/* "-40".."150" whole degrees, stored in m°C. */
static int parse_celsius(const struct parser *p, const char *key, const char *v, __s32 *out)
{
	uint32_t u = 0;

	if (*v == '-') {
		if (parse_u32(p, key, v + 1, 0, 40, &u))
			return -1;
		*out = -(__s32)u * 1000;
		return 0;
	}
	if (parse_u32(p, key, v, 0, 150, &u))
		return -1;
	*out = (__s32)u * 1000;
	return 0;
}

static int parse_activity(const struct parser *p, char *v, struct taihu_fw_thermal *t)
{
	static const char *const names[] = { "control", "memory", "compute" };
	__u32 *dst[] = { &t->activity_control_permille, &t->activity_memory_permille,
			 &t->activity_compute_permille };
	unsigned int seen = 0, i;
	char *save = NULL, *tok;

	for (tok = strtok_r(v, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');

		if (!colon)
			return perr(p, "activity: '%s' is not CLASS:PERMILLE", tok);
		*colon = '\0';
		for (i = 0; i < 3 && strcmp(tok, names[i]); i++)
			;
		if (i == 3)
			return perr(p, "activity: unknown class '%s' (known: control memory compute)", tok);
		if (parse_u32(p, "activity", colon + 1, 0, 1000, dst[i]))
			return -1;
		seen |= 1u << i;
	}
	if (seen != 7)
		return perr(p, "activity: give control, memory and compute");
	return 0;
}

static int parse_clock_table(const struct parser *p, char *v, struct taihu_fw_thermal *t)
{
	char *save = NULL, *tok;
	uint32_t n = 0;

	for (tok = strtok_r(v, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');

		if (n == TAIHU_FW_MAX_CLOCK_LEVELS)
			return perr(p, "clock_table: more than %u levels", TAIHU_FW_MAX_CLOCK_LEVELS);
		if (!colon)
			return perr(p, "clock_table: '%s' is not MHZ:MV", tok);
		*colon = '\0';
		if (parse_u32(p, "clock_table", tok, 1, TAIHU_FW_THERMAL_MAX_MHZ, &t->levels[n].core_mhz) ||
		    parse_u32(p, "clock_table", colon + 1, 1, 5000, &t->levels[n].voltage_mv))
			return -1;
		n++;
	}
	if (!n)
		return perr(p, "clock_table: empty");
	t->num_levels = n;
	return 0;
}

/* Returns 1 when @key is not a thermal key, else 0 or -1. */
static int parse_thermal(struct parser *p, const char *key, char *v, struct fw_desc *d,
			 unsigned int *seen)
{
	struct taihu_fw_thermal *t = &d->thermal;
	__u32 *const u32s[] = {
		[4] = &t->thermal_resistance_mc_per_w, [5] = &t->thermal_tau_ms,
		[6] = &t->power_idle_mw, [7] = &t->power_engine_mw, [8] = &t->power_cap_default_mw,
		[9] = &t->power_cap_min_mw, [10] = &t->power_cap_max_mw, [11] = &t->mem_clock_mhz,
		[12] = &t->sample_period_ms,
	};
	__s32 hyst;
	unsigned int i;
	int ret;

	for (i = 0; i < NUM_THERMAL_KEYS && strcmp(key, thermal_keys[i]); i++)
		;
	if (i == NUM_THERMAL_KEYS)
		return 1;
	if (*seen & (1u << i))
		return perr(p, "%s: given twice", key);
	*seen |= 1u << i;
	d->has_thermal = true;
	switch (i) {
	case 0:
		return parse_celsius(p, key, v, &t->temp_ambient_mc);
	case 1:
		return parse_celsius(p, key, v, &t->temp_max_mc);
	case 2:
		return parse_celsius(p, key, v, &t->temp_crit_mc);
	case 3:
		ret = parse_celsius(p, key, v, &hyst);
		if (ret)
			return ret;
		if (hyst <= 0)
			return perr(p, "%s: must be at least 1", key);
		t->temp_hyst_mc = (__u32)hyst;
		return 0;
	case 13:
		return parse_activity(p, v, t);
	case 14:
		return parse_clock_table(p, v, t);
	default:
		return parse_u32(p, key, v, 0, UINT32_MAX, u32s[i]);
	}
}

static int parse_line(struct parser *p, char *key, char *v, struct fw_desc *d, unsigned int *seen,
		      unsigned int *thermal_seen)
{
	int ret;

	unsigned int parts[3];
	uint32_t u = 0;

	if (!strcmp(key, "version")) {
		if (parse_dotted(v, parts, 3, 255))
			return perr(p, "version: '%s' is not MAJOR.MINOR.PATCH (each 0..255)", v);
		d->fw_version = TAIHU_FW_VERSION(parts[0], parts[1], parts[2]);
		if (!d->version_str[0] && parse_string(p, key, v, d->version_str, sizeof(d->version_str)))
			return -1;
		*seen |= SEEN_VERSION;
	} else if (!strcmp(key, "version_str")) {
		return parse_string(p, key, v, d->version_str, sizeof(d->version_str));
	} else if (!strcmp(key, "build")) {
		return parse_string(p, key, v, d->build, sizeof(d->build));
	} else if (!strcmp(key, "abi")) {
		if (parse_dotted(v, parts, 2, 65535))
			return perr(p, "abi: '%s' is not MAJOR.MINOR", v);
		d->abi_major = (uint16_t)parts[0];
		d->abi_minor = (uint16_t)parts[1];
	} else if (!strcmp(key, "num_queues")) {
		if (parse_u32(p, key, v, 1, TAIHU_MAX_QUEUES, &d->cfg.num_queues))
			return -1;
		*seen |= SEEN_QUEUES;
	} else if (!strcmp(key, "heartbeat_period_ms")) {
		if (parse_u32(p, key, v, 1, 1000, &d->cfg.heartbeat_period_ms))
			return -1;
		*seen |= SEEN_HEARTBEAT;
	} else if (!strcmp(key, "capabilities")) {
		if (parse_caps(p, v, &d->cfg.capabilities))
			return -1;
		*seen |= SEEN_CAPS;
	} else if (!strcmp(key, "max_cmd_len")) {
		if (parse_u32(p, key, v, TAIHU_FW_CFG_MIN_CMD_LEN, TAIHU_FW_CFG_MAX_CMD_LEN, &u))
			return -1;
		if (u % 8)
			return perr(p, "max_cmd_len: %u is not a multiple of 8", u);
		d->cfg.max_cmd_len = u;
		*seen |= SEEN_CMD_LEN;
	} else if (!strcmp(key, "max_ring_entries")) {
		if (parse_u32(p, key, v, 1, TAIHU_FW_CFG_MAX_RING_ENTRIES, &u))
			return -1;
		if (u & (u - 1))
			return perr(p, "max_ring_entries: %u is not a power of two", u);
		d->cfg.max_ring_entries = u;
		*seen |= SEEN_RING;
	} else if (!strcmp(key, "kernel")) {
		return parse_kernel(p, v, d);
	} else if (!strcmp(key, "code")) {
		if (*seen & SEEN_CODE)
			return perr(p, "code: given twice");
		*seen |= SEEN_CODE;
		if (!strncmp(v, "file:", 5))
			return read_code_file(p, v + 5, d);
		if (!strncmp(v, "generate:", 9))
			return generate_code(p, v + 9, d);
		return perr(p, "code: '%s' is neither file:PATH nor generate:SIZE", v);
	} else {
		ret = parse_thermal(p, key, v, d, thermal_seen);
		if (ret == 1)
			return perr(p, "unknown key '%s'", key);
		return ret;
	}
	return 0;
}

/* All thermal keys or none; the table must pass the card's check. */
static int finish_thermal(const char *path, FILE *err, const struct fw_desc *d,
			  unsigned int seen)
{
	char why[160];
	unsigned int i;

	if (!d->has_thermal)
		return 0;
	if (seen != THERMAL_ALL) {
		/* Some key is missing: the loop stops at it, within the table. */
		for (i = 0; i + 1 < NUM_THERMAL_KEYS && (seen & (1u << i)); i++)
			;
		fprintf(err, "taihu-fwpack: %s: thermal table: missing key '%s'\n", path, thermal_keys[i]);
		return -1;
	}
	if (taihu_fw_thermal_check(&d->thermal, why, sizeof(why))) {
		fprintf(err, "taihu-fwpack: %s: %s\n", path, why);
		return -1;
	}
	return 0;
}

int fw_desc_parse_stream(FILE *f, const char *path, FILE *err, struct fw_desc *d)
{
	struct parser p = { .path = path, .err = err };
	unsigned int seen = 0, thermal_seen = 0;
	char buf[1024];
	int ret = 0;

	memset(d, 0, sizeof(*d));
	d->abi_major = TAIHU_FW_ABI_MAJOR;
	d->abi_minor = TAIHU_FW_ABI_MINOR;
	snprintf(d->build, sizeof(d->build), "taihu-fwpack");

	while (!ret && fgets(buf, sizeof(buf), f)) {
		char *line, *eq, *hash;

		p.line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			ret = perr(&p, "line too long");
			break;
		}
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		line = trim(buf);
		if (!*line)
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			ret = perr(&p, "expected 'key = value', got '%s'", line);
			break;
		}
		*eq = '\0';
		ret = parse_line(&p, trim(line), trim(eq + 1), d, &seen, &thermal_seen);
	}
	if (!ret && (seen & SEEN_REQUIRED) != SEEN_REQUIRED) {
		static const char *const names[] = { "version", "num_queues", "heartbeat_period_ms",
						     "capabilities", "max_cmd_len", "max_ring_entries" };
		unsigned int i;

		for (i = 0; i + 1 < 6; i++)
			if (!(seen & (1u << i)))
				break;
		fprintf(err, "taihu-fwpack: %s: missing required key '%s'\n", path, names[i]);
		ret = -1;
	}
	if (!ret && !!(d->cfg.capabilities & TAIHU_CARD_CAP_KERNEL) != !!d->num_kernels) {
		fprintf(err, "%s: capability 'kernel' and 'kernel =' lines go together\n", path);
		ret = -1;
	}
	if (!ret)
		ret = finish_thermal(path, err, d, thermal_seen);
	if (ret)
		fw_desc_free(d);
	return ret;
}

int fw_desc_parse(const char *path, struct fw_desc *d)
{
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (!f) {
		memset(d, 0, sizeof(*d));
		fprintf(stderr, "taihu-fwpack: cannot read '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	ret = fw_desc_parse_stream(f, path, stderr, d);
	fclose(f);
	return ret;
}

void fw_desc_free(struct fw_desc *d)
{
	free(d->code);
	d->code = NULL;
	d->code_size = 0;
}
