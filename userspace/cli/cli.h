/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The taihu CLI: subcommand table and helpers shared by the subcommands.
 */
#ifndef TAIHU_CLI_H
#define TAIHU_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "taihu/taihu.h"

/* Exit codes: 0 success, 1 failure at run time, 2 bad command line. */
#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1
#define CLI_EXIT_USAGE	2

/**
 * struct cli_cmd - one subcommand
 * @name: what the user types
 * @summary: one line for `taihu --help`
 * @usage: full help text for `taihu help NAME` and `taihu NAME --help`
 * @run: entry point; argv[0] is the subcommand name
 */
struct cli_cmd {
	const char *name;
	const char *summary;
	const char *usage;
	int (*run)(int argc, char **argv);
};

extern const struct cli_cmd cli_cmd_list;
extern const struct cli_cmd cli_cmd_info;
extern const struct cli_cmd cli_cmd_diag;
extern const struct cli_cmd cli_cmd_run;
extern const struct cli_cmd cli_cmd_infer;
extern const struct cli_cmd cli_cmd_query;
extern const struct cli_cmd cli_cmd_top;
extern const struct cli_cmd cli_cmd_events;
extern const struct cli_cmd cli_cmd_cdi;
extern const struct cli_cmd cli_cmd_dump;
extern const struct cli_cmd cli_cmd_reset;

const struct cli_cmd *cli_find_cmd(const char *name);

/*
 * Under --json (cli_json_errors set), errors are also printed on stdout as
 * {"error": "...", "hint": "..."}, so that a script never reads nothing.
 */
extern int cli_json_errors;
/* Set cli_json_errors if the subcommand arguments @argv ask for JSON. */
void cli_scan_json(int argc, char **argv);

/* Print "taihu: CMD: message" and a hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "taihu: message" to stderr; returns CLI_EXIT_FAIL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_error() followed by "hint: @hint" (NULL for none). */
int cli_error_hint(const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse the getopt failure at argv[optind - 1] into a usage error. */
int cli_bad_option(const char *cmd, int opt, char **argv);

/* Parse decimal digits up to @max; returns 0 or -1 (no message). */
int cli_parse_uint(const char *arg, unsigned int max, unsigned int *out);
/* What -d/--device accepts, for the usage texts. */
#define CLI_DEVICE_HELP \
	"  -d, --device DEV     index, PCI address, serial or /dev/accel node\n" \
	"                       of the device (default 0; see 'taihu list')\n"

/*
 * Open the device @name designates (index, PCI address, serial or node
 * path; NULL means "0"). On failure prints the reason with a hint at what
 * to check and returns CLI_EXIT_FAIL.
 */
int cli_open_device(const char *name, struct taihu_device **dev);
/* Why no device may be visible: module, binding, nodes, permissions. */
const char *cli_no_device_hint(int err);

/* "1.2.3" from the packed (major << 16 | minor << 8 | patch) version. */
void cli_fw_version(const struct taihu_device_info *info, char *buf,
		    size_t len);
/* "256.0 MiB" */
void cli_bytes(uint64_t bytes, char *buf, size_t len);
/* Name of capability @bit, or "bitN" written into @tmp for unknown bits. */
const char *cli_cap_name(unsigned int bit, char *tmp, size_t len);
/* "NOP FILL COPY" plus "bitN" for unknown bits; "-" when none. */
void cli_caps(uint64_t caps, char *buf, size_t len);

/* "0: /dev/accel/accel0 (0000:00:03.0)"; "?" for an index not known. */
void cli_device_label(const struct taihu_device_desc *desc, char *buf,
		      size_t len);
/* Add the "index", "node", "pci" and "serial" members naming @desc to @o. */
void cli_json_device(json_object *o, const struct taihu_device_desc *desc);
/* Print @o pretty on stdout and drop the reference. */
void cli_json_print(json_object *o);

/* The little-endian 32-bit @pattern's byte at offset @i. */
uint8_t cli_pattern_byte(uint32_t pattern, uint64_t i);
/* Fill @p with xorshift32 bytes from @state, so a misplaced byte shows. */
void cli_random_bytes(uint8_t *p, uint64_t len, uint32_t *state);

/* ---- telemetry (cli_telemetry.c) ---- */

/* Open a telemetry session; prints why on failure and returns CLI_EXIT_FAIL. */
int cli_telemetry_open(const char *cmd, struct taihu_telemetry_session **s);
/*
 * Every card's telemetry, sorted like `taihu list` (by PCI address), so
 * that position i is device index i. Free *cards with taihu_free().
 */
int cli_telemetry_load(const char *cmd, struct taihu_telemetry_session *s,
		       struct taihu_telemetry **cards, size_t *n);
/*
 * The accel minor of the device @name designates (as -d takes it), which
 * is how netlink names a card; prints why and returns CLI_EXIT_FAIL.
 */
int cli_device_minor(const char *name, uint32_t *minor);
/* "power-cap,thermal", or "none". */
void cli_throttle_names(uint32_t reasons, char *buf, size_t len);
/* The driver reported field @f of @t. */
bool cli_tm_has(const struct taihu_telemetry *t, enum taihu_tm_field f);
/* SIGINT/SIGTERM end loops (-l, top, events) cleanly. */
void cli_catch_stop(void);
bool cli_stopped(void);
void cli_sleep_ms(unsigned int ms);

#endif /* TAIHU_CLI_H */
