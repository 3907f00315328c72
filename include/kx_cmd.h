/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_cmd.h - the subcommands main.c dispatches to. Each takes the
 * arguments after the command name (argv[0] is the command name) and
 * returns the process exit status: 0 ok, 1 threshold/regression failed,
 * 2 usage error, 3 bad input, 4 internal error. Only commands print.
 */
#ifndef KX_CMD_H
#define KX_CMD_H

enum kx_exit_status {
	KX_EXIT_OK = 0,
	KX_EXIT_FAIL = 1,
	KX_EXIT_USAGE = 2,
	KX_EXIT_INPUT = 3,
	KX_EXIT_INTERNAL = 4,
};

int kx_cmd_report(int argc, char **argv);
int kx_cmd_info(int argc, char **argv);
int kx_cmd_cycles(int argc, char **argv);
int kx_cmd_compare(int argc, char **argv);
int kx_cmd_check(int argc, char **argv);

#endif /* KX_CMD_H */
