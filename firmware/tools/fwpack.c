// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu-fwpack: pack a firmware description into a Taihu firmware image,
 * or verify and describe an image (--info) with the card's own checks.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/fw_verify.h"
#include "../common/kcheck.h"
#include "../common/version.h"
#include "fwdesc.h"

static const char usage_text[] =
"Usage: taihu-fwpack -o IMAGE DESCRIPTION.fw\n"
"       taihu-fwpack --info IMAGE\n"
"\n"
"  -o, --output IMAGE  write the packed image to IMAGE\n"
"  -i, --info IMAGE    verify IMAGE as the card does and print its header\n"
"  -h, --help          show this text\n"
"  -V, --version       show the version and the image ABI it writes\n"
"\n"
"Exit status: 0 success, 1 bad input or image refused, 2 usage error.\n";

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* One section's payload, in the order the image holds them. */
struct payload {
	uint32_t type;
	const void *data;
	size_t size;
};

static int pack(const struct fw_desc *d, uint8_t **out, size_t *out_size)
{
	struct payload pl[TAIHU_FW_MAX_SECTIONS];
	struct taihu_fw_section sec[TAIHU_FW_MAX_SECTIONS];
	struct taihu_fw_kernels kh = { .count = d->num_kernels };
	size_t kernels_size = sizeof(kh) + d->num_kernels * sizeof(d->kernels[0]);
	uint8_t *kernels = NULL;
	struct taihu_fw_header hdr;
	uint32_t nsec = 0, i;
	size_t off, size;
	uint8_t *img;

	pl[nsec++] = (struct payload){ TAIHU_FW_SECTION_CONFIG, &d->cfg, sizeof(d->cfg) };
	if (d->code)
		pl[nsec++] = (struct payload){ TAIHU_FW_SECTION_CODE, d->code, d->code_size };
	if (d->num_kernels) {
		/* The KERNELS payload: its header, then the entries. */
		kernels = malloc(kernels_size);
		if (!kernels) {
			fprintf(stderr, "taihu-fwpack: out of memory\n");
			return -1;
		}
		memcpy(kernels, &kh, sizeof(kh));
		memcpy(kernels + sizeof(kh), d->kernels, d->num_kernels * sizeof(d->kernels[0]));
		pl[nsec++] = (struct payload){ TAIHU_FW_SECTION_KERNELS, kernels, kernels_size };
	}
	if (d->has_thermal)
		pl[nsec++] = (struct payload){ TAIHU_FW_SECTION_THERMAL, &d->thermal,
					       sizeof(d->thermal) };

	memset(&hdr, 0, sizeof(hdr));
	memset(sec, 0, sizeof(sec));
	off = align8(sizeof(hdr) + nsec * sizeof(sec[0]));
	for (i = 0; i < nsec; i++) {
		sec[i].type = pl[i].type;
		sec[i].offset = (uint32_t)off;
		sec[i].size = (uint32_t)pl[i].size;
		off = align8(off + pl[i].size);
	}
	size = off;
	if (size > TAIHU_FW_MAX_IMAGE_SIZE) {
		fprintf(stderr, "taihu-fwpack: image would be %zu bytes, limit %u\n",
			size, TAIHU_FW_MAX_IMAGE_SIZE);
		free(kernels);
		return -1;
	}

	hdr.magic = TAIHU_FW_MAGIC;
	hdr.abi_major = d->abi_major;
	hdr.abi_minor = d->abi_minor;
	hdr.fw_version = d->fw_version;
	hdr.header_size = sizeof(hdr);
	hdr.image_size = (uint32_t)size;
	hdr.num_sections = nsec;
	memcpy(hdr.version_str, d->version_str, sizeof(hdr.version_str));
	memcpy(hdr.build, d->build, sizeof(hdr.build));

	img = calloc(1, size);
	if (!img) {
		fprintf(stderr, "taihu-fwpack: out of memory\n");
		free(kernels);
		return -1;
	}
	memcpy(img, &hdr, sizeof(hdr));
	memcpy(img + sizeof(hdr), sec, nsec * sizeof(sec[0]));
	for (i = 0; i < nsec; i++)
		memcpy(img + sec[i].offset, pl[i].data, pl[i].size);
	free(kernels);
	if (taihu_fw_digest(img, size, hdr.digest)) {
		fprintf(stderr, "taihu-fwpack: SHA-256 failed\n");
		free(img);
		return -1;
	}
	memcpy(img + offsetof(struct taihu_fw_header, digest), hdr.digest, sizeof(hdr.digest));
	*out = img;
	*out_size = size;
	return 0;
}

/* Write @size bytes to @f and close it; 0, or -1 with errno set. */
static int write_close(FILE *f, const uint8_t *buf, size_t size)
{
	int ok = fwrite(buf, 1, size, f) == size;
	int saved = errno;

	/* fclose() releases the stream even when it fails: once only. */
	if (fclose(f) && ok) {
		ok = 0;
		saved = errno;
	}
	errno = saved;
	return ok ? 0 : -1;
}

/*
 * A regular file is replaced atomically (a temporary beside it, then
 * rename), so that a failed write leaves the old image; anything else
 * (a pipe, /dev/stdout) is written through and never removed.
 */
static int write_file(const char *path, const uint8_t *buf, size_t size)
{
	struct stat st;
	char *tmp = NULL;
	FILE *f;
	int fd;

	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		f = fopen(path, "wb");
		if (!f || write_close(f, buf, size))
			goto fail;
		return 0;
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		goto fail;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		goto fail_unlink;
	}
	if (fchmod(fd, 0644) || write_close(f, buf, size) || rename(tmp, path))
		goto fail_unlink;
	free(tmp);
	return 0;

fail_unlink:
	fprintf(stderr, "taihu-fwpack: cannot write '%s': %s\n", path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return -1;
fail:
	fprintf(stderr, "taihu-fwpack: cannot write '%s': %s\n", path, strerror(errno));
	free(tmp);
	return -1;
}

static uint8_t *read_file(const char *path, size_t *size)
{
	size_t cap = 1 << 16, len = 0, n;
	uint8_t *buf = malloc(cap), *nbuf;
	FILE *f = fopen(path, "rb");

	if (!f || !buf) {
		fprintf(stderr, "taihu-fwpack: cannot read '%s': %s\n", path, strerror(errno));
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	/* Read a little past the format's limit so oversize images are seen. */
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			if (cap > 2 * (size_t)TAIHU_FW_MAX_IMAGE_SIZE)
				break;
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				fprintf(stderr, "taihu-fwpack: out of memory reading '%s'\n", path);
				goto fail;
			}
			buf = nbuf;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "taihu-fwpack: cannot read '%s': %s\n", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	*size = len;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

static const char *caps_string(uint64_t caps, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s%s%s%s",
		 caps & TAIHU_CARD_CAP_NOP ? " nop" : "",
		 caps & TAIHU_CARD_CAP_FILL ? " fill" : "",
		 caps & TAIHU_CARD_CAP_COPY ? " copy" : "",
		 caps & TAIHU_CARD_CAP_TIMESTAMP ? " timestamp" : "",
		 caps & TAIHU_CARD_CAP_MMU ? " mmu" : "",
		 caps & TAIHU_CARD_CAP_SEMAPHORE ? " semaphore" : "",
		 caps & TAIHU_CARD_CAP_BARRIER ? " barrier" : "",
		 caps & TAIHU_CARD_CAP_KERNEL ? " kernel" : "");
	return buf[0] ? buf + 1 : "none";
}

static const char *section_name(uint32_t type)
{
	switch (type) {
	case TAIHU_FW_SECTION_CONFIG: return "CONFIG";
	case TAIHU_FW_SECTION_CODE: return "CODE";
	case TAIHU_FW_SECTION_THERMAL: return "THERMAL";
	case TAIHU_FW_SECTION_KERNELS: return "KERNELS";
	default: return "unknown";
	}
}

static void print_thermal(const struct taihu_fw_thermal *t)
{
	uint32_t i;

	printf("  temperature:         ambient %d, max %d, crit %d, hysteresis %u (m°C)\n",
	       t->temp_ambient_mc, t->temp_max_mc, t->temp_crit_mc, t->temp_hyst_mc);
	printf("  thermal model:       %u m°C/W, tau %u ms, period %u ms\n",
	       t->thermal_resistance_mc_per_w, t->thermal_tau_ms, t->sample_period_ms);
	printf("  power:               idle %u, engine %u, cap %u in %u..%u (mW)\n",
	       t->power_idle_mw, t->power_engine_mw, t->power_cap_default_mw,
	       t->power_cap_min_mw, t->power_cap_max_mw);
	printf("  activity:            control %u, memory %u, compute %u (per mille)\n",
	       t->activity_control_permille, t->activity_memory_permille,
	       t->activity_compute_permille);
	printf("  clocks:              memory %u MHz, core", t->mem_clock_mhz);
	for (i = 0; i < t->num_levels; i++)
		printf(" %u:%u", t->levels[i].core_mhz, t->levels[i].voltage_mv);
	printf(" (MHz:mV)\n");
}

static int info(const char *path)
{
	struct taihu_fw_info fi;
	char why[200], caps[80];
	size_t size = 0;
	uint8_t *img = read_file(path, &size);
	uint32_t i;
	int code;

	if (!img)
		return 1;
	code = taihu_fw_verify(img, size, &fi, why, sizeof(why));
	free(img);
	if (code != TAIHU_BOOT_OK) {
		printf("%s: REFUSED %s: %s\n", path, taihu_boot_error_name(code), why);
		fprintf(stderr, "taihu-fwpack: %s: refused (%s): %s\n", path,
			taihu_boot_error_name(code), why);
		return 1;
	}
	printf("%s: OK\n", path);
	printf("  version:             %s (0x%06x)\n", fi.hdr.version_str, fi.hdr.fw_version);
	printf("  build:               %s\n", fi.hdr.build);
	printf("  abi:                 %u.%u\n", fi.hdr.abi_major, fi.hdr.abi_minor);
	printf("  image_size:          %u\n", fi.hdr.image_size);
	printf("  num_queues:          %u\n", fi.cfg.num_queues);
	printf("  heartbeat_period_ms: %u\n", fi.cfg.heartbeat_period_ms);
	printf("  capabilities:        %s (0x%llx)\n", caps_string(fi.cfg.capabilities, caps, sizeof(caps)),
	       (unsigned long long)fi.cfg.capabilities);
	printf("  max_cmd_len:         %u\n", fi.cfg.max_cmd_len);
	printf("  max_ring_entries:    %u\n", fi.cfg.max_ring_entries);
	printf("  sha256:              ");
	for (i = 0; i < 32; i++)
		printf("%02x", fi.hdr.digest[i]);
	printf("\n");
	if (fi.has_thermal)
		print_thermal(&fi.thermal);
	for (i = 0; i < fi.num_sections; i++)
		printf("  section %u:           %-7s offset %u size %u\n", i,
		       section_name(fi.sections[i].type), fi.sections[i].offset, fi.sections[i].size);
	for (i = 0; i < fi.num_kernels; i++) {
		const struct taihu_fw_kernel *k = &fi.kernels[i];
		char dts[64] = "";
		unsigned int dt;

		for (dt = 0; dt < TAIHU_DTYPE_COUNT; dt++)
			if (k->dtypes & (1u << dt))
				snprintf(dts + strlen(dts), sizeof(dts) - strlen(dts), "%s%s",
					 dts[0] ? "," : "", tk_dtype_name(dt));
		printf("  kernel:              %-11s %-24s max_rank %u max_dim %u max_elems %llu\n",
		       tk_kernel_name(k->kernel), dts, k->max_rank, k->max_dim,
		       (unsigned long long)k->max_elems);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "info", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *info_path = NULL;
	struct fw_desc desc;
	uint8_t *img;
	size_t size;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:i:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'i':
			info_path = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("taihu-fwpack %s (firmware image ABI %d.%d)\n",
			       TAIHU_TOOLS_VERSION, TAIHU_FW_ABI_MAJOR, TAIHU_FW_ABI_MINOR);
			return 0;
		case ':':
			fprintf(stderr, "taihu-fwpack: option '%s' needs an argument\n", argv[optind - 1]);
			goto usage;
		default:
			fprintf(stderr, "taihu-fwpack: unknown option '%s'\n", argv[optind - 1]);
			goto usage;
		}
	}
	if (info_path) {
		if (output || optind != argc) {
			fprintf(stderr, "taihu-fwpack: --info takes only an image\n");
			goto usage;
		}
		return info(info_path);
	}
	if (!output || optind != argc - 1) {
		fprintf(stderr, "taihu-fwpack: need -o IMAGE and exactly one description file\n");
		goto usage;
	}
	if (fw_desc_parse(argv[optind], &desc))
		return 1;
	ret = pack(&desc, &img, &size);
	fw_desc_free(&desc);
	if (ret)
		return 1;
	/* Never write an image the card would refuse (other than by ABI). */
	ret = taihu_fw_verify(img, size, NULL, NULL, 0);
	if (ret != TAIHU_BOOT_OK && ret != TAIHU_BOOT_ERR_ABI) {
		fprintf(stderr, "taihu-fwpack: internal error: packed image fails %s\n",
			taihu_boot_error_name(ret));
		free(img);
		return 1;
	}
	ret = write_file(output, img, size) ? 1 : 0;
	free(img);
	return ret;
usage:
	fprintf(stderr, "Try 'taihu-fwpack --help' for more information.\n");
	return 2;
}
