// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu-exporter: Prometheus /metrics over HTTP (libmicrohttpd) from the
 * taihu driver's netlink telemetry. Each scrape asks the driver afresh, so
 * the exporter keeps serving across card removal and driver reloads
 * (taihu_card_up and taihu_exporter_driver_up say what is there).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "metrics.h"

#define DEFAULT_PORT	9433

static const char usage_text[] =
	"Usage: taihu-exporter [-l [ADDR:]PORT] [--once]\n"
	"\n"
	"Serve the Taihu cards' telemetry in the Prometheus text format at\n"
	"http://ADDR:PORT/metrics (default 0.0.0.0:9433; PORT 0 picks a free one,\n"
	"printed on stderr). Series are labelled by serial and PCI address; a card\n"
	"that went away stays with taihu_card_up 0.\n"
	"\n"
	"Options:\n"
	"  -l, --listen [ADDR:]PORT  where to listen (IPv4)\n"
	"  -1, --once                print one scrape on stdout and exit\n"
	"  -h, --help                show this help\n";

static struct known_cards known;

/* One scrape: the driver's telemetry rendered (NULL when out of memory). */
static char *scrape(size_t *len)
{
	struct taihu_telemetry_session *s = NULL;
	struct taihu_telemetry *cards = NULL;
	struct text out = { 0 };
	size_t n = 0;
	bool up = false;

	if (!taihu_telemetry_open(&s)) {
		up = !taihu_telemetry_dump(s, sizeof(*cards), &cards, &n);
		taihu_telemetry_close(s);
	}
	metrics_render(&out, &known, up ? cards : NULL, up ? n : 0, up);
	taihu_free(cards);
	if (out.oom) {
		free(out.buf);
		return NULL;
	}
	*len = out.len;
	return out.buf;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *type, char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	static char index_page[] =
		"<html><head><title>taihu-exporter</title></head><body>"
		"<h1>taihu-exporter</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";
	static char not_found[] = "not found\n";
	static char bad_method[] = "only GET and HEAD\n";
	static char oom[] = "out of memory\n";
	char *body;
	size_t len = 0;

	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", bad_method,
			     strlen(bad_method), MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/"))
		return reply(conn, MHD_HTTP_OK, "text/html", index_page, strlen(index_page),
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics") != 0)
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found, strlen(not_found),
			     MHD_RESPMEM_PERSISTENT);
	body = scrape(&len);
	if (!body)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", oom, strlen(oom),
			     MHD_RESPMEM_PERSISTENT);
	return reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", body, len,
		     MHD_RESPMEM_MUST_FREE);
}

static int parse_listen(const char *arg, struct sockaddr_in *sa)
{
	const char *colon = strrchr(arg, ':');
	char host[64];
	char *end;
	unsigned long port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_ANY);
	if (colon) {
		if ((size_t)(colon - arg) >= sizeof(host))
			return -1;
		memcpy(host, arg, (size_t)(colon - arg));
		host[colon - arg] = '\0';
		if (host[0] && inet_pton(AF_INET, host, &sa->sin_addr) != 1)
			return -1;
		arg = colon + 1;
	}
	errno = 0;
	port = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || port > 65535)
		return -1;
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "once", no_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	char addr[INET_ADDRSTRLEN];
	bool once = false;
	sigset_t mask;
	int opt, sig;

	parse_listen("9433", &sa);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":l:1h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (parse_listen(optarg, &sa)) {
				fprintf(stderr, "taihu-exporter: bad --listen '%s' (want [ADDR:]PORT)\n",
					optarg);
				return 2;
			}
			break;
		case '1':
			once = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "taihu-exporter: bad option '%s'\n%s", argv[optind - 1],
				usage_text);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "taihu-exporter: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (once) {
		size_t len = 0;
		char *body = scrape(&len);

		if (!body || fwrite(body, 1, len, stdout) != len) {
			free(body);
			return 1;
		}
		free(body);
		known_cards_free(&known);
		return 0;
	}

	/* Signals are taken synchronously below; block them before MHD's thread starts. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			     on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "taihu-exporter: cannot listen on port %u: %s\n",
			ntohs(sa.sin_port), strerror(errno));
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof(addr));
	fprintf(stderr, "taihu-exporter: listening on http://%s:%u/metrics\n", addr,
		info ? info->port : ntohs(sa.sin_port));
	while (sigwait(&mask, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
		;
	MHD_stop_daemon(d);
	known_cards_free(&known);
	return 0;
}
