// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_report.c - `kvmexit-stat [report] FILE`: where the host's time went,
 * per exit reason and sub-key, guest versus host. Parses options, runs one
 * analysis pass, builds the report and renders it to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kx_attrib.h"
#include "kx_cli.h"
#include "kx_cmd.h"
#include "kx_parse.h"
#include "kx_render.h"
#include "kx_report.h"
#include "kx_slices.h"

enum report_opt {
	OPT_BY = KX_OPT_CMD_BASE,
	OPT_KEYS,
	OPT_TOP,
	OPT_ALLOW_EMPTY,
	OPT_LONGEST,
	OPT_HIST,
};

/* --longest's bound: the list is for reading, and its heap is held per slice */
#define LONGEST_MAX 10000

struct report_args {
	struct kx_input_args in;
	struct kx_render_opts render;
	enum kx_out_format format;
	bool by_vcpu;
	bool allow_empty;
	uint32_t longest;
	const char *file;
};

static const char usage[] =
"usage: kvmexit-stat [report] [options] FILE\n"
"\n"
"Where the KVM host's time went: per exit reason and sub-key (APIC register,\n"
"MSR, port, MMIO address), guest versus host time. FILE is a trace.dat,\n"
"perf.data (file or pipe), or trace-cmd/ftrace/perf script text; - reads stdin.\n"
"\n"
"options:\n"
"      --json            JSON output (schema in kvmexit-stat(1))\n"
"      --csv             CSV output\n"
"      --by vcpu         one table per vCPU thread, then the total\n"
"      --keys            list by sub-key (normalised across xAPIC/x2APIC) instead of by reason\n"
"      --top N           sub-keys shown under each reason (default 5)\n"
"      --longest N       also list the N longest non-idle exits: when, thread,\n"
"                          reason, sub-key (at most 10000; CSV: only that list)\n"
"      --hist            text: each row's times and the guest runs in power-of-two\n"
"                          ranges (JSON always holds the full histograms)\n"
"      --allow-empty     exit 0 on a trace without kvm_exit/kvm_entry\n"
KX_INPUT_OPTIONS_HELP
"  -h, --help            this text\n"
"\n"
"examples:\n"
"  kvmexit-stat trace.dat\n"
"  kvmexit-stat report --by vcpu --keys perf.data\n"
"  kvmexit-stat report --longest 20 trace.dat\n"
"  perf record -o - -e 'kvm:*' -a sleep 1 | kvmexit-stat report --json -\n";

static const struct option long_options[] = {
	KX_FORMAT_LONG_OPTIONS,
	{ "by", required_argument, NULL, OPT_BY },
	{ "keys", no_argument, NULL, OPT_KEYS },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
	{ "longest", required_argument, NULL, OPT_LONGEST },
	{ "hist", no_argument, NULL, OPT_HIST },
	KX_INPUT_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Return: -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct report_args *a)
{
	uint64_t v;
	int c, r;

	memset(a, 0, sizeof(*a));
	kx_cli_input_init(&a->in);
	a->render.top_subkeys = 5;
	a->render.hist = true;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		r = kx_cli_input_opt(&a->in, c, optarg, "report");
		if (!r)
			r = kx_cli_format_opt(&a->format, c, "report");
		if (r < 0)
			return KX_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_BY:
			if (strcmp(optarg, "vcpu"))
				return kx_cli_usage_error("report", "--by takes 'vcpu', not '%s'", optarg);
			a->by_vcpu = true;
			break;
		case OPT_KEYS:
			a->render.keys = true;
			break;
		case OPT_TOP:
			if (kx_parse_u64(optarg, &v) < 0 || v > 100000)
				return kx_cli_usage_error("report", "--top wants a number, not '%s'", optarg);
			a->render.top_subkeys = (unsigned)v;
			break;
		case OPT_ALLOW_EMPTY:
			a->allow_empty = true;
			break;
		case OPT_LONGEST:
			if (kx_parse_u64(optarg, &v) < 0 || v < 1 || v > LONGEST_MAX)
				return kx_cli_usage_error("report", "--longest wants 1 to %d, not '%s'",
							  LONGEST_MAX, optarg);
			a->longest = (uint32_t)v;
			break;
		case OPT_HIST:
			a->render.log2 = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return KX_EXIT_OK;
		default:
			return kx_cli_bad_option("report", argv[optind - 1]);
		}
	}
	if (a->render.log2 && a->format != KX_OUT_TEXT)
		return kx_cli_usage_error("report", "--hist is for the text table (JSON has each row's \"hist\")");
	if (optind != argc - 1)
		return kx_cli_usage_error("report", optind >= argc ? "no input file" :
					  "one input file at a time (compare takes several)");
	a->file = argv[optind];
	return -1;
}

/* One analysis of @file into a report. Return: 0 and *@out, or a negative code, @diag filled. */
static int report_file(const char *file, const struct kx_input_args *in, bool by_vcpu,
		       uint32_t longest, struct kx_report **out, struct kx_diag *diag)
{
	struct kx_source_opts sopts = in->sopts;
	struct kx_attrib *attrib;
	struct kx_run run;
	int err;

	err = kx_slices_report(file, &in->sopts, &in->filter, by_vcpu, longest, out, NULL);
	if (err != KX_SLICES_NOT_SPLIT)
		return err ? kx_diag_set(diag, err, err == -ENOMEM ? "out of memory" :
					  "the time slices do not add up") : 0;
	sopts.windows = true;	/* with any_thread_order */
	err = kx_run_open(&run, file, &sopts, &in->filter, diag);
	if (err < 0)
		return err;
	attrib = kx_attrib_new(by_vcpu, longest);
	if (!attrib) {
		kx_run_close(&run);
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	run.on_helper = kx_attrib_event;
	run.helper_ctx = attrib;
	run.any_thread_order = true;
	err = kx_run_stream(&run, kx_attrib_interval, attrib, diag);
	if (err == -ENOMEM)
		kx_diag_set(diag, err, "out of memory");
	if (err < 0) {
		kx_attrib_free(attrib);
		kx_run_close(&run);
		return err;
	}
	err = kx_report_build(&run, attrib, out);
	kx_run_close(&run);
	if (err < 0)
		return kx_diag_set(diag, err, "out of memory");
	return 0;
}

int kx_cmd_report(int argc, char **argv)
{
	struct kx_diag diag = { "" };
	struct report_args a;
	struct kx_report *r;
	int status, err;

	status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	err = report_file(a.file, &a.in, a.by_vcpu, a.longest, &r, &diag);
	if (err < 0) {
		kx_cli_error(a.file, err, &diag);
		return kx_cli_exit_status(err);
	}
	switch (a.format) {
	case KX_OUT_JSON:
		kx_render_json(r, &a.render, stdout);
		break;
	case KX_OUT_CSV:
		kx_render_csv(r, &a.render, stdout);
		break;
	default:
		kx_render_text(r, &a.render, stdout);
	}
	status = KX_EXIT_OK;
	if (!r->has_exits && !a.allow_empty) {
		char buf[KX_REPORT_WHY_MAX];
		const char *why = kx_report_nothing_timed(r, buf, sizeof(buf));
		const char *unreadable = kx_report_unreadable_timed(r);

		fprintf(stderr, "kvmexit-stat: %s: %s%s%s (--allow-empty accepts that)\n",
			strcmp(a.file, "-") ? a.file : "(stdin)",
			why ? why : "no kvm_exit/kvm_entry events to pair",
			unreadable ? ": " : "", unreadable ? unreadable : "");
		status = KX_EXIT_INPUT;
	}
	kx_report_free(r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kvmexit-stat: cannot write the report\n");
		return KX_EXIT_INTERNAL;
	}
	return status;
}
