// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu: command-line tool for Taihu accelerator cards. This file holds the
 * global options, the subcommand dispatch and `taihu help`.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define TAIHU_CLI_VERSION "0.1.0"

static const struct cli_cmd *const commands[] = {
	&cli_cmd_list,
	&cli_cmd_info,
	&cli_cmd_diag,
	&cli_cmd_run,
	&cli_cmd_infer,
	&cli_cmd_query,
	&cli_cmd_top,
	&cli_cmd_events,
	&cli_cmd_cdi,
	&cli_cmd_dump,
	&cli_cmd_reset,
};

#define NUM_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct cli_cmd *cli_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; name && i < NUM_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: taihu [--help] [--version] COMMAND [ARGS]\n"
	      "\n"
	      "Manage and check Taihu accelerator cards.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < NUM_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i]->name,
			commands[i]->summary);
	fputs("  help     show help for a command\n"
	      "\n"
	      "Run 'taihu help COMMAND' for a command's options.\n"
	      "Exit status: 0 success, 1 failure, 2 bad command line.\n", f);
}

static int cmd_help(int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc < 2) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 2)
		return cli_usage_error("help", "too many arguments");
	if (!strcmp(argv[1], "help")) {
		puts("Usage: taihu help [COMMAND]\n\n"
		     "Show the list of commands, or the help of COMMAND.");
		return CLI_EXIT_OK;
	}
	cmd = cli_find_cmd(argv[1]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	fputs(cmd->usage, stdout);
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_cmd *cmd;
	int opt;

	opterr = 0;
	/* '+': stop at the subcommand, whose options are its own. */
	while ((opt = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			puts("taihu " TAIHU_CLI_VERSION);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option(NULL, opt, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(NULL, "missing command");
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: fully re-initialise getopt for the subcommand */

	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	cli_scan_json(argc, argv);
	cmd = cli_find_cmd(argv[0]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[0]);
	return cmd->run(argc, argv);
}
