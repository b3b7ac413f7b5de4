// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Firmware image verification. The image is untrusted: every offset and
 * size is checked with 64-bit arithmetic that cannot overflow, and fields
 * are read with memcpy() so that no alignment is assumed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include <taihu_cmdstream.h>

#include "fw_verify.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the firmware image format is little-endian; add byte swapping"
#endif

_Static_assert(sizeof(struct taihu_fw_header) == 128, "header layout");
_Static_assert(sizeof(struct taihu_fw_section) == 16, "section layout");
_Static_assert(sizeof(struct taihu_fw_config) == 56, "config layout");
_Static_assert(sizeof(struct taihu_fw_kernel) == 24, "kernel entry layout");
_Static_assert(sizeof(struct taihu_fw_kernels) == 8, "kernels header layout");
_Static_assert(sizeof(struct taihu_fw_thermal) == 168, "thermal table layout");

static const char *const boot_error_names[] = {
	[TAIHU_BOOT_OK] = "OK",
	[TAIHU_BOOT_ERR_TRUNCATED] = "TRUNCATED",
	[TAIHU_BOOT_ERR_MAGIC] = "MAGIC",
	[TAIHU_BOOT_ERR_ABI] = "ABI",
	[TAIHU_BOOT_ERR_DIGEST] = "DIGEST",
	[TAIHU_BOOT_ERR_SECTION] = "SECTION",
	[TAIHU_BOOT_ERR_CONFIG] = "CONFIG",
	[TAIHU_BOOT_ERR_RANGE] = "RANGE",
	[TAIHU_BOOT_ERR_INJECTED] = "INJECTED",
};

const char *taihu_boot_error_name(int code)
{
	if (code < 0 || (size_t)code >= sizeof(boot_error_names) / sizeof(boot_error_names[0]))
		return "UNKNOWN";
	return boot_error_names[code];
}

__attribute__((format(printf, 3, 4)))
static void say_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
}

/*
 * Record why and yield @code: a macro, so that the code is seen at the call
 * (the static analyser does not follow a variadic function's return value).
 */
#define fail(why, why_len, code, ...) (say_why(why, why_len, __VA_ARGS__), (code))

int taihu_fw_digest(const void *img, size_t image_size, uint8_t out[32])
{
	struct taihu_fw_header hdr;
	const uint8_t *p = img;
	EVP_MD_CTX *ctx;
	unsigned int len = 0;
	int ok;

	if (image_size < sizeof(hdr))
		return -1;
	memcpy(&hdr, p, sizeof(hdr));
	memset(hdr.digest, 0, sizeof(hdr.digest));

	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, &hdr, sizeof(hdr)) &&
	     EVP_DigestUpdate(ctx, p + sizeof(hdr), image_size - sizeof(hdr)) &&
	     EVP_DigestFinal_ex(ctx, out, &len) && len == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static bool str_terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

static int check_sections(const uint8_t *p, const struct taihu_fw_header *hdr,
			  struct taihu_fw_section *sec, char *why, size_t why_len)
{
	uint64_t table_end = (uint64_t)hdr->header_size +
			     (uint64_t)hdr->num_sections * sizeof(*sec);
	uint32_t i, j;

	if (hdr->num_sections == 0 || hdr->num_sections > TAIHU_FW_MAX_SECTIONS)
		return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
			    "num_sections %u not in 1..%u", hdr->num_sections,
			    TAIHU_FW_MAX_SECTIONS);
	if (table_end > hdr->image_size)
		return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
			    "section table ends at %llu, past image_size %u",
			    (unsigned long long)table_end, hdr->image_size);

	for (i = 0; i < hdr->num_sections; i++) {
		uint64_t end;

		memcpy(&sec[i], p + hdr->header_size + i * sizeof(*sec), sizeof(*sec));
		end = (uint64_t)sec[i].offset + sec[i].size;
		if (sec[i].flags)
			return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
				    "section %u: flags 0x%x must be zero", i, sec[i].flags);
		if (sec[i].offset % 8)
			return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
				    "section %u: offset %u not 8-byte aligned", i, sec[i].offset);
		if (sec[i].offset < table_end || end > hdr->image_size)
			return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
				    "section %u: [%u, %llu) outside the payload area [%llu, %u)",
				    i, sec[i].offset, (unsigned long long)end,
				    (unsigned long long)table_end, hdr->image_size);
		for (j = 0; j < i; j++) {
			uint64_t oend = (uint64_t)sec[j].offset + sec[j].size;

			if (sec[i].size && sec[j].size &&
			    sec[i].offset < oend && sec[j].offset < end)
				return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
					    "sections %u and %u overlap", j, i);
		}
	}
	return TAIHU_BOOT_OK;
}

/*
 * The largest packet each capability brings: a command stream of
 * max_cmd_len bytes must be able to hold any one packet the firmware enables.
 */
static const struct {
	uint64_t cap;
	const char *name;
	size_t size;
} cap_packets[] = {
	{ TAIHU_CARD_CAP_NOP, "NOP", sizeof(struct taihu_pkt_header) },
	{ TAIHU_CARD_CAP_FILL, "FILL", sizeof(struct taihu_pkt_fill) },
	{ TAIHU_CARD_CAP_COPY, "COPY", sizeof(struct taihu_pkt_copy) },
	{ TAIHU_CARD_CAP_TIMESTAMP, "TIMESTAMP", sizeof(struct taihu_pkt_timestamp) },
	{ TAIHU_CARD_CAP_SEMAPHORE, "SEM_SIGNAL", sizeof(struct taihu_pkt_sem_signal) },
	{ TAIHU_CARD_CAP_SEMAPHORE, "SEM_WAIT", sizeof(struct taihu_pkt_sem_wait) },
	{ TAIHU_CARD_CAP_BARRIER, "BARRIER", sizeof(struct taihu_pkt_barrier) },
	{ TAIHU_CARD_CAP_KERNEL, "KERNEL", sizeof(struct taihu_pkt_kernel) },
};

/* The limits must let the card and the driver run something. */
static int check_config_usable(const struct taihu_fw_config *cfg, char *why, size_t why_len)
{
	size_t i;

	if (!(cfg->capabilities & TAIHU_FW_CFG_KNOWN_CAPS & ~(uint64_t)TAIHU_CARD_CAP_MMU))
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "capabilities enable no packet: nothing could run");
	for (i = 0; i < sizeof(cap_packets) / sizeof(cap_packets[0]); i++)
		if ((cfg->capabilities & cap_packets[i].cap) &&
		    cfg->max_cmd_len < cap_packets[i].size)
			return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
				    "max_cmd_len %u cannot hold a %s packet (%zu bytes)",
				    cfg->max_cmd_len, cap_packets[i].name, cap_packets[i].size);
	if (cfg->max_ring_entries < TAIHU_FW_CFG_MIN_RING_ENTRIES)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "max_ring_entries %u below the %u entries of the driver's rings",
			    cfg->max_ring_entries, TAIHU_FW_CFG_MIN_RING_ENTRIES);
	return TAIHU_BOOT_OK;
}

static int check_config(const uint8_t *p, const struct taihu_fw_header *hdr,
			const struct taihu_fw_section *sec, struct taihu_fw_config *cfg,
			char *why, size_t why_len)
{
	const struct taihu_fw_section *found = NULL;
	uint32_t i;

	for (i = 0; i < hdr->num_sections; i++) {
		if (sec[i].type != TAIHU_FW_SECTION_CONFIG)
			continue;
		if (found)
			return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
				    "more than one CONFIG section");
		found = &sec[i];
	}
	if (!found)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG, "no CONFIG section");
	/* A later ABI minor may append fields; the known prefix must be there. */
	if (found->size < sizeof(*cfg))
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "CONFIG section is %u bytes, needs %zu", found->size, sizeof(*cfg));
	memcpy(cfg, p + found->offset, sizeof(*cfg));

	if (cfg->num_queues < 1 || cfg->num_queues > TAIHU_MAX_QUEUES)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "num_queues %u not in 1..%u", cfg->num_queues, TAIHU_MAX_QUEUES);
	if (cfg->heartbeat_period_ms < 1 || cfg->heartbeat_period_ms > 1000)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "heartbeat_period_ms %u not in 1..1000", cfg->heartbeat_period_ms);
	if (cfg->capabilities & ~(uint64_t)TAIHU_FW_CFG_KNOWN_CAPS)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "unknown capability bits 0x%llx",
			    (unsigned long long)(cfg->capabilities & ~(uint64_t)TAIHU_FW_CFG_KNOWN_CAPS));
	if (cfg->max_cmd_len < TAIHU_FW_CFG_MIN_CMD_LEN ||
	    cfg->max_cmd_len > TAIHU_FW_CFG_MAX_CMD_LEN || cfg->max_cmd_len % 8)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "max_cmd_len %u not a multiple of 8 in %u..%u", cfg->max_cmd_len,
			    TAIHU_FW_CFG_MIN_CMD_LEN, TAIHU_FW_CFG_MAX_CMD_LEN);
	if (cfg->max_ring_entries < 1 || cfg->max_ring_entries > TAIHU_FW_CFG_MAX_RING_ENTRIES ||
	    (cfg->max_ring_entries & (cfg->max_ring_entries - 1)))
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "max_ring_entries %u not a power of two in 1..%u",
			    cfg->max_ring_entries, TAIHU_FW_CFG_MAX_RING_ENTRIES);
	for (i = 0; i < sizeof(cfg->reserved) / sizeof(cfg->reserved[0]); i++)
		if (cfg->reserved[i])
			return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
				    "CONFIG reserved[%u] is not zero", i);
	return check_config_usable(cfg, why, why_len);
}

static int check_kernel(const struct taihu_fw_kernel *k, uint32_t i, uint32_t seen,
			char *why, size_t why_len)
{
	if (k->kernel == 0 || k->kernel >= TAIHU_KERNEL_COUNT)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "KERNELS entry %u: unknown kernel %u", i, k->kernel);
	if (seen & (1u << k->kernel))
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "KERNELS entry %u: kernel %u listed twice", i, k->kernel);
	if (!k->dtypes || k->dtypes >> TAIHU_DTYPE_COUNT)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "KERNELS entry %u: dtype mask 0x%x not a non-empty set of known dtypes",
			    i, k->dtypes);
	if (k->max_rank < 1 || k->max_rank > TAIHU_MAX_RANK || !k->max_dim || !k->max_elems)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "KERNELS entry %u: limits (rank %u, dim %u, elems %llu) not valid",
			    i, k->max_rank, k->max_dim, (unsigned long long)k->max_elems);
	if (k->reserved || k->reserved1)
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "KERNELS entry %u: reserved not zero", i);
	return TAIHU_BOOT_OK;
}

/* The KERNELS section: required when CONFIG enables the KERNEL packet. */
static int check_kernels(const uint8_t *p, const struct taihu_fw_header *hdr,
			 const struct taihu_fw_section *sec, const struct taihu_fw_config *cfg,
			 struct taihu_fw_info *out, char *why, size_t why_len)
{
	const struct taihu_fw_section *found = NULL;
	struct taihu_fw_kernels h;
	uint32_t i, seen = 0;
	int ret;

	out->num_kernels = 0;
	for (i = 0; i < hdr->num_sections; i++) {
		if (sec[i].type != TAIHU_FW_SECTION_KERNELS)
			continue;
		if (found)
			return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
				    "more than one KERNELS section");
		found = &sec[i];
	}
	if (!found) {
		if (cfg->capabilities & TAIHU_CARD_CAP_KERNEL)
			return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
				    "capability kernel without a KERNELS section");
		return TAIHU_BOOT_OK;
	}
	if (found->size < sizeof(h))
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "KERNELS section of %u bytes", found->size);
	memcpy(&h, p + found->offset, sizeof(h));
	if (h.count < 1 || h.count > TAIHU_FW_MAX_KERNELS || h.reserved ||
	    found->size != sizeof(h) + (uint64_t)h.count * sizeof(struct taihu_fw_kernel))
		return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
			    "KERNELS section: %u entries in %u bytes (1..%u entries, reserved zero)",
			    h.count, found->size, TAIHU_FW_MAX_KERNELS);
	for (i = 0; i < h.count; i++) {
		memcpy(&out->kernels[i], p + found->offset + sizeof(h) + i * sizeof(out->kernels[0]),
		       sizeof(out->kernels[0]));
		ret = check_kernel(&out->kernels[i], i, seen, why, why_len);
		if (ret)
			return ret;
		seen |= 1u << out->kernels[i].kernel;
	}
	/* Without the KERNEL packet the table is checked but enables nothing. */
	out->num_kernels = cfg->capabilities & TAIHU_CARD_CAP_KERNEL ? h.count : 0;
	return TAIHU_BOOT_OK;
}

int taihu_fw_thermal_check(const struct taihu_fw_thermal *t, char *why, size_t why_len)
{
	const int code = TAIHU_BOOT_ERR_CONFIG;
	uint32_t i;

	if (t->temp_ambient_mc < TAIHU_FW_THERMAL_MIN_MC ||
	    t->temp_ambient_mc >= t->temp_max_mc || t->temp_max_mc >= t->temp_crit_mc ||
	    t->temp_crit_mc > TAIHU_FW_THERMAL_MAX_MC)
		return fail(why, why_len, code,
			    "thermal: want %d <= ambient %d < max %d < crit %d <= %d m°C",
			    TAIHU_FW_THERMAL_MIN_MC, t->temp_ambient_mc, t->temp_max_mc,
			    t->temp_crit_mc, TAIHU_FW_THERMAL_MAX_MC);
	if (!t->temp_hyst_mc ||
	    (int64_t)t->temp_hyst_mc >= (int64_t)t->temp_max_mc - t->temp_ambient_mc)
		return fail(why, why_len, code, "thermal: hysteresis %u m°C not in 1..max - ambient",
			    t->temp_hyst_mc);
	if (!t->thermal_resistance_mc_per_w || t->thermal_resistance_mc_per_w > 100000 ||
	    t->thermal_tau_ms < 10 || t->thermal_tau_ms > 3600000)
		return fail(why, why_len, code,
			    "thermal: resistance %u m°C/W not in 1..100000 or tau %u ms not in 10..3600000",
			    t->thermal_resistance_mc_per_w, t->thermal_tau_ms);
	if (!t->power_idle_mw || !t->power_engine_mw ||
	    t->power_idle_mw > TAIHU_FW_THERMAL_MAX_MW || t->power_engine_mw > TAIHU_FW_THERMAL_MAX_MW)
		return fail(why, why_len, code, "thermal: idle %u mW or engine %u mW not in 1..%u",
			    t->power_idle_mw, t->power_engine_mw, TAIHU_FW_THERMAL_MAX_MW);
	if (!t->power_cap_min_mw || t->power_cap_min_mw > t->power_cap_default_mw ||
	    t->power_cap_default_mw > t->power_cap_max_mw ||
	    t->power_cap_max_mw > TAIHU_FW_THERMAL_MAX_MW)
		return fail(why, why_len, code,
			    "thermal: want 0 < cap min %u <= default %u <= max %u <= %u mW",
			    t->power_cap_min_mw, t->power_cap_default_mw, t->power_cap_max_mw,
			    TAIHU_FW_THERMAL_MAX_MW);
	if (!t->mem_clock_mhz || t->mem_clock_mhz > TAIHU_FW_THERMAL_MAX_MHZ ||
	    t->sample_period_ms < 10 || t->sample_period_ms > 1000)
		return fail(why, why_len, code,
			    "thermal: memory clock %u MHz not in 1..%u or period %u ms not in 10..1000",
			    t->mem_clock_mhz, TAIHU_FW_THERMAL_MAX_MHZ, t->sample_period_ms);
	if (t->activity_control_permille > 1000 || t->activity_memory_permille > 1000 ||
	    t->activity_compute_permille > 1000)
		return fail(why, why_len, code, "thermal: an activity is above 1000 per mille");
	if (t->num_levels < 1 || t->num_levels > TAIHU_FW_MAX_CLOCK_LEVELS)
		return fail(why, why_len, code, "thermal: %u clock levels, want 1..%u",
			    t->num_levels, TAIHU_FW_MAX_CLOCK_LEVELS);
	for (i = 0; i < t->num_levels; i++) {
		const struct taihu_fw_clock_level *l = &t->levels[i];

		if (!l->core_mhz || l->core_mhz > TAIHU_FW_THERMAL_MAX_MHZ ||
		    !l->voltage_mv || l->voltage_mv > 5000)
			return fail(why, why_len, code,
				    "thermal: level %u (%u MHz, %u mV) out of range", i,
				    l->core_mhz, l->voltage_mv);
		if (i && (l->core_mhz >= l[-1].core_mhz || l->voltage_mv > l[-1].voltage_mv))
			return fail(why, why_len, code,
				    "thermal: level %u must have a lower clock and no higher voltage than level %u",
				    i, i - 1);
	}
	for (; i < TAIHU_FW_MAX_CLOCK_LEVELS; i++)
		if (t->levels[i].core_mhz || t->levels[i].voltage_mv)
			return fail(why, why_len, code, "thermal: unused level %u is not zero", i);
	if (t->reserved0)
		return fail(why, why_len, code, "thermal: reserved0 is not zero");
	for (i = 0; i < sizeof(t->reserved) / sizeof(t->reserved[0]); i++)
		if (t->reserved[i])
			return fail(why, why_len, code, "thermal: reserved[%u] is not zero", i);
	return TAIHU_BOOT_OK;
}

/* The optional THERMAL section: at most one, the known prefix present. */
static int check_thermal(const uint8_t *p, const struct taihu_fw_header *hdr,
			 const struct taihu_fw_section *sec, struct taihu_fw_thermal *t,
			 bool *found, char *why, size_t why_len)
{
	uint32_t i;

	*found = false;
	for (i = 0; i < hdr->num_sections; i++) {
		if (sec[i].type != TAIHU_FW_SECTION_THERMAL)
			continue;
		if (*found)
			return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
				    "more than one THERMAL section");
		if (sec[i].size < sizeof(*t))
			return fail(why, why_len, TAIHU_BOOT_ERR_CONFIG,
				    "THERMAL section is %u bytes, needs %zu", sec[i].size, sizeof(*t));
		memcpy(t, p + sec[i].offset, sizeof(*t));
		*found = true;
	}
	return *found ? taihu_fw_thermal_check(t, why, why_len) : TAIHU_BOOT_OK;
}

int taihu_fw_verify(const void *img, size_t size, struct taihu_fw_info *info,
		    char *why, size_t why_len)
{
	struct taihu_fw_info kinfo;
	/* Zeroed: the analyser does not see check_sections() fill it. */
	struct taihu_fw_section sec[TAIHU_FW_MAX_SECTIONS] = { 0 };
	struct taihu_fw_thermal thermal;
	struct taihu_fw_config cfg;
	struct taihu_fw_header hdr;
	const uint8_t *p = img;
	uint8_t digest[32];
	bool has_thermal;
	int ret;

	if (size < sizeof(hdr))
		return fail(why, why_len, TAIHU_BOOT_ERR_TRUNCATED,
			    "image is %zu bytes, smaller than its %zu-byte header",
			    size, sizeof(hdr));
	memcpy(&hdr, p, sizeof(hdr));

	if (hdr.magic != TAIHU_FW_MAGIC)
		return fail(why, why_len, TAIHU_BOOT_ERR_MAGIC,
			    "bad magic 0x%08x (want 0x%08x)", hdr.magic, TAIHU_FW_MAGIC);
	if (hdr.abi_major != TAIHU_FW_ABI_MAJOR)
		return fail(why, why_len, TAIHU_BOOT_ERR_ABI,
			    "firmware ABI %u.%u, card supports major %u",
			    hdr.abi_major, hdr.abi_minor, TAIHU_FW_ABI_MAJOR);
	if (hdr.header_size < sizeof(hdr) || hdr.header_size % 8)
		return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
			    "header_size %u is not a multiple of 8 of at least %zu",
			    hdr.header_size, sizeof(hdr));
	if (hdr.image_size > TAIHU_FW_MAX_IMAGE_SIZE)
		return fail(why, why_len, TAIHU_BOOT_ERR_RANGE,
			    "image_size %u exceeds the %u-byte limit",
			    hdr.image_size, TAIHU_FW_MAX_IMAGE_SIZE);
	if (hdr.image_size < hdr.header_size)
		return fail(why, why_len, TAIHU_BOOT_ERR_TRUNCATED,
			    "image_size %u smaller than header_size %u",
			    hdr.image_size, hdr.header_size);
	if (hdr.image_size > size)
		return fail(why, why_len, TAIHU_BOOT_ERR_TRUNCATED,
			    "image is %zu bytes, header says %u", size, hdr.image_size);

	/* The digest covers everything, so check it before parsing further. */
	if (taihu_fw_digest(p, hdr.image_size, digest))
		return fail(why, why_len, TAIHU_BOOT_ERR_DIGEST, "SHA-256 computation failed");
	if (memcmp(digest, hdr.digest, sizeof(digest)))
		return fail(why, why_len, TAIHU_BOOT_ERR_DIGEST, "SHA-256 digest mismatch");

	if (hdr.flags || hdr.reserved)
		return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
			    "header flags/reserved not zero");
	if (!str_terminated(hdr.version_str, sizeof(hdr.version_str)) ||
	    !str_terminated(hdr.build, sizeof(hdr.build)))
		return fail(why, why_len, TAIHU_BOOT_ERR_SECTION,
			    "version_str or build not NUL-terminated");

	ret = check_sections(p, &hdr, sec, why, why_len);
	if (ret)
		return ret;
	ret = check_config(p, &hdr, sec, &cfg, why, why_len);
	if (ret)
		return ret;
	ret = check_kernels(p, &hdr, sec, &cfg, &kinfo, why, why_len);
	if (ret)
		return ret;
	ret = check_thermal(p, &hdr, sec, &thermal, &has_thermal, why, why_len);
	if (ret)
		return ret;

	if (info) {
		memset(info, 0, sizeof(*info));
		info->num_kernels = kinfo.num_kernels;
		memcpy(info->kernels, kinfo.kernels, sizeof(info->kernels));
		info->hdr = hdr;
		info->cfg = cfg;
		info->has_thermal = has_thermal;
		if (has_thermal)
			info->thermal = thermal;
		info->num_sections = hdr.num_sections;
		memcpy(info->sections, sec, hdr.num_sections * sizeof(sec[0]));
	}
	say_why(why, why_len, "firmware %s (ABI %u.%u) verified",
		hdr.version_str, hdr.abi_major, hdr.abi_minor);
	return TAIHU_BOOT_OK;
}
