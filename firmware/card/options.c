// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Command line parsing for taihu-card.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "taihu_card_api.h"
#include "taihu_fw_image.h"
#include "version.h"

static const char usage_text[] =
"Usage: taihu-card --socket PATH --guest-ram FILE --ram-size SIZE [options]\n"
"\n"
"The Taihu T1 reference card: an ivshmem-doorbell server for one QEMU client.\n"
"\n"
"  --socket PATH     unix socket to listen on (removed first if it exists)\n"
"  --guest-ram FILE  the guest RAM backing file shared with QEMU (for DMA)\n"
"  --ram-size SIZE   guest RAM size; the file must be at least this large\n"
"  --vram SIZE       on-card memory (default 256M, multiple of 4K, 1M..64G)\n"
"  --serial STR      board serial number (default derived from the socket path)\n"
"  --mute            initialise BAR2 but never answer the mailbox\n"
"  --log FILE        write the card log to FILE instead of stderr\n"
"  --kernels MODE    fast (default: oneDNN and vectorised code where they\n"
"                    exist) or reference (the reference implementation only)\n"
"  --help            show this text\n"
"  --version         show the version and the interfaces it implements\n"
"\n"
"SIZE accepts a K, M or G suffix (powers of 1024).\n";

int card_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	default:
		return -1;
	}
	if (*end)
		return -1;
	if (shift && v > (~0ULL >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A stable per-card default: the same socket path gives the same serial. */
static void derive_serial(struct card_options *opt)
{
	uint32_t h = 2166136261u;
	const char *p;

	for (p = opt->socket_path; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(opt->serial, sizeof(opt->serial), "T1-%04X", (h ^ (h >> 16)) & 0xffff);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "taihu-card: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'taihu-card --help' for more information.\n");
	return -1;
}

int card_parse_options(int argc, char **argv, struct card_options *opt)
{
	enum { OPT_SOCKET = 256, OPT_GUEST_RAM, OPT_RAM_SIZE, OPT_VRAM, OPT_SERIAL,
	       OPT_MUTE, OPT_LOG, OPT_KERNELS, OPT_HELP, OPT_VERSION };
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "guest-ram", required_argument, NULL, OPT_GUEST_RAM },
		{ "ram-size", required_argument, NULL, OPT_RAM_SIZE },
		{ "vram", required_argument, NULL, OPT_VRAM },
		{ "serial", required_argument, NULL, OPT_SERIAL },
		{ "mute", no_argument, NULL, OPT_MUTE },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "kernels", required_argument, NULL, OPT_KERNELS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *serial = NULL;
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->vram_size = CARD_DEFAULT_VRAM;
	opterr = 0;
	optind = 1;

	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SOCKET:
			opt->socket_path = optarg;
			break;
		case OPT_GUEST_RAM:
			opt->guest_ram_path = optarg;
			break;
		case OPT_RAM_SIZE:
			if (card_parse_size(optarg, &opt->ram_size) || !opt->ram_size)
				return usage_error("invalid --ram-size '%s'", optarg);
			break;
		case OPT_VRAM:
			if (card_parse_size(optarg, &opt->vram_size) ||
			    opt->vram_size < CARD_MIN_VRAM || opt->vram_size > CARD_MAX_VRAM ||
			    opt->vram_size % 4096)
				return usage_error("invalid --vram '%s' (multiple of 4K in 1M..64G)",
						   optarg);
			break;
		case OPT_SERIAL:
			if (!*optarg || strlen(optarg) >= sizeof(opt->serial))
				return usage_error("--serial '%s' must be 1..31 characters", optarg);
			serial = optarg;
			break;
		case OPT_MUTE:
			opt->mute = true;
			break;
		case OPT_LOG:
			opt->log_path = optarg;
			break;
		case OPT_KERNELS:
			if (strcmp(optarg, "fast") && strcmp(optarg, "reference"))
				return usage_error("--kernels '%s' is neither fast nor reference", optarg);
			opt->kernels_reference = !strcmp(optarg, "reference");
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 1;
		case OPT_VERSION:
			printf("taihu-card %s (card interface %d.%d, firmware ABI %d)\n",
			       TAIHU_TOOLS_VERSION, TAIHU_CARD_IF_MAJOR,
			       TAIHU_CARD_IF_MINOR, TAIHU_FW_ABI_MAJOR);
			return 1;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!opt->socket_path)
		return usage_error("%s", "--socket is required");
	if (!opt->guest_ram_path)
		return usage_error("%s", "--guest-ram is required");
	if (!opt->ram_size)
		return usage_error("%s", "--ram-size is required");
	if (serial)
		snprintf(opt->serial, sizeof(opt->serial), "%s", serial);
	else
		derive_serial(opt);
	return 0;
}
