// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Telemetry through the "taihu" generic netlink family: dev-get (do and
 * dump), proc-get (dump) and power-cap-set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "genl.h"
#include "taihu_internal.h"

struct taihu_telemetry_session {
	struct taihu_genl g;
};

TAIHU_EXPORT int taihu_telemetry_open(struct taihu_telemetry_session **out)
{
	struct taihu_telemetry_session *s;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = taihu__genl_open(&s->g);
	if (ret) {
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

TAIHU_EXPORT void taihu_telemetry_close(struct taihu_telemetry_session *s)
{
	if (!s)
		return;
	taihu__genl_close(&s->g);
	free(s);
}

TAIHU_EXPORT const char *taihu_telemetry_last_error(const struct taihu_telemetry_session *s)
{
	return s ? s->g.errmsg : "";
}

TAIHU_EXPORT void taihu_free(void *p)
{
	free(p);
}

/* Room for one more of @n items of @size bytes in *@items (capacity *@cap). */
static int grow(void **items, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 4;
	p = realloc(*items, ncap * size);
	if (!p)
		return -ENOMEM;
	*items = p;
	*cap = ncap;
	return 0;
}

/* Scalar attributes of the dev set and where they go. */
enum kind { U32, S32, UINT };

static const struct {
	int attr;
	enum taihu_tm_field field;
	enum kind kind;
	size_t offset;
} dev_fields[] = {
#define F(a, f, k, m) { TAIHU_A_DEV_##a, TAIHU_TM_##f, k, offsetof(struct taihu_telemetry, m) }
	F(TEMP, TEMP, S32, temp_mc),
	F(TEMP_MAX, TEMP_MAX, S32, temp_max_mc),
	F(TEMP_CRIT, TEMP_CRIT, S32, temp_crit_mc),
	F(POWER, POWER, UINT, power_uw),
	F(POWER_CAP, POWER_CAP, UINT, power_cap_uw),
	F(POWER_CAP_MIN, POWER_CAP_MIN, UINT, power_cap_min_uw),
	F(POWER_CAP_MAX, POWER_CAP_MAX, UINT, power_cap_max_uw),
	F(POWER_CAP_DEFAULT, POWER_CAP_DEFAULT, UINT, power_cap_default_uw),
	F(ENERGY, ENERGY, UINT, energy_uj),
	F(VOLTAGE, VOLTAGE, U32, voltage_mv),
	F(CORE_CLOCK, CORE_CLOCK, U32, core_clock_mhz),
	F(CORE_CLOCK_MAX, CORE_CLOCK_MAX, U32, core_clock_max_mhz),
	F(MEM_CLOCK, MEM_CLOCK, U32, mem_clock_mhz),
	F(MEM_CLOCK_MAX, MEM_CLOCK_MAX, U32, mem_clock_max_mhz),
	F(THROTTLE_REASONS, THROTTLE_REASONS, U32, throttle_reasons),
	F(THROTTLED_TIME, THROTTLED_TIME, UINT, throttled_ns),
	F(ECC_CORRECTED, ECC_CORRECTED, UINT, ecc_corrected),
	F(ECC_UNCORRECTED, ECC_UNCORRECTED, UINT, ecc_uncorrected),
	F(BUSY_TIME, BUSY_TIME, UINT, busy_ns),
	F(UTILIZATION, UTILIZATION, U32, utilization_permille),
	F(VRAM_TOTAL, VRAM_TOTAL, UINT, vram_total),
	F(VRAM_USED, VRAM_USED, UINT, vram_used),
	F(HOST_USED, HOST_USED, UINT, host_used),
	F(RESET_COUNT, RESET_COUNT, UINT, reset_count),
#undef F
};

/* A scalar attribute of the right length, or NULL. */
static const struct nlattr *scalar(struct nlattr *a, enum kind k)
{
	if (!a)
		return NULL;
	if (k == UINT)
		return nla_len(a) == 4 || nla_len(a) == 8 ? a : NULL;
	return nla_len(a) == 4 ? a : NULL;
}

/*
 * The engines of a message: nests of (index, busy-time[, utilization]).
 * Returns the number of engines (highest index + 1).
 */
static uint32_t parse_engines(const struct nlattr *msg_attrs, int len, int attr,
			      uint64_t *busy, uint32_t *util)
{
	const struct nlattr *a;
	uint32_t n = 0;
	int rem;

	nla_for_each_attr(a, msg_attrs, len, rem) {
		struct nlattr *tb[TAIHU_A_ENGINE_MAX + 1];
		uint32_t i;

		if (nla_type(a) != attr ||
		    nla_parse_nested(tb, TAIHU_A_ENGINE_MAX, (struct nlattr *)a, NULL) < 0 ||
		    !scalar(tb[TAIHU_A_ENGINE_INDEX], U32))
			continue;
		i = nla_get_u32(tb[TAIHU_A_ENGINE_INDEX]);
		if (i >= TAIHU_TM_MAX_ENGINES)
			continue;
		if (scalar(tb[TAIHU_A_ENGINE_BUSY_TIME], UINT))
			busy[i] = taihu__nla_uint(tb[TAIHU_A_ENGINE_BUSY_TIME]);
		if (util && scalar(tb[TAIHU_A_ENGINE_UTILIZATION], U32))
			util[i] = nla_get_u32(tb[TAIHU_A_ENGINE_UTILIZATION]);
		if (i + 1 > n)
			n = i + 1;
	}
	return n;
}

struct dev_parse {
	struct taihu_telemetry *items;	/* full-size structs, grown as needed */
	size_t n, cap;
};

static void fill_dev(struct nlattr **tb, struct taihu_telemetry *t, const struct nlattr *attrs,
		     int len)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->minor = nla_get_u32(tb[TAIHU_A_DEV_MINOR]);
	if (tb[TAIHU_A_DEV_PCI_ADDR])
		taihu__nla_string(tb[TAIHU_A_DEV_PCI_ADDR], t->pci_slot, sizeof(t->pci_slot));
	if (tb[TAIHU_A_DEV_SERIAL])
		taihu__nla_string(tb[TAIHU_A_DEV_SERIAL], t->serial, sizeof(t->serial));
	if (tb[TAIHU_A_DEV_MODEL])
		taihu__nla_string(tb[TAIHU_A_DEV_MODEL], t->model, sizeof(t->model));
	if (tb[TAIHU_A_DEV_FW_VERSION])
		taihu__nla_string(tb[TAIHU_A_DEV_FW_VERSION], t->fw_version, sizeof(t->fw_version));
	if (tb[TAIHU_A_DEV_DRIVER_VERSION])
		taihu__nla_string(tb[TAIHU_A_DEV_DRIVER_VERSION], t->driver_version,
				  sizeof(t->driver_version));
	for (i = 0; i < sizeof(dev_fields) / sizeof(dev_fields[0]); i++) {
		const struct nlattr *a = scalar(tb[dev_fields[i].attr], dev_fields[i].kind);
		char *dst = (char *)t + dev_fields[i].offset;

		if (!a)
			continue;
		if (dev_fields[i].kind == UINT) {
			uint64_t v = taihu__nla_uint(a);

			memcpy(dst, &v, sizeof(v));
		} else {
			uint32_t v = nla_get_u32((struct nlattr *)a);

			memcpy(dst, &v, sizeof(v));
		}
		t->available |= 1ULL << dev_fields[i].field;
	}
	if (tb[TAIHU_A_DEV_SENSORS_VALID]) {
		t->num_engines = parse_engines(attrs, len, TAIHU_A_DEV_ENGINE, t->engine_busy_ns,
					       t->engine_util_permille);
		t->available |= 1ULL << TAIHU_TM_ENGINES;
	}
}

static int on_dev(struct nlattr **tb, const struct nlattr *attrs, int len, void *arg)
{
	struct dev_parse *p = arg;

	if (!scalar(tb[TAIHU_A_DEV_MINOR], U32))
		return -EPROTO;
	if (grow((void **)&p->items, &p->cap, p->n, sizeof(*p->items)))
		return -ENOMEM;
	fill_dev(tb, &p->items[p->n++], attrs, len);
	return 0;
}

static int put_minor(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, TAIHU_A_DEV_MINOR, *(const uint32_t *)arg) ? -ENOMEM : 0;
}

TAIHU_EXPORT int taihu_telemetry_get(struct taihu_telemetry_session *s, uint32_t minor,
				     struct taihu_telemetry *t)
{
	struct dev_parse p = { 0 };
	int ret;

	if (!s || !t || t->size < sizeof(uint32_t))
		return -EINVAL;
	ret = taihu__genl_request(&s->g, TAIHU_CMD_DEV_GET, 0, put_minor, &minor,
				  TAIHU_A_DEV_MAX, on_dev, &p);
	if (!ret && p.n != 1)
		ret = -EPROTO;
	if (!ret)
		taihu__copy_sized(t, t->size, &p.items[0], sizeof(p.items[0]));
	free(p.items);
	return ret;
}

/* Repack full-size items into the caller's element size. */
static int repack(const void *items, size_t n, size_t full, size_t elem_size, void **out)
{
	char *arr;
	size_t i;

	arr = calloc(n ? n : 1, elem_size);
	if (!arr)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		taihu__copy_sized(arr + i * elem_size, elem_size, (const char *)items + i * full,
				  full);
	*out = arr;
	return 0;
}

TAIHU_EXPORT int taihu_telemetry_dump(struct taihu_telemetry_session *s, size_t elem_size,
				      struct taihu_telemetry **out, size_t *count)
{
	struct dev_parse p = { 0 };
	void *arr = NULL;
	int ret;

	if (!s || !out || !count || elem_size < sizeof(uint32_t))
		return -EINVAL;
	*out = NULL;
	*count = 0;
	ret = taihu__genl_request(&s->g, TAIHU_CMD_DEV_GET, 1, NULL, NULL, TAIHU_A_DEV_MAX,
				  on_dev, &p);
	if (!ret)
		ret = repack(p.items, p.n, sizeof(*p.items), elem_size, &arr);
	if (!ret) {
		*out = arr;
		*count = p.n;
	}
	free(p.items);
	return ret;
}

struct cap_req {
	uint32_t minor;
	uint64_t cap;
};

static int put_cap(struct nl_msg *msg, void *arg)
{
	const struct cap_req *c = arg;

	if (nla_put_u32(msg, TAIHU_A_DEV_MINOR, c->minor) ||
	    nla_put_u64(msg, TAIHU_A_DEV_POWER_CAP, c->cap))
		return -ENOMEM;
	return 0;
}

TAIHU_EXPORT int taihu_power_cap_set(struct taihu_telemetry_session *s, uint32_t minor,
				     uint64_t cap_uw)
{
	struct cap_req c = { minor, cap_uw };

	if (!s)
		return -EINVAL;
	return taihu__genl_request(&s->g, TAIHU_CMD_POWER_CAP_SET, 0, put_cap, &c,
				   TAIHU_A_DEV_MAX, NULL, NULL);
}

TAIHU_EXPORT int taihu_card_reset(struct taihu_telemetry_session *s, uint32_t minor)
{
	if (!s)
		return -EINVAL;
	return taihu__genl_request(&s->g, TAIHU_CMD_DEV_RESET, 0, put_minor, &minor,
				   TAIHU_A_DEV_MAX, NULL, NULL);
}

struct proc_parse {
	struct taihu_proc_usage *items;
	size_t n, cap;
};

static int on_proc(struct nlattr **tb, const struct nlattr *attrs, int len, void *arg)
{
	struct proc_parse *p = arg;
	struct taihu_proc_usage *u;

	if (!scalar(tb[TAIHU_A_PROC_MINOR], U32))
		return -EPROTO;
	if (grow((void **)&p->items, &p->cap, p->n, sizeof(*p->items)))
		return -ENOMEM;
	u = &p->items[p->n++];
	memset(u, 0, sizeof(*u));
	u->size = sizeof(*u);
	u->minor = nla_get_u32(tb[TAIHU_A_PROC_MINOR]);
	if (scalar(tb[TAIHU_A_PROC_PID], U32))
		u->pid = nla_get_u32(tb[TAIHU_A_PROC_PID]);
	if (scalar(tb[TAIHU_A_PROC_CONTEXT], U32))
		u->context = nla_get_u32(tb[TAIHU_A_PROC_CONTEXT]);
	if (tb[TAIHU_A_PROC_COMM])
		taihu__nla_string(tb[TAIHU_A_PROC_COMM], u->comm, sizeof(u->comm));
	if (scalar(tb[TAIHU_A_PROC_VRAM_USED], UINT))
		u->vram_used = taihu__nla_uint(tb[TAIHU_A_PROC_VRAM_USED]);
	if (scalar(tb[TAIHU_A_PROC_HOST_USED], UINT))
		u->host_used = taihu__nla_uint(tb[TAIHU_A_PROC_HOST_USED]);
	u->num_engines = parse_engines(attrs, len, TAIHU_A_PROC_ENGINE, u->engine_busy_ns, NULL);
	return 0;
}

static int put_proc_minor(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, TAIHU_A_PROC_MINOR, *(const uint32_t *)arg) ? -ENOMEM : 0;
}

TAIHU_EXPORT int taihu_proc_dump(struct taihu_telemetry_session *s, int64_t minor,
				 size_t elem_size, struct taihu_proc_usage **out, size_t *count)
{
	struct proc_parse p = { 0 };
	uint32_t m = (uint32_t)minor;
	void *arr = NULL;
	int ret;

	if (!s || !out || !count || elem_size < sizeof(uint32_t) || minor < -1 ||
	    minor > UINT32_MAX)
		return -EINVAL;
	*out = NULL;
	*count = 0;
	ret = taihu__genl_request(&s->g, TAIHU_CMD_PROC_GET, 1, minor < 0 ? NULL : put_proc_minor,
				  &m, TAIHU_A_PROC_MAX, on_proc, &p);
	if (!ret)
		ret = repack(p.items, p.n, sizeof(*p.items), elem_size, &arr);
	if (!ret) {
		*out = arr;
		*count = p.n;
	}
	free(p.items);
	return ret;
}
