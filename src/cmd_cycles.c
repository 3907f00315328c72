// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_cycles.c - `kvmexit-stat cycles FILE`: guest versus host time per
 * timer-programming cycle. Parses options, reads the input in time slices
 * (kx_slices_cycles()) or else in one analysis pass feeding the cycles
 * module (per-cycle lines stream out as cycles complete with --list), then
 * renders the summaries to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kx_cli.h"
#include "kx_cmd.h"
#include "kx_cycles.h"
#include "kx_pair.h"
#include "kx_parse.h"
#include "kx_render_cycles.h"
#include "kx_slices.h"

#define WORST_MAX	10000	/* each kept cycle holds its segment list (~2.5 KiB) */

enum cycles_opt {
	OPT_LIST = KX_OPT_CMD_BASE,
	OPT_WORST,
	OPT_BY_HOST,
	OPT_LVTT,
};

struct cycles_args {
	struct kx_input_args in;
	enum kx_out_format format;
	bool list;
	bool by_host;
	bool lvtt;
	uint32_t worst;
	const char *file;
};

/* what the per-cycle callback needs to stream --list output */
struct cycles_out {
	const struct cycles_args *args;
	struct kx_cycles_render render;
	struct kx_json json;
	FILE *out;
};

static const char usage[] =
"usage: kvmexit-stat cycles [options] FILE\n"
"\n"
"Guest versus host time per timer-programming cycle. A cycle on a vCPU runs\n"
"from the VM entry after one timer write (APIC TMICT in xAPIC or x2APIC mode,\n"
"or TSC_DEADLINE; LVTT with --lvtt) to the VM entry after the next, and\n"
"includes that second exit. Host time counts non-idle exits; HLT/MWAIT time\n"
"is reported as idle. Ratio = host / guest.\n"
"\n"
"options:\n"
"      --json            JSON output\n"
"      --csv             CSV output (summary rows; per-cycle rows with --list/--worst)\n"
"      --list            every cycle, one line each, as it completes, e.g.\n"
"                          guest 2.0us | APIC EOI write 11.0us | guest 9.0us |\n"
"                          APIC TMICT write 11.0us => guest 11.0us host 22.0us ratio 2.00\n"
"      --worst N         the N cycles with the highest ratio (at most 10000)\n"
"      --by-host         rank --worst by host time instead of ratio\n"
"      --lvtt            LVTT writes also program the timer\n"
KX_INPUT_OPTIONS_HELP
"  -h, --help            this text\n"
"\n"
"examples:\n"
"  kvmexit-stat cycles trace.dat\n"
"  kvmexit-stat cycles --list --vcpu 0 perf.data\n"
"  kvmexit-stat cycles --worst 10 --json trace.dat\n";

static const struct option long_options[] = {
	KX_FORMAT_LONG_OPTIONS,
	{ "list", no_argument, NULL, OPT_LIST },
	{ "worst", required_argument, NULL, OPT_WORST },
	{ "by-host", no_argument, NULL, OPT_BY_HOST },
	{ "lvtt", no_argument, NULL, OPT_LVTT },
	KX_INPUT_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Return: -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct cycles_args *a)
{
	uint64_t v;
	int c, r;

	memset(a, 0, sizeof(*a));
	kx_cli_input_init(&a->in);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		r = kx_cli_input_opt(&a->in, c, optarg, "cycles");
		if (!r)
			r = kx_cli_format_opt(&a->format, c, "cycles");
		if (r < 0)
			return KX_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_LIST:
			a->list = true;
			break;
		case OPT_WORST:
			if (kx_parse_u64(optarg, &v) < 0 || !v || v > WORST_MAX)
				return kx_cli_usage_error("cycles", "--worst wants 1..%d, not '%s'",
							  WORST_MAX, optarg);
			a->worst = (uint32_t)v;
			break;
		case OPT_BY_HOST:
			a->by_host = true;
			break;
		case OPT_LVTT:
			a->lvtt = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return KX_EXIT_OK;
		default:
			return kx_cli_bad_option("cycles", argv[optind - 1]);
		}
	}
	if (a->by_host && !a->worst)
		return kx_cli_usage_error("cycles", "--by-host ranks --worst: give --worst N too");
	if (optind != argc - 1)
		return kx_cli_usage_error("cycles", optind >= argc ? "no input file" :
					  "one input file at a time");
	a->file = argv[optind];
	return -1;
}

static int on_cycle(void *ctx, const struct kx_cycle *cy)
{
	struct cycles_out *o = ctx;

	switch (o->args->format) {
	case KX_OUT_JSON:
		kx_cycles_json_cycle(&o->json, &o->render, cy);
		break;
	case KX_OUT_CSV:
		kx_cycles_csv_cycle(o->out, &o->render, "list", cy);
		break;
	default:
		kx_cycles_text_cycle(o->out, &o->render, cy);
	}
	return 0;
}

static void render_begin(struct cycles_out *o)
{
	const struct cycles_args *a = o->args;

	if (a->format == KX_OUT_JSON) {
		kx_json_init(&o->json, o->out, true);
		kx_cycles_json_begin(&o->json, &o->render, a->list);
	} else if (a->format == KX_OUT_CSV && (a->list || a->worst)) {
		kx_cycles_csv_cycle_header(o->out);
	}
}

static void render_end(struct cycles_out *o)
{
	const struct cycles_args *a = o->args;
	const struct kx_cycles_stats *tot = kx_cycles_total(o->render.cycles);
	const struct kx_cycle *worst;
	size_t n;

	switch (a->format) {
	case KX_OUT_JSON:
		kx_cycles_json_end(&o->json, &o->render, a->list);
		break;
	case KX_OUT_CSV:
		if (!tot->timer_exits) {
			fprintf(stderr, "kvmexit-stat: %s: no timer-programming exits, no cycles\n",
				strcmp(a->file, "-") ? a->file : "(stdin)");
			break;
		}
		if (a->list || a->worst) {
			n = kx_cycles_worst(o->render.cycles, &worst);
			for (size_t i = 0; i < n; i++)
				kx_cycles_csv_cycle(o->out, &o->render, "worst", &worst[i]);
		} else {
			kx_cycles_csv_summary(o->out, &o->render);
		}
		break;
	default:
		if (a->list && tot->cycles)
			fputc('\n', o->out);
		kx_cycles_text_summary(o->out, &o->render);
	}
}

/*
 * One pass over @a->file into *@cycles, rendering --list as cycles complete.
 * Return: 0, or a negative code with @diag filled (*@run open either way
 * once kx_run_open() succeeded: @opened says).
 */
static int single_pass(struct cycles_out *o, const struct kx_cycles_opts *copts,
		       struct kx_run *run, bool *opened, struct kx_cycles **cycles,
		       struct kx_diag *diag)
{
	const struct cycles_args *a = o->args;
	int err = kx_run_open(run, a->file, &a->in.sopts, &a->in.filter, diag);

	if (err < 0)
		return err;
	*opened = true;
	*cycles = kx_cycles_new(copts);
	if (!*cycles)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	o->render.cycles = *cycles;
	o->render.src = run->src;
	render_begin(o);
	return kx_run_stream(run, kx_cycles_sink, *cycles, diag);
}

int kx_cmd_cycles(int argc, char **argv)
{
	struct kx_diag diag = { "" };
	struct kx_cycles_opts copts;
	struct kx_cycles *cycles = NULL;
	struct cycles_args a;
	struct cycles_out o;
	struct kx_run run;
	bool opened = false;
	int status, err;

	status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	memset(&o, 0, sizeof(o));
	o.args = &a;
	o.out = stdout;
	o.render = (struct kx_cycles_render){
		.file = strcmp(a.file, "-") ? a.file : "(stdin)",
		.lvtt = a.lvtt,
		.by_host = a.by_host,
		.worst = a.worst,
		.filtered = kx_filter_active(&a.in.filter),
	};
	copts = (struct kx_cycles_opts){
		.lvtt = a.lvtt,
		.worst_by_host = a.by_host,
		.worst = a.worst,
		.on_cycle = a.list ? on_cycle : NULL,
		.ctx = &o,
	};
	err = kx_slices_cycles(a.file, &a.in.sopts, &a.in.filter, &copts, &run, &cycles, NULL);
	if (err == KX_SLICES_NOT_SPLIT) {
		err = single_pass(&o, &copts, &run, &opened, &cycles, &diag);
	} else if (err) {
		kx_diag_set(&diag, err, err == -ENOMEM ? "out of memory" :
			    "the time slices do not add up");
	} else {
		opened = true;
		o.render.cycles = cycles;
		o.render.src = run.src;
		render_begin(&o);
	}
	if (!err)
		err = kx_cycles_finish(cycles);
	if (err == -ENOMEM)
		kx_diag_set(&diag, err, "out of memory");
	if (err < 0) {
		fflush(stdout);
		kx_cli_error(a.file, err, &diag);
		status = kx_cli_exit_status(err);
	} else {
		o.render.has_exits = kx_pair_timed(kx_pair_counts(run.pair));
		render_end(&o);
		status = KX_EXIT_OK;
	}
	kx_cycles_free(cycles);
	if (opened)
		kx_run_close(&run);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kvmexit-stat: cannot write the output\n");
		return KX_EXIT_INTERNAL;
	}
	return status;
}
