// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu top`: a live view of every card (netlink telemetry) and of the
 * processes using them (their DRM fdinfo), full screen with ncurses, or as
 * text snapshots with -b. The same lines are drawn either way.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "cli.h"

static const char top_usage[] =
	"Usage: taihu top [-b] [-n N] [-d SECS]\n"
	"\n"
	"Show every card (temperature, power, clocks, utilisation per queue,\n"
	"memory, ECC, throttling) and the processes using them (from their DRM\n"
	"fdinfo: busy share per queue, memory), refreshed every second.\n"
	"Full screen ('q' quits) unless -b.\n"
	"\n"
	"Options:\n"
	"  -b, --batch        print text snapshots instead of a full-screen view\n"
	"  -n, --iterations N stop after N snapshots\n"
	"  -d, --delay SECS   refresh period (default 1)\n"
	"  -h, --help         show this help\n";

/* One DRM client of a Taihu card, from /proc/PID/fdinfo. */
struct client {
	pid_t pid;
	char comm[32];
	char pdev[32];
	uint64_t client_id;
	uint64_t busy_ns[TAIHU_TM_MAX_ENGINES];
	uint64_t vram, system;
	double util[TAIHU_TM_MAX_ENGINES];	/* percent since the last snapshot */
	bool has_util;
};

struct clients {
	struct client *c;
	size_t n, cap;
};

/* "123 ns", "4 KiB", "5" -> value in ns / bytes. */
static uint64_t parse_quantity(const char *v)
{
	char *end;
	uint64_t n = strtoull(v, &end, 10);

	while (*end == ' ')
		end++;
	if (!strncmp(end, "KiB", 3))
		n <<= 10;
	else if (!strncmp(end, "MiB", 3))
		n <<= 20;
	else if (!strncmp(end, "GiB", 3))
		n <<= 30;
	return n;
}

/* Parse one fdinfo file; returns 1 if it is a Taihu DRM client. */
static int parse_fdinfo(FILE *f, struct client *c)
{
	char line[256];
	int taihu = 0;
	unsigned int q;

	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		*v++ = '\0';
		while (*v == '\t' || *v == ' ')
			v++;
		v[strcspn(v, "\n")] = '\0';
		if (!strcmp(line, "drm-driver"))
			taihu = !strcmp(v, "taihu");
		else if (!strcmp(line, "drm-pdev"))
			snprintf(c->pdev, sizeof(c->pdev), "%s", v);
		else if (!strcmp(line, "drm-client-id"))
			c->client_id = strtoull(v, NULL, 10);
		else if (sscanf(line, "drm-engine-q%u", &q) == 1 && q < TAIHU_TM_MAX_ENGINES)
			c->busy_ns[q] = parse_quantity(v);
		else if (!strcmp(line, "drm-total-vram"))
			c->vram = parse_quantity(v);
		else if (!strcmp(line, "drm-total-system"))
			c->system = parse_quantity(v);
	}
	return taihu;
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool seen_client(const struct clients *cl, const struct client *c)
{
	size_t i;

	for (i = 0; i < cl->n; i++)
		if (cl->c[i].client_id == c->client_id && !strcmp(cl->c[i].pdev, c->pdev))
			return true;
	return false;
}

/* Every Taihu DRM client of every process we may look at. */
static void scan_clients(struct clients *cl)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *p, *fd;

	cl->n = 0;
	if (!proc)
		return;
	while ((p = readdir(proc))) {
		char path[300];
		pid_t pid;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		pid = (pid_t)atoi(p->d_name);
		snprintf(path, sizeof(path), "/proc/%.32s/fdinfo", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fd = readdir(fds))) {
			struct client c;
			FILE *f;

			if (fd->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(path, sizeof(path), "/proc/%.32s/fdinfo/%.64s",
					     p->d_name, fd->d_name) >= sizeof(path))
				continue;
			f = fopen(path, "r");
			if (!f)
				continue;
			memset(&c, 0, sizeof(c));
			c.pid = pid;
			if (parse_fdinfo(f, &c) && !seen_client(cl, &c)) {
				if (cl->n == cl->cap) {
					size_t cap = cl->cap ? cl->cap * 2 : 16;
					struct client *nc = realloc(cl->c, cap * sizeof(*nc));

					if (!nc) {
						fclose(f);
						break;
					}
					cl->c = nc;
					cl->cap = cap;
				}
				read_comm(pid, c.comm, sizeof(c.comm));
				cl->c[cl->n++] = c;
			}
			fclose(f);
		}
		closedir(fds);
	}
	closedir(proc);
}

/* Busy share of each client since @prev (same client id and card). */
static void client_rates(struct clients *now, const struct clients *prev, double dt_ns)
{
	size_t i, j;
	unsigned int q;

	for (i = 0; i < now->n; i++) {
		struct client *c = &now->c[i];

		for (j = 0; j < prev->n; j++) {
			const struct client *o = &prev->c[j];

			if (o->client_id != c->client_id || strcmp(o->pdev, c->pdev) != 0)
				continue;
			for (q = 0; q < TAIHU_TM_MAX_ENGINES; q++) {
				double d = c->busy_ns[q] >= o->busy_ns[q] ?
					   (double)(c->busy_ns[q] - o->busy_ns[q]) : 0;

				c->util[q] = dt_ns > 0 ? 100.0 * d / dt_ns : 0;
				if (c->util[q] > 100.0)
					c->util[q] = 100.0;
			}
			c->has_util = true;
			break;
		}
	}
}

/* Where the lines go: stdout, or the curses screen. */
struct screen {
	bool curses;
	int row;
};

__attribute__((format(printf, 3, 4)))
static void line(struct screen *s, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!s->curses) {
		puts(buf);
		return;
	}
	if (s->row >= LINES)
		return;
	attron(attr);
	mvaddnstr(s->row, 0, buf, COLS);
	attroff(attr);
	clrtoeol();
	s->row++;
}

static void fmt_temp(const struct taihu_telemetry *t, char *buf, size_t len)
{
	if (cli_tm_has(t, TAIHU_TM_TEMP))
		snprintf(buf, len, "%.1f C (max %.0f, crit %.0f)", (double)t->temp_mc / 1000.0,
			 (double)t->temp_max_mc / 1000.0, (double)t->temp_crit_mc / 1000.0);
	else
		snprintf(buf, len, "N/A");
}

static void bar(double pct, char *buf, size_t width)
{
	size_t i, fill = (size_t)(pct / 100.0 * (double)width + 0.5);

	for (i = 0; i < width; i++)
		buf[i] = i < fill ? '#' : '.';
	buf[width] = '\0';
}

static void draw_card(struct screen *s, const struct taihu_telemetry *t, size_t index)
{
	char temp[64], reasons[64], vram[32], vtot[32], host[32], b[16];
	unsigned int q;
	bool sensors = cli_tm_has(t, TAIHU_TM_POWER);

	fmt_temp(t, temp, sizeof(temp));
	cli_bytes(t->vram_used, vram, sizeof(vram));
	cli_bytes(t->vram_total, vtot, sizeof(vtot));
	cli_bytes(t->host_used, host, sizeof(host));
	line(s, A_BOLD, "%zu accel%u %s %s  Taihu %s  firmware %s", index, t->minor, t->pci_slot,
	     t->serial, t->model, t->fw_version);
	if (!sensors) {
		line(s, 0, "  sensors: N/A (the card does not update them)");
	} else {
		cli_throttle_names(t->throttle_reasons, reasons, sizeof(reasons));
		line(s, 0, "  temp %s  power %.1f / %.1f W  energy %.1f J  core %u mV", temp,
		     (double)t->power_uw / 1e6, (double)t->power_cap_uw / 1e6, (double)t->energy_uj / 1e6, t->voltage_mv);
		line(s, t->throttle_reasons ? A_BOLD : 0,
		     "  clocks core %u / %u MHz  memory %u MHz  throttle %s", t->core_clock_mhz,
		     t->core_clock_max_mhz, t->mem_clock_mhz, reasons);
		line(s, 0, "  utilization %u%%", (t->utilization_permille + 5) / 10);
		for (q = 0; q < t->num_engines && q < TAIHU_TM_MAX_ENGINES; q++) {
			double pct = t->engine_util_permille[q] / 10.0;

			bar(pct, b, 10);
			line(s, 0, "    q%u [%s] %3.0f%%  busy %.3f s", q, b, pct,
			     (double)t->engine_busy_ns[q] / 1e9);
		}
	}
	line(s, 0, "  memory VRAM %s / %s  host %s  resets %" PRIu64, vram, vtot, host,
	     t->reset_count);
	if (sensors)
		line(s, 0, "  ECC errors %" PRIu64 " corrected, %" PRIu64 " uncorrected",
		     t->ecc_corrected, t->ecc_uncorrected);
}

static void draw(struct screen *s, const struct taihu_telemetry *cards, size_t n,
		 const struct clients *cl)
{
	char stamp[32], vram[32], sys[32];
	time_t now = time(NULL);
	struct tm tmv;
	size_t i, k;

	localtime_r(&now, &tmv);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tmv);
	line(s, A_REVERSE, "taihu top - %s  %zu card%s, %zu process%s", stamp, n,
	     n == 1 ? "" : "s", cl->n, cl->n == 1 ? "" : "es");
	for (i = 0; i < n; i++)
		draw_card(s, &cards[i], i);
	line(s, 0, " ");
	line(s, A_BOLD, "%7s %-16s %-6s %-22s %-10s %-10s", "PID", "COMMAND", "CARD",
	     "BUSY% q0 q1 q2 q3 ...", "VRAM", "HOST");
	for (k = 0; k < cl->n; k++) {
		const struct client *c = &cl->c[k];
		char busy[64] = "";
		size_t used = 0;
		unsigned int q, nq = TAIHU_TM_MAX_ENGINES;
		const char *card = "?";

		for (i = 0; i < n; i++)
			if (!strcmp(cards[i].pci_slot, c->pdev)) {
				nq = cards[i].num_engines ? cards[i].num_engines : nq;
				card = cards[i].serial;
			}
		for (q = 0; q < nq && used < sizeof(busy) - 6; q++)
			used += (size_t)snprintf(busy + used, sizeof(busy) - used, "%s%3.0f",
						 q ? " " : "", c->has_util ? c->util[q] : 0.0);
		cli_bytes(c->vram, vram, sizeof(vram));
		cli_bytes(c->system, sys, sizeof(sys));
		line(s, 0, "%7d %-16s %-6s %-22s %-10s %-10s", (int)c->pid, c->comm, card,
		     c->has_util ? busy : "-", vram, sys);
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int top_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct taihu_telemetry_session *ts;
	struct clients cur = { 0 }, prev = { 0 };
	unsigned int iterations = 0, delay = 1, done = 0;
	struct screen scr = { 0 };
	bool batch = false;
	int64_t t_prev;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":bn:d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			batch = true;
			break;
		case 'n':
			if (cli_parse_uint(optarg, 1000000, &iterations) || !iterations)
				return cli_usage_error("top", "-n takes a positive number");
			break;
		case 'd':
			if (cli_parse_uint(optarg, 3600, &delay) || !delay)
				return cli_usage_error("top", "-d takes seconds, 1..3600");
			break;
		case 'h':
			fputs(top_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("top", opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("top", "unexpected argument '%s'", argv[optind]);
	if (!batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		return cli_usage_error("top", "the full-screen view needs a terminal; use -b");

	ret = cli_telemetry_open("top", &ts);
	if (ret)
		return ret;
	cli_catch_stop();
	/* A first look at the processes, so the first snapshot has rates. */
	scan_clients(&prev);
	t_prev = now_ns();
	cli_sleep_ms(250);

	if (!batch) {
		initscr();
		cbreak();
		noecho();
		curs_set(0);
		timeout(0);
		scr.curses = true;
	}
	while (!cli_stopped()) {
		struct taihu_telemetry *cards = NULL;
		struct clients tmp;
		size_t n = 0;
		int64_t t_now;

		ret = cli_telemetry_load("top", ts, &cards, &n);
		if (ret)
			break;
		scan_clients(&cur);
		t_now = now_ns();
		client_rates(&cur, &prev, (double)(t_now - t_prev));
		tmp = prev;
		prev = cur;
		cur = tmp;
		t_prev = t_now;

		scr.row = 0;
		if (batch && done)
			putchar('\n');
		draw(&scr, cards, n, &prev);
		taihu_free(cards);
		if (batch) {
			fflush(stdout);
		} else {
			clrtobot();
			refresh();
		}
		if (iterations && ++done >= iterations)
			break;
		if (!batch) {
			int key, waited;

			/* Poll the keyboard while waiting. */
			for (waited = 0; waited < (int)delay * 1000 && !cli_stopped(); waited += 50) {
				key = getch();
				if (key == 'q' || key == 'Q')
					goto out;
				cli_sleep_ms(50);
			}
		} else {
			cli_sleep_ms(delay * 1000);
		}
	}
out:
	if (!batch)
		endwin();
	free(cur.c);
	free(prev.c);
	taihu_telemetry_close(ts);
	return ret;
}

const struct cli_cmd cli_cmd_top = {
	.name = "top",
	.summary = "live view of the cards and their processes (ncurses, or -b text)",
	.usage = top_usage,
	.run = top_run,
};
