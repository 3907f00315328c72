// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_common.c - command-layer helpers: the shared input options, the
 * single error-line format "kvmexit-stat: FILE: message", exit statuses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kx_cli.h"
#include "kx_cmd.h"
#include "kx_parse.h"

void kx_cli_input_init(struct kx_input_args *in)
{
	memset(in, 0, sizeof(*in));
	in->filter.vcpu = -1;
	in->filter.pid = -1;
}

int kx_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvmexit-stat %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'kvmexit-stat %s --help')\n", cmd);
	return KX_EXIT_USAGE;
}

int kx_cli_bad_option(const char *cmd, const char *arg)
{
	return kx_cli_usage_error(cmd, "unknown option or missing value '%s'", arg);
}

int kx_cli_format_opt(enum kx_out_format *fmt, int code, const char *cmd)
{
	enum kx_out_format want;

	if (code == KX_OPT_JSON)
		want = KX_OUT_JSON;
	else if (code == KX_OPT_CSV)
		want = KX_OUT_CSV;
	else
		return 0;
	if (*fmt != KX_OUT_TEXT && *fmt != want) {
		kx_cli_usage_error(cmd, "--json and --csv exclude each other");
		return -1;
	}
	*fmt = want;
	return 1;
}

/* --time START,END: either end may be empty, not both; START not after END. */
static int parse_window(const char *arg, struct kx_filter *f)
{
	const char *comma = strchr(arg, ',');
	char start[64];
	size_t n = comma ? (size_t)(comma - arg) : 0;

	if (!comma || n >= sizeof(start) || (n == 0 && !comma[1]))
		return -1;
	memcpy(start, arg, n);
	start[n] = '\0';
	f->from = (struct kx_time){ 0 };
	f->to = (struct kx_time){ 0 };
	if ((n && kx_parse_time(start, &f->from) < 0) ||
	    (comma[1] && kx_parse_time(comma + 1, &f->to) < 0))
		return -1;
	if (f->from.set && f->to.set && (f->from.whole > f->to.whole ||
	    (f->from.whole == f->to.whole && f->from.ns > f->to.ns)))
		return -1;
	return 0;
}

int kx_cli_input_opt(struct kx_input_args *in, int code, const char *arg, const char *cmd)
{
	uint64_t v;

	switch (code) {
	case KX_OPT_BUFFER:
		in->sopts.buffer = strcmp(arg, "top") == 0 ? "" : arg;
		return 1;
	case KX_OPT_TSC_KHZ:
		if (kx_parse_u64(arg, &v) < 0 || !v) {
			kx_cli_usage_error(cmd, "--tsc-khz wants a positive number of kHz, not '%s'", arg);
			return -1;
		}
		in->sopts.tsc_khz = v;
		return 1;
	case KX_OPT_SORT_MEM:
		if (kx_parse_size(arg, &v) < 0 || !v) {
			kx_cli_usage_error(cmd, "--sort-mem wants a size like 512M, not '%s'", arg);
			return -1;
		}
		in->sopts.sort_mem_cap = v;
		return 1;
	case KX_OPT_THREADS:
		if (kx_parse_u64(arg, &v) < 0 || !v || v > 1024) {
			kx_cli_usage_error(cmd, "--threads wants 1..1024, not '%s'", arg);
			return -1;
		}
		in->sopts.threads = (unsigned)v;
		return 1;
	case KX_OPT_TIME:
		if (parse_window(arg, &in->filter) < 0) {
			kx_cli_usage_error(cmd, "--time wants START,END (e.g. 25140.5,25150.25, "
					   "or 25140.5, from there on), START not after END, not '%s'",
					   arg);
			return -1;
		}
		return 1;
	case KX_OPT_VCPU:
	case KX_OPT_PID:
		if (kx_parse_u64(arg, &v) < 0 || v > INT32_MAX) {
			kx_cli_usage_error(cmd, "--%s wants a non-negative number, not '%s'",
					   code == KX_OPT_VCPU ? "vcpu" : "pid", arg);
			return -1;
		}
		if (code == KX_OPT_VCPU)
			in->filter.vcpu = (int64_t)v;
		else
			in->filter.pid = (int64_t)v;
		return 1;
	}
	return 0;
}

void kx_cli_error(const char *file, int err, const struct kx_diag *diag)
{
	const char *msg = diag && diag->msg[0] ? diag->msg : kx_strerror(err);

	fprintf(stderr, "kvmexit-stat: %s: %s\n", strcmp(file, "-") ? file : "(stdin)", msg);
}

int kx_cli_exit_status(int err)
{
	if (err == -KX_EUSAGE)	/* an option the input cannot satisfy: --buffer, --time */
		return KX_EXIT_USAGE;
	return err == -ENOMEM ? KX_EXIT_INTERNAL : KX_EXIT_INPUT;
}
