// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - command dispatch: an exact-match table of subcommands; a first
 * argument that is no command is the input of the default `report`.
 * Handlers return the exit status; only main() returns it to the shell.
 */
#include <stdio.h>
#include <string.h>

#include "kx_cmd.h"
#include "kx_cmd_fault.h"

struct kx_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct kx_command commands[] = {
	{ "report", kx_cmd_report, "exit time per reason and sub-key, guest vs host (default)" },
	{ "cycles", kx_cmd_cycles, "guest vs host time per timer-programming cycle (TMICT, TSC_DEADLINE)" },
	{ "info", kx_cmd_info, "what a recording holds: format, clock, buffers, event counts" },
	{ "compare", kx_cmd_compare, "runs side by side: change per exit reason and sub-key, significance" },
	{ "check", kx_cmd_check, "CI gate: limits and regressions against a baseline, exit 1 on failure" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: kvmexit-stat [COMMAND] [options] FILE\n\n"
		"Reads a KVM host recording (trace.dat, perf.data, or their text dumps) and\n"
		"says where the host's time went.\n\ncommands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'kvmexit-stat COMMAND --help' shows a command's options;\n"
		"'kvmexit-stat FILE' is 'kvmexit-stat report FILE'.\n"
		"  -h, --help       this text\n"
		"  -V, --version    version\n");
}

int main(int argc, char **argv)
{
	int err = kx_cmd_catch_shrinking_inputs();

	if (err < 0) {
		fprintf(stderr, "kvmexit-stat: cannot handle SIGBUS: %s\n", strerror(-err));
		return KX_EXIT_INTERNAL;
	}
	if (argc < 2) {
		usage(stderr);
		return KX_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return KX_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("kvmexit-stat %s\n", KX_VERSION);
		return KX_EXIT_OK;
	}
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	/* no command: the arguments are report's, argv[0] stands in for its name */
	return kx_cmd_report(argc, argv);
}
