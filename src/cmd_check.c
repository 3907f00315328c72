// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_check.c - `kvmexit-stat check FILE [RULES ...]`: the CI gate. Reads
 * limits (--max/--min, rules files) and regression limits against a
 * baseline (--baseline, --max-regress), evaluates them on one run and
 * prints each rule with PASS/FAIL/SKIP; the exit status is the verdict
 * (0 pass, 1 fail, 2 bad rules or usage, 3 bad input). Optionally JUnit XML.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_cli.h"
#include "kx_cmd.h"
#include "kx_load.h"
#include "kx_parse.h"
#include "kx_render_check.h"
#include "kx_rules.h"

enum check_opt {
	OPT_MAX = KX_OPT_CMD_BASE,
	OPT_MIN,
	OPT_RULES,
	OPT_BASELINE,
	OPT_MAX_REGRESS,
	OPT_MIN_SAMPLES,
	OPT_ALPHA,
	OPT_JUNIT,
};

/* Largest rules file read. */
#define RULES_FILE_MAX (1u << 20)

struct check_args {
	struct kx_input_args in;
	struct kx_check_opts opts;
	struct kx_rules rules;
	enum kx_out_format format;
	const char *file;
	const char *baseline;
	const char *junit;
};

static const char usage[] =
"usage: kvmexit-stat check [options] FILE [RULES-FILE ...]\n"
"\n"
"CI gate: hold one run (a trace or a saved 'report --json') to limits and,\n"
"with --baseline, to regression limits against an earlier run. Prints every\n"
"rule with its measured value, limit and PASS/FAIL/SKIP. Exit status: 0 all\n"
"passed, 1 a rule failed, 2 bad rules or usage, 3 bad input.\n"
"\n"
"rules (KEY is an exit reason, a sub-key name, guest, cycles.guest,\n"
"cycles.host or cycles.ratio; FIELD is count, total, mean, min, max, p50, p90,\n"
"p99, p99_9, count_pct, time_pct or rate; a trailing ? makes a rule optional):\n"
"      --max 'KEY.FIELD=LIMIT'    fail above LIMIT (units ns us ms s cycles %)\n"
"      --min 'KEY.FIELD=LIMIT'    fail below LIMIT\n"
"                                 also globals: host_guest_ratio, host.total,\n"
"                                 host.idle_total, host.exits, lost_events,\n"
"                                 discarded, orphan_entries, unmatched_exits,\n"
"                                 cycles.count, cycles.guest_total, cycles.host_total\n"
"      --rules FILE               a file of 'max|min|max-regress RULE' lines, # comments\n"
"      --baseline FILE            the run to judge regressions against\n"
"      --max-regress PCT          every exit reason and sub-key: mean may grow by PCT\n"
"      --max-regress 'KEY.FIELD=PCT'  one figure (mean, p50, p90, p99, p99_9)\n"
"      --min-samples N            skip regressions with fewer samples (default 30)\n"
"      --alpha P                  significance a regression needs (default 0.01)\n"
"output:\n"
"      --json                     JSON output\n"
"      --csv                      CSV output\n"
"      --junit FILE               also write JUnit XML to FILE\n"
KX_INPUT_OPTIONS_HELP
"  -h, --help                    this text\n"
"\n"
"examples:\n"
"  kvmexit-stat check --max 'APIC TMICT write.p99=2us' --max host_guest_ratio=0.1 run.dat\n"
"  kvmexit-stat check --baseline base.json --max-regress 10% --junit gate.xml run.dat\n";

static const struct option long_options[] = {
	KX_FORMAT_LONG_OPTIONS,
	{ "max", required_argument, NULL, OPT_MAX },
	{ "min", required_argument, NULL, OPT_MIN },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "max-regress", required_argument, NULL, OPT_MAX_REGRESS },
	{ "min-samples", required_argument, NULL, OPT_MIN_SAMPLES },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	KX_INPUT_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int rule_error(const struct kx_diag *diag)
{
	fprintf(stderr, "kvmexit-stat check: bad rule: %s\n", diag->msg);
	return KX_EXIT_USAGE;
}

static int read_rules_file(struct kx_rules *rs, const char *path)
{
	struct kx_diag diag = { "" };
	FILE *f = fopen(path, "rb");
	size_t len;
	char *buf;
	int err;

	if (!f) {
		fprintf(stderr, "kvmexit-stat check: cannot read rules file '%s': %s\n", path,
			strerror(errno));
		return KX_EXIT_USAGE;
	}
	err = kx_load_read_all(f, RULES_FILE_MAX, &buf, &len);
	fclose(f);
	if (err == -ENOMEM) {
		fprintf(stderr, "kvmexit-stat: out of memory\n");
		return KX_EXIT_INTERNAL;
	}
	if (err) {
		fprintf(stderr, "kvmexit-stat check: cannot read rules file '%s': %s\n", path,
			err == -E2BIG ? "over 1 MiB" : strerror(-err));
		return KX_EXIT_USAGE;
	}
	err = kx_rules_parse(rs, buf, len, path, &diag);
	free(buf);
	if (err == -ENOMEM) {
		fprintf(stderr, "kvmexit-stat: out of memory\n");
		return KX_EXIT_INTERNAL;
	}
	return err ? rule_error(&diag) : -1;
}

static int add_rule(struct check_args *a, enum kx_rule_op op, const char *spec, const char *opt)
{
	struct kx_diag diag = { "" };
	int err = kx_rules_add(&a->rules, op, spec, opt, &diag);

	if (err == -ENOMEM) {
		fprintf(stderr, "kvmexit-stat: out of memory\n");
		return KX_EXIT_INTERNAL;
	}
	return err ? rule_error(&diag) : -1;
}

/* Return: -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct check_args *a)
{
	int c, r, status = -1;
	uint64_t v;

	memset(a, 0, sizeof(*a));
	kx_cli_input_init(&a->in);
	a->opts.alpha = 0.01;
	a->opts.min_samples = 30;
	optind = 1;
	opterr = 0;
	while (status < 0 && (c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		r = kx_cli_input_opt(&a->in, c, optarg, "check");
		if (!r)
			r = kx_cli_format_opt(&a->format, c, "check");
		if (r < 0)
			return KX_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_MAX:
			status = add_rule(a, KX_RULE_MAX, optarg, "--max");
			break;
		case OPT_MIN:
			status = add_rule(a, KX_RULE_MIN, optarg, "--min");
			break;
		case OPT_MAX_REGRESS:
			status = add_rule(a, KX_RULE_REGRESS, optarg, "--max-regress");
			break;
		case OPT_RULES:
			status = read_rules_file(&a->rules, optarg);
			break;
		case OPT_BASELINE:
			a->baseline = optarg;
			break;
		case OPT_JUNIT:
			a->junit = optarg;
			break;
		case OPT_MIN_SAMPLES:
			if (kx_parse_u64(optarg, &v) < 0)
				return kx_cli_usage_error("check", "--min-samples wants a number, not '%s'",
							  optarg);
			a->opts.min_samples = v;
			break;
		case OPT_ALPHA:
			if (kx_parse_alpha(optarg, &a->opts.alpha) < 0)
				return kx_cli_usage_error("check", "--alpha wants a level between 0 and 1 like 0.01, not '%s'",
					optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			return KX_EXIT_OK;
		default:
			return kx_cli_bad_option("check", argv[optind - 1]);
		}
	}
	if (status >= 0)
		return status;
	if (optind >= argc)
		return kx_cli_usage_error("check", "no input file");
	a->file = argv[optind++];
	for (; optind < argc; optind++) {
		status = read_rules_file(&a->rules, argv[optind]);
		if (status >= 0)
			return status;
	}
	if (!a->rules.n)
		return kx_cli_usage_error("check", "no rules (give --max, --min, --max-regress or a rules file)");
	if (kx_rules_has_regress(&a->rules) && !a->baseline)
		return kx_cli_usage_error("check", "regression rules need --baseline");
	if (a->baseline && strcmp(a->baseline, "-") == 0 && strcmp(a->file, "-") == 0)
		return kx_cli_usage_error("check", "stdin ('-') can be the run or the baseline, not both");
	if (a->baseline && !kx_rules_has_regress(&a->rules))
		return kx_cli_usage_error("check", "--baseline without a regression rule (e.g. --max-regress 10%%)");
	return -1;
}

static int write_junit(const struct kx_check *c, const struct kx_check_info *info,
		       const char *path)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f) {
		fprintf(stderr, "kvmexit-stat check: cannot write '%s': %s\n",
			path, strerror(errno));
		return -1;
	}
	kx_render_check_junit(c, info, f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "kvmexit-stat check: cannot write '%s'\n", path);
		return -1;
	}
	return 0;
}

int kx_cmd_check(int argc, char **argv)
{
	struct kx_snapshot *run = NULL, *base = NULL, *snaps[2] = { NULL, NULL };
	const char *paths[2];
	size_t bad = 0;
	struct kx_diag diag = { "" };
	struct kx_check *result = NULL;
	struct kx_check_info info;
	struct check_args a;
	int status, err;

	status = parse_args(argc, argv, &a);
	if (status >= 0)
		goto out;
	paths[0] = a.file;
	paths[1] = a.baseline;
	err = kx_load_snapshots(paths, a.baseline ? 2 : 1, &a.in, snaps, &bad, &diag);
	if (err < 0) {
		kx_cli_error(paths[bad], err, &diag);
		status = kx_cli_exit_status(err);
		goto out;
	}
	run = snaps[0];
	base = snaps[1];
	if (a.baseline) {
		if (base->unit != run->unit) {
			fprintf(stderr, "kvmexit-stat check: baseline '%s' is in %s, '%s' in %s\n",
				a.baseline, kx_unit_name(base->unit), a.file, kx_unit_name(run->unit));
			status = KX_EXIT_INPUT;
			goto out;
		}
	}
	err = kx_rules_eval(&a.rules, run, base, &a.opts, &result);
	if (err < 0) {
		fprintf(stderr, "kvmexit-stat: out of memory\n");
		status = KX_EXIT_INTERNAL;
		goto out;
	}
	info = (struct kx_check_info){ .file = a.file, .baseline = a.baseline, .opts = &a.opts };
	switch (a.format) {
	case KX_OUT_JSON:
		kx_render_check_json(result, &info, stdout);
		break;
	case KX_OUT_CSV:
		kx_render_check_csv(result, stdout);
		break;
	default:
		kx_render_check_text(result, &info, stdout);
	}
	status = result->failed ? KX_EXIT_FAIL : KX_EXIT_OK;
	if (a.junit && write_junit(result, &info, a.junit) < 0)
		status = KX_EXIT_INTERNAL;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kvmexit-stat: cannot write the results\n");
		status = KX_EXIT_INTERNAL;
	}
out:
	kx_check_free(result);
	kx_snapshot_free(run);
	kx_snapshot_free(base);
	kx_rules_free(&a.rules);
	return status;
}
