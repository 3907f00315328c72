/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_cli.h - what the commands share: the options that say how to read
 * the input (--buffer, --tsc-khz, --sort-mem, --threads: every command
 * that reads one) and which vCPUs and when to analyse (--vcpu, --pid,
 * --time: the analysing commands), the one-line error format and the mapping from
 * error codes to exit status.
 * Only command files include it.
 */
#ifndef KX_CLI_H
#define KX_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "kx.h"
#include "kx_run.h"
#include "kx_source.h"

/* long-only option codes shared by the commands (>= 256, below command-specific ones) */
enum kx_input_opt {
	KX_OPT_BUFFER = 256,
	KX_OPT_TSC_KHZ,
	KX_OPT_SORT_MEM,
	KX_OPT_VCPU,
	KX_OPT_PID,
	KX_OPT_TIME,
	KX_OPT_THREADS,
	KX_OPT_JSON,
	KX_OPT_CSV,
	KX_OPT_CMD_BASE = 300,	/* first code free for a command's own options */
};

/* What a command writes its result as. */
enum kx_out_format { KX_OUT_TEXT, KX_OUT_JSON, KX_OUT_CSV };

#define KX_FORMAT_LONG_OPTIONS						\
	{ "json", no_argument, NULL, KX_OPT_JSON },			\
	{ "csv", no_argument, NULL, KX_OPT_CSV }

#define KX_READ_LONG_OPTIONS						\
	{ "buffer", required_argument, NULL, KX_OPT_BUFFER },		\
	{ "tsc-khz", required_argument, NULL, KX_OPT_TSC_KHZ },		\
	{ "sort-mem", required_argument, NULL, KX_OPT_SORT_MEM },	\
	{ "threads", required_argument, NULL, KX_OPT_THREADS }

#define KX_INPUT_LONG_OPTIONS						\
	KX_READ_LONG_OPTIONS,						\
	{ "vcpu", required_argument, NULL, KX_OPT_VCPU },		\
	{ "pid", required_argument, NULL, KX_OPT_PID },		\
	{ "time", required_argument, NULL, KX_OPT_TIME }

/* Help text of the shared options, for each command's usage. */
#define KX_READ_OPTIONS_HELP							\
	"      --buffer NAME     read only this trace.dat instance (\"\" or top = top buffer)\n" \
	"      --tsc-khz N       convert a cycle clock (x86-tsc, counter) to ns at N kHz\n" \
	"      --sort-mem SIZE   memory for putting perf.data events in order (default 256M)\n" \
	"      --threads N       threads for trace.dat/perf.data (default: online CPUs)\n"

#define KX_INPUT_OPTIONS_HELP							\
	KX_READ_OPTIONS_HELP							\
	"      --vcpu N          only the vCPU with vcpu_id N\n"		\
	"      --pid N           only the vCPU thread N (or VM process N when recorded)\n" \
	"      --time START,END  only what lies between two trace times, as trace-cmd\n" \
	"                          report -t prints them (either may be left out)\n"

struct kx_input_args {
	struct kx_source_opts sopts;
	struct kx_filter filter;
};

/** kx_cli_input_init() - defaults: all buffers, no conversion, no filter. */
void kx_cli_input_init(struct kx_input_args *in);

/**
 * kx_cli_input_opt() - handle a shared option @code with @arg.
 * Return: 1 handled, 0 not a shared option, -1 bad value (message printed).
 */
int kx_cli_input_opt(struct kx_input_args *in, int code, const char *arg, const char *cmd);

/**
 * kx_cli_format_opt() - handle --json/--csv (@code) into @fmt; the two
 * exclude each other. Return: 1 handled, 0 not one of them, -1 both given
 * (message printed).
 */
int kx_cli_format_opt(enum kx_out_format *fmt, int code, const char *cmd);

/** kx_cli_error() - print "kvmexit-stat: FILE: message" for @err with @diag. */
void kx_cli_error(const char *file, int err, const struct kx_diag *diag);

/** kx_cli_usage_error() - print "kvmexit-stat CMD: message" and a hint; return KX_EXIT_USAGE. */
int kx_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * kx_cli_bad_option() - the usage error for getopt_long's '?' on @arg
 * (argv[optind - 1]); the commands set opterr = 0 so this is the one line.
 */
int kx_cli_bad_option(const char *cmd, const char *arg);

/**
 * kx_cli_exit_status() - KX_EXIT_USAGE for an option the input cannot
 * satisfy (-KX_EUSAGE), KX_EXIT_INTERNAL for ENOMEM, else KX_EXIT_INPUT.
 */
int kx_cli_exit_status(int err);

#endif /* KX_CLI_H */
