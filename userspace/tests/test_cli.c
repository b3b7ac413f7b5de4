// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The taihu CLI's command-line handling: help, unknown commands and
 * options, bad values (exit 2 with a message on stderr), and the commands
 * on a host without Taihu devices.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

struct run {
	int status;		/* exit code, or -1 if it did not exit */
	char out[8192];
	char err[8192];
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run @cli with the NULL-terminated @args; never fails the test harness. */
static void run_cli(const char *cli, const char *const *args, struct run *r)
{
	FILE *out = tmpfile(), *err = tmpfile();
	char *argv[16];
	int i, st;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return;
	}
	argv[0] = (char *)cli;
	for (i = 0; i < 14 && args[i]; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execv(cli, argv);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Exit 2, nothing on stdout, and stderr mentions @needle. */
static void expect_usage_error(const char *cli, const char *const *args,
			       const char *needle, const char *what)
{
	struct run r;

	run_cli(cli, args, &r);
	if (!tap_ok(r.status == 2 && r.out[0] == '\0' && strstr(r.err, needle),
		    "cli: %s -> exit 2 with '%s' on stderr", what, needle))
		tap_diag("status %d, stdout '%s', stderr '%s'", r.status, r.out,
			 r.err);
}

void test_cli(const char *cli)
{
	static const char *const cmds[] = { "list", "info", "diag", "run", "infer", "query",
					    "top", "events" };
	struct run r;
	size_t i;

	run_cli(cli, ARGS("--help"), &r);
	tap_ok(r.status == 0 && strstr(r.out, "Usage: taihu") &&
	       strstr(r.out, "list") && strstr(r.out, "info") &&
	       strstr(r.out, "diag") && !r.err[0],
	       "cli: --help lists the commands on stdout, exit 0");
	run_cli(cli, ARGS("help", "diag"), &r);
	tap_ok(r.status == 0 && strstr(r.out, "h2v") && strstr(r.out, "v2h"),
	       "cli: diag's help names the host<->VRAM copy checks");
	run_cli(cli, ARGS("help", "run"), &r);
	tap_ok(r.status == 0 && strstr(r.out, "fill=SIZE[:PATTERN]") &&
	       strstr(r.out, "copy=SIZE") && strstr(r.out, "timestamp") &&
	       strstr(r.out, "barrier") && strstr(r.out, "--priority") &&
	       strstr(r.out, "--repeat"),
	       "cli: run's help names its steps and options");
	run_cli(cli, ARGS("--help"), &r);
	tap_ok(strstr(r.out, "\n  run ") != NULL, "cli: --help lists run");
	run_cli(cli, ARGS("help", "info"), &r);
	tap_ok(r.status == 0 && strstr(r.out, "system memory"),
	       "cli: info's help mentions system memory");
	run_cli(cli, ARGS("--version"), &r);
	tap_ok(r.status == 0 && !strncmp(r.out, "taihu ", 6),
	       "cli: --version");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char needle[32];

		snprintf(needle, sizeof(needle), "Usage: taihu %s", cmds[i]);
		run_cli(cli, ARGS("help", cmds[i]), &r);
		tap_ok(r.status == 0 && strstr(r.out, needle),
		       "cli: help %s prints its usage", cmds[i]);
		run_cli(cli, ARGS(cmds[i], "--help"), &r);
		tap_ok(r.status == 0 && strstr(r.out, needle),
		       "cli: %s --help prints its usage", cmds[i]);
		/* Scripts read stdout: under --json an error is JSON there too. */
		run_cli(cli, ARGS(cmds[i], "--json", "--no-such-option"), &r);
		if (!tap_ok(r.status == 2 && r.out[0] == '{' && strstr(r.out, "\"error\":") &&
			    strstr(r.err, "option"),
			    "cli: %s --json with a bad option: exit 2, the error as JSON on stdout",
			    cmds[i]))
			tap_diag("status %d, stdout '%s'", r.status, r.out);
	}

	run_cli(cli, (const char *const[]){ NULL }, &r);
	tap_ok(r.status == 2 && strstr(r.err, "missing command"),
	       "cli: no command -> exit 2");
	expect_usage_error(cli, ARGS("frobnicate"), "unknown command 'frobnicate'",
			   "unknown command");
	expect_usage_error(cli, ARGS("help", "frobnicate"),
			   "unknown command 'frobnicate'", "help of an unknown command");
	expect_usage_error(cli, ARGS("help", "list", "info"), "too many arguments",
			   "help with two commands");
	expect_usage_error(cli, ARGS("-x"), "unknown option '-x'",
			   "unknown global short option");
	expect_usage_error(cli, ARGS("--frob"), "unrecognized option '--frob'",
			   "unknown global long option");
	expect_usage_error(cli, ARGS("list", "--frob"),
			   "unrecognized option '--frob'", "list --frob");
	expect_usage_error(cli, ARGS("list", "-q"), "unknown option '-q'",
			   "list -q");
	expect_usage_error(cli, ARGS("list", "extra"), "unexpected argument 'extra'",
			   "list with an extra argument");
	expect_usage_error(cli, ARGS("list", "--json=yes"), "'--json=yes'",
			   "list --json=yes");
	expect_usage_error(cli, ARGS("info", "-d"), "needs an argument",
			   "info -d without a value");
	expect_usage_error(cli, ARGS("info", "--device"), "needs an argument",
			   "info --device without a value");
	expect_usage_error(cli, ARGS("diag", "-t", "0"), "invalid timeout '0'",
			   "diag -t 0");
	expect_usage_error(cli, ARGS("diag", "--timeout", "soon"),
			   "invalid timeout 'soon'", "diag --timeout soon");
	expect_usage_error(cli, ARGS("diag", "x"), "unexpected argument 'x'",
			   "diag with an extra argument");
	expect_usage_error(cli, ARGS("run"), "no step given", "run without steps");
	expect_usage_error(cli, ARGS("run", "frob"), "unknown step 'frob'",
			   "run with an unknown step");
	expect_usage_error(cli, ARGS("run", "nop", "fill"), "unknown step 'fill'",
			   "run fill without a size");
	expect_usage_error(cli, ARGS("run", "fill=0"), "invalid size in 'fill=0'",
			   "run fill=0");
	expect_usage_error(cli, ARGS("run", "conv=1x8x16"), "bad kernel step 'conv=1x8x16'",
			   "run conv with three dimensions");
	expect_usage_error(cli, ARGS("run", "gemm=8x8x0"), "dimensions are",
			   "run gemm with a zero dimension");
	expect_usage_error(cli, ARGS("run", "relu=4x4:fp64"), "unknown option",
			   "run relu with an unknown dtype");
	expect_usage_error(cli, ARGS("run", "cast=4x4:fp32"), "cast takes two dtypes",
			   "run cast with one dtype");
	expect_usage_error(cli, ARGS("run", "fill=4Q"), "invalid size in 'fill=4Q'",
			   "run fill with a bad suffix");
	expect_usage_error(cli, ARGS("run", "fill=5G"), "invalid size",
			   "run fill larger than 4G");
	expect_usage_error(cli, ARGS("run", "fill=4K:zz"), "invalid pattern",
			   "run fill with a bad pattern");
	expect_usage_error(cli, ARGS("run", "fill=4K:0x100000000"), "invalid pattern",
			   "run fill with a 33-bit pattern");
	expect_usage_error(cli, ARGS("run", "fill=4K:-1"), "invalid pattern",
			   "run fill with a negative pattern");
	expect_usage_error(cli, ARGS("run", "copy=-4"), "invalid size",
			   "run copy with a negative size");
	expect_usage_error(cli, ARGS("run", "nop=12"), "invalid NOP size",
			   "run nop=12 (not a multiple of 8)");
	expect_usage_error(cli, ARGS("run", "nop=64K"), "invalid NOP size",
			   "run nop larger than a packet");
	expect_usage_error(cli, ARGS("run", "-p", "urgent", "nop"),
			   "invalid priority 'urgent'", "run -p urgent");
	expect_usage_error(cli, ARGS("run", "-q", "x", "nop"), "invalid queue 'x'",
			   "run -q x");
	expect_usage_error(cli, ARGS("run", "-r", "0", "nop"), "invalid repeat count '0'",
			   "run -r 0");
	expect_usage_error(cli, ARGS("run", "--repeat", "1000001", "nop"),
			   "invalid repeat count", "run --repeat too large");
	expect_usage_error(cli, ARGS("run", "-b", "0", "nop"), "invalid batch size '0'",
			   "run -b 0");
	expect_usage_error(cli, ARGS("run", "--batch", "1025", "nop"),
			   "invalid batch size", "run --batch too large");
	expect_usage_error(cli, ARGS("run", "--src", "disk", "copy=4"),
			   "invalid placement 'disk'", "run --src disk");
	expect_usage_error(cli, ARGS("run", "-t", "0", "nop"), "invalid timeout '0'",
			   "run -t 0");
	expect_usage_error(cli, ARGS("run", "--frob", "nop"),
			   "unrecognized option '--frob'", "run --frob");
	expect_usage_error(cli, ARGS("run", "nop", "--queue"), "needs an argument",
			   "run --queue without a value");
	expect_usage_error(cli, ARGS("infer"), "missing model", "infer without a model");
	expect_usage_error(cli, ARGS("infer", "--test"), "missing test directory",
			   "infer --test without directories");
	expect_usage_error(cli, ARGS("infer", "a.onnx", "b.onnx"), "one model at a time",
			   "infer with two models");
	expect_usage_error(cli, ARGS("infer", "-p", "fp8", "m.onnx"), "unknown precision 'fp8'",
			   "infer --precision fp8");
	expect_usage_error(cli, ARGS("infer", "--agree", "m.onnx"), "--agree needs --expect",
			   "infer --agree without --expect");
	expect_usage_error(cli, ARGS("infer", "--rtol", "-1", "m.onnx"), "bad --rtol",
			   "infer --rtol -1");
	expect_usage_error(cli, ARGS("infer", "-n", "0", "m.onnx"), "bad --repeat",
			   "infer --repeat 0");
	expect_usage_error(cli, ARGS("infer", "--test", "--random", "dir"),
			   "--test takes directories only", "infer --test --random");
	/* a model that cannot be read fails before any device is needed */
	run_cli(cli, ARGS("infer", "/nonexistent/model.onnx", "--random"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "/nonexistent/model.onnx") &&
	       strstr(r.err, "No such file"), "cli: infer of a missing model file names it");
	run_cli(cli, ARGS("infer", "/dev/null", "--random"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "/dev/null") && strstr(r.err, "empty file"),
	       "cli: infer of an empty model file says so");
	expect_usage_error(cli, ARGS("query"), "--query=FIELD", "query without --query");
	expect_usage_error(cli, ARGS("query", "--query=name,frob.nicate"),
			   "field \"frob.nicate\" is not a valid field", "query of an unknown field");
	expect_usage_error(cli, ARGS("query", "--query=name", "--format=xml"),
			   "unknown format option \"xml\"", "query --format=xml");
	expect_usage_error(cli, ARGS("query", "--query=name", "--format=noheader"),
			   "must include csv", "query --format without csv");
	run_cli(cli, ARGS("query", "--query=name", "--json", "--format=csv"), &r);
	tap_ok(r.status == 2 && strstr(r.err, "exclude each other") && strstr(r.out, "\"error\""),
	       "cli: query --json with --format -> exit 2, the error as JSON too");
	expect_usage_error(cli, ARGS("query", "--query=name", "--count", "2"), "--count needs -l",
			   "query --count without -l");
	expect_usage_error(cli, ARGS("query", "--query=name", "-l", "0"), "-l takes seconds",
			   "query -l 0");
	expect_usage_error(cli, ARGS("top", "-n", "0"), "-n takes a positive number", "top -n 0");
	expect_usage_error(cli, ARGS("top", "-d", "x"), "-d takes seconds", "top -d x");
	expect_usage_error(cli, ARGS("top", "-n", "1"), "needs a terminal; use -b",
			   "top without a terminal or -b");
	expect_usage_error(cli, ARGS("events", "--count", "0"), "--count takes", "events --count 0");
	expect_usage_error(cli, ARGS("events", "extra"), "unexpected argument 'extra'",
			   "events with an argument");
	run_cli(cli, ARGS("query", "--help-query"), &r);
	tap_ok(r.status == 0 && strstr(r.out, "  temperature.gpu\n") &&
	       strstr(r.out, "  power.draw [W]\n") && strstr(r.out, "  memory.used [MiB]\n") &&
	       strstr(r.out, "  utilization.gpu [%]\n") && strstr(r.out, "  clocks.gr [MHz]\n") &&
	       strstr(r.out, "  throttle_reasons\n"),
	       "cli: query --help-query lists nvidia-smi's and Taihu's fields with units");
	run_cli(cli, ARGS("--help"), &r);
	tap_ok(strstr(r.out, "\n  query ") && strstr(r.out, "\n  top ") &&
	       strstr(r.out, "\n  events "), "cli: --help lists query, top and events");

	/* Usage errors win over device problems: nothing is opened. */
	expect_usage_error(cli, ARGS("diag", "-d", "7", "--bogus"),
			   "unrecognized option '--bogus'",
			   "diag with a bad option after a device");

	/* Without devices the commands fail cleanly (or list nothing). */
	run_cli(cli, ARGS("list"), &r);
	if (strstr(r.out, "INDEX")) {
		tap_skip("cli: list without devices", "Taihu devices present");
		return;
	}
	tap_ok(r.status == 0 && strstr(r.err, "No Taihu devices found"),
	       "cli: list without devices says so, exit 0");
	run_cli(cli, ARGS("list", "--json"), &r);
	tap_ok(r.status == 0 && r.out[0] == '[' && strchr(r.out, ']'),
	       "cli: list --json without devices prints an empty array");
	run_cli(cli, ARGS("info"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "no Taihu device found"),
	       "cli: info without devices -> exit 1 with a message");
	run_cli(cli, ARGS("diag", "-d", "3"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "no Taihu device found"),
	       "cli: diag without devices -> exit 1 with a message");
	tap_ok(strstr(r.err, "hint: ") && strstr(r.err, "taihu"),
	       "cli: no device -> a hint at what to check");
	run_cli(cli, ARGS("run", "--json", "nop", "fill=4K:0xdeadbeef", "barrier"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "no Taihu device found") &&
	       strstr(r.out, "\"error\"") && strstr(r.out, "no Taihu device found") &&
	       strstr(r.out, "\"hint\""),
	       "cli: run --json without devices -> exit 1, the error as JSON on stdout");
	run_cli(cli, ARGS("info", "--json", "--bogus"), &r);
	tap_ok(r.status == 2 && strstr(r.out, "\"error\"") &&
	       strstr(r.out, "--bogus"),
	       "cli: a usage error under --json is JSON on stdout too");
	run_cli(cli, ARGS("info", "-d", "0000:00:03.0"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "no Taihu device found"),
	       "cli: info -d PCI-ADDRESS without devices -> exit 1");
	run_cli(cli, ARGS("info", "-d", "T1-0000"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "no Taihu device found"),
	       "cli: info -d SERIAL without devices -> exit 1");
	run_cli(cli, ARGS("info", "-d", "/nonexistent/accel0"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "/nonexistent/accel0") &&
	       strstr(r.err, "No such file"),
	       "cli: info -d PATH of a missing node -> exit 1 naming it");
	run_cli(cli, ARGS("info", "-d", "/dev/null"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "not a Taihu device"),
	       "cli: info -d PATH of another device -> not a Taihu device");
	/* Without the driver there is no netlink family to ask. */
	run_cli(cli, ARGS("query", "--query=name"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "not loaded") && !r.out[0],
	       "cli: query without the driver -> exit 1, says it is not loaded");
	run_cli(cli, ARGS("events", "--timeout", "1"), &r);
	tap_ok(r.status == 1 && strstr(r.err, "not loaded"),
	       "cli: events without the driver -> exit 1, says it is not loaded");
}
