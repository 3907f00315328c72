// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_compare.c - `kvmexit-stat compare A B [C ...]`: two or more runs side
 * by side (traces or saved JSON reports), each against the first, with the
 * change of every row and whether it is significant. Parses options, loads
 * the inputs, aligns them and renders text, JSON or CSV to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_cli.h"
#include "kx_cmd.h"
#include "kx_compare.h"
#include "kx_load.h"
#include "kx_parse.h"
#include "kx_render_compare.h"
#include "kx_rules.h"

enum compare_opt {
	OPT_METRIC = KX_OPT_CMD_BASE,
	OPT_ALPHA,
	OPT_MIN_SAMPLES,
	OPT_RAW_KEYS,
};

/* Inputs beyond this are refused: the text table gets unreadable long before. */
#define MAX_INPUTS 26

struct compare_args {
	struct kx_input_args in;
	struct kx_compare_opts opts;
	enum kx_out_format format;
	char **files;
	size_t nfiles;
};

static const char usage[] =
"usage: kvmexit-stat compare [options] A B [C ...]\n"
"\n"
"Runs side by side: every exit reason, sub-key (normalised, so xAPIC and x2APIC\n"
"line up), guest runs and timer-cycle summary of each input against the first\n"
"one, with the change and whether it is significant (Mann-Whitney U test on\n"
"the histograms). Inputs are traces (any format report reads) or saved\n"
"'kvmexit-stat report --json' files.\n"
"\n"
"options:\n"
"      --json            JSON output with every figure\n"
"      --csv             CSV output, one record per row and input\n"
"      --metric FIG      headline figure: mean (default), p50, p90, p99, p99_9\n"
"      --alpha P         significance level (default 0.01)\n"
"      --min-samples N   do not test rows with fewer samples (default 10)\n"
"      --raw-keys        also align raw sub-key names (e.g. 'EOI vector 0xec')\n"
KX_INPUT_OPTIONS_HELP
"  -h, --help            this text\n"
"\n"
"examples:\n"
"  kvmexit-stat compare xapic.dat x2apic.dat\n"
"  kvmexit-stat compare --metric p99 --csv base.json after.dat\n";

static const struct option long_options[] = {
	KX_FORMAT_LONG_OPTIONS,
	{ "metric", required_argument, NULL, OPT_METRIC },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "min-samples", required_argument, NULL, OPT_MIN_SAMPLES },
	{ "raw-keys", no_argument, NULL, OPT_RAW_KEYS },
	KX_INPUT_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Return: -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct compare_args *a)
{
	int c, r, fig;
	uint64_t v;

	memset(a, 0, sizeof(*a));
	kx_cli_input_init(&a->in);
	a->opts.metric = KX_FIG_MEAN;
	a->opts.alpha = 0.01;
	a->opts.min_samples = 10;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		r = kx_cli_input_opt(&a->in, c, optarg, "compare");
		if (!r)
			r = kx_cli_format_opt(&a->format, c, "compare");
		if (r < 0)
			return KX_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_METRIC:
			fig = kx_snap_fig_parse(optarg);
			if (fig != KX_FIG_MEAN && fig != KX_FIG_P50 && fig != KX_FIG_P90 &&
			    fig != KX_FIG_P99 && fig != KX_FIG_P999)
				return kx_cli_usage_error("compare", "--metric takes mean, p50, p90, p99 or p99_9, not '%s'",
					optarg);
			a->opts.metric = (enum kx_snap_fig)fig;
			break;
		case OPT_ALPHA:
			if (kx_parse_alpha(optarg, &a->opts.alpha) < 0)
				return kx_cli_usage_error("compare", "--alpha wants a level between 0 and 1 like 0.01, not '%s'",
					optarg);
			break;
		case OPT_MIN_SAMPLES:
			if (kx_parse_u64(optarg, &v) < 0 || !v)
				return kx_cli_usage_error("compare", "--min-samples wants a positive number, not '%s'",
					optarg);
			a->opts.min_samples = v;
			break;
		case OPT_RAW_KEYS:
			a->opts.raw_keys = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return KX_EXIT_OK;
		default:
			return kx_cli_bad_option("compare", argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return kx_cli_usage_error("compare", "two or more inputs wanted");
	if (argc - optind > MAX_INPUTS)
		return kx_cli_usage_error("compare", "at most %d inputs", MAX_INPUTS);
	a->files = argv + optind;
	a->nfiles = (size_t)(argc - optind);
	return -1;
}

int kx_cmd_compare(int argc, char **argv)
{
	struct kx_snapshot *snaps[MAX_INPUTS] = { NULL };
	struct kx_diag diag = { "" };
	struct kx_compare *cmp = NULL;
	struct compare_args a;
	int status, err;
	size_t stdin_uses = 0, bad = 0;

	status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	for (size_t i = 0; i < a.nfiles; i++)
		stdin_uses += strcmp(a.files[i], "-") == 0;
	if (stdin_uses > 1)
		return kx_cli_usage_error("compare", "stdin ('-') can be one input only");
	err = kx_load_snapshots((const char *const *)a.files, a.nfiles, &a.in, snaps, &bad, &diag);
	if (err < 0) {
		kx_cli_error(a.files[bad], err, &diag);
		status = kx_cli_exit_status(err);
		goto out;
	}
	err = kx_compare_build((const struct kx_snapshot *const *)snaps, a.nfiles, &a.opts, &cmp,
			       &diag);
	if (err < 0) {
		fprintf(stderr, "kvmexit-stat compare: %s\n", diag.msg);
		status = err == -ENOMEM ? KX_EXIT_INTERNAL : KX_EXIT_INPUT;
		goto out;
	}
	switch (a.format) {
	case KX_OUT_JSON:
		kx_render_compare_json(cmp, stdout);
		break;
	case KX_OUT_CSV:
		kx_render_compare_csv(cmp, stdout);
		break;
	default:
		kx_render_compare_text(cmp, stdout);
	}
	status = KX_EXIT_OK;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kvmexit-stat: cannot write the comparison\n");
		status = KX_EXIT_INTERNAL;
	}
out:
	kx_compare_free(cmp);
	for (size_t i = 0; i < a.nfiles; i++)
		kx_snapshot_free(snaps[i]);
	return status;
}
