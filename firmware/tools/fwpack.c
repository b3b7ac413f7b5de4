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

static int pack(const struct fw_desc *d, uint8_t **out, size_t *out_size)
{
	struct taihu_fw_section sec[3];
	struct taihu_fw_header hdr;
	struct taihu_fw_kernels kh = { .count = d->num_kernels };
	size_t kernels_size = sizeof(kh) + d->num_kernels * sizeof(d->kernels[0]);
	uint32_t nsec = 1, code_sec = 0, kern_sec = 0, i;
	size_t off, size;
	uint8_t *img;

	if (d->code)
		code_sec = nsec++;
	if (d->num_kernels)
		kern_sec = nsec++;
	off = align8(sizeof(hdr) + nsec * sizeof(sec[0]));
	memset(&hdr, 0, sizeof(hdr));
	memset(sec, 0, sizeof(sec));
	sec[0].type = TAIHU_FW_SECTION_CONFIG;
	sec[0].offset = (uint32_t)off;
	sec[0].size = sizeof(d->cfg);
	off = align8(off + sizeof(d->cfg));
	if (code_sec) {
		sec[code_sec].type = TAIHU_FW_SECTION_CODE;
		sec[code_sec].offset = (uint32_t)off;
		sec[code_sec].size = (uint32_t)d->code_size;
		off = align8(off + d->code_size);
	}
	if (kern_sec) {
		sec[kern_sec].type = TAIHU_FW_SECTION_KERNELS;
		sec[kern_sec].offset = (uint32_t)off;
		sec[kern_sec].size = (uint32_t)kernels_size;
		off = align8(off + kernels_size);
	}
	size = off;
	if (size > TAIHU_FW_MAX_IMAGE_SIZE) {
		fprintf(stderr, "taihu-fwpack: image would be %zu bytes, limit %u\n",
			size, TAIHU_FW_MAX_IMAGE_SIZE);
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
		return -1;
	}
	memcpy(img, &hdr, sizeof(hdr));
	memcpy(img + sizeof(hdr), sec, nsec * sizeof(sec[0]));
	memcpy(img + sec[0].offset, &d->cfg, sizeof(d->cfg));
	if (code_sec)
		memcpy(img + sec[code_sec].offset, d->code, d->code_size);
	if (kern_sec) {
		memcpy(img + sec[kern_sec].offset, &kh, sizeof(kh));
		for (i = 0; i < d->num_kernels; i++)
			memcpy(img + sec[kern_sec].offset + sizeof(kh) + i * sizeof(d->kernels[0]),
			       &d->kernels[i], sizeof(d->kernels[0]));
	}
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
			printf("taihu-fwpack %s (firmware image ABI %u.%u)\n",
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
