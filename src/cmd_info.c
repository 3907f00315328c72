// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_info.c - `kvmexit-stat info FILE`: what the reader sees in a
 * recording (format, clock, unit, CPUs, buffers) and, after reading the
 * whole stream (in time slices where it can be cut), its counters
 * (records, lost events and where the first ones were, kvm events by
 * name, kvm_exit by reason).
 * A debugging aid and the hook the reader tests use.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_cli.h"
#include "kx_cmd.h"
#include "kx_slices.h"
#include "kx_source.h"

enum {
	OPT_HELP = KX_OPT_CMD_BASE,
};

/* How to read the input, as every command; --vcpu/--pid do not apply: info counts everything. */
static const struct option long_opts[] = {
	KX_READ_LONG_OPTIONS,
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kvmexit-stat info [options] FILE\n"
		"\n"
		"Print what kvmexit-stat reads from FILE (trace.dat, perf.data or text; \"-\" for\n"
		"stdin): format, clock, time unit, CPUs, buffers, then the record, lost-event\n"
		"and per-kvm-event and per-exit-reason counts after reading the whole stream.\n"
		"\n"
		"options:\n"
		KX_READ_OPTIONS_HELP
		"  -h, --help            this text\n"
		"\n"
		"examples:\n"
		"  kvmexit-stat info trace.dat\n"
		"  kvmexit-stat info --buffer vm1 trace.dat\n");
}

/* The first lost-event markers are listed with their position in the stream. */
#define LOST_SHOWN 64

struct lost_marker {
	uint64_t ts;
	uint64_t count;
	int32_t cpu;
};

/* What info gathers while reading; grows with distinct exit reasons only. */
struct info_totals {
	uint64_t events, first_ts, last_ts;
	uint64_t *reason_count;		/* [nr_reasons] kvm_exit count per name id */
	size_t nr_reasons;
	struct lost_marker lost[LOST_SHOWN];
	size_t nr_lost;
};

/* Add @n kvm_exit events of reason name id @id. Return: 0 or -ENOMEM. */
static int count_reason(struct info_totals *tot, uint32_t id, uint64_t n)
{
	if (id >= tot->nr_reasons) {
		size_t nr = 2 * (size_t)id + 16;
		uint64_t *p = realloc(tot->reason_count, nr * sizeof(*p));

		if (!p)
			return -ENOMEM;
		memset(p + tot->nr_reasons, 0, (nr - tot->nr_reasons) * sizeof(*p));
		tot->reason_count = p;
		tot->nr_reasons = nr;
	}
	tot->reason_count[id] += n;
	return 0;
}

/* A kx_events_fn: @ctx is the info_totals. Return: 0 or -ENOMEM. */
static int count_events(void *ctx, const struct kx_event *evs, unsigned n)
{
	struct info_totals *tot = ctx;

	for (const struct kx_event *ev = evs; ev < evs + n; ev++) {
		if (!tot->events++)
			tot->first_ts = ev->ts;
		tot->last_ts = ev->ts;
		if (ev->kind == KX_EV_LOST && tot->nr_lost < LOST_SHOWN) {
			tot->lost[tot->nr_lost].ts = ev->ts;
			tot->lost[tot->nr_lost].count = ev->u.lost;
			tot->lost[tot->nr_lost++].cpu = ev->cpu;
		}
		if (ev->kind == KX_EV_EXIT && count_reason(tot, ev->u.exit.reason, 1))
			return -ENOMEM;
	}
	return 0;
}

/* ---- the totals as a time slice's analysis (kx_slices_run()) ---- */

static void *make_totals(const void *arg, bool mid_trace)
{
	return calloc(1, sizeof(struct info_totals));
}

static void free_totals(void *acc)
{
	struct info_totals *tot = acc;

	if (tot)
		free(tot->reason_count);
	free(tot);
}

/* Add @later's totals (the slice after) to @acc's; reason ids through @reason_map. */
static int join_totals(void *acc, const void *later, const uint32_t *reason_map, uint32_t nr)
{
	struct info_totals *tot = acc;
	const struct info_totals *l = later;

	if (l->events) {
		if (!tot->events)
			tot->first_ts = l->first_ts;
		tot->last_ts = l->last_ts;
	}
	tot->events += l->events;
	for (size_t i = 0; i < l->nr_lost && tot->nr_lost < LOST_SHOWN; i++)
		tot->lost[tot->nr_lost++] = l->lost[i];
	for (size_t k = 0; k < l->nr_reasons; k++)
		if (l->reason_count[k] &&
		    count_reason(tot, k < nr ? reason_map[k] : (uint32_t)k, l->reason_count[k]))
			return -ENOMEM;
	return 0;
}

/*
 * The totals of one pass over @path into *@acc, where the trace is not cut:
 * *@run is open (*@opened) once kx_run_open() succeeded.
 * Return: 0 or a negative code with @diag filled.
 */
static int single_pass(const char *path, const struct kx_input_args *in,
		       const struct kx_filter *all, struct kx_run *run, bool *opened, void **acc,
		       struct kx_diag *diag)
{
	int err = kx_run_open(run, path, &in->sopts, all, diag);

	if (err < 0)
		return err;
	*opened = true;
	*acc = make_totals(NULL, false);
	if (!*acc)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	run->on_events = count_events;
	run->events_ctx = *acc;
	return kx_run_stream(run, NULL, NULL, diag);
}

static void print_info(const struct kx_source *src, const struct info_totals *tot)
{
	const struct kx_source_info *info = kx_source_info(src);
	const struct lost_marker *lm;
	unsigned i;
	size_t k;

	printf("file: %s\n", info->path);
	printf("format: %s\n", info->format_name);
	printf("clock: %s\n", info->clock);
	printf("unit: %s\n", kx_unit_name(info->unit));
	if (info->tsc_khz)
		printf("tsc_khz: %" PRIu64 "\n", info->tsc_khz);
	printf("cpus: %u\n", info->nr_cpus);
	printf("buffers:");
	for (i = 0; i < info->nr_buffers; i++)
		printf(" %s", *info->buffer_names[i] ? info->buffer_names[i] : "(top)");
	printf("\n");
	printf("records: %" PRIu64 "\n", info->records);
	printf("lost_events: %" PRIu64 "\n", info->lost.events);
	printf("lost_markers: %" PRIu64 "\n", info->lost.markers);
	printf("lost_unknown: %" PRIu64 "\n", info->lost.unknown);
	printf("events: %" PRIu64 "\n", tot->events);
	if (tot->events) {
		printf("first_ts: %" PRIu64 "\n", tot->first_ts);
		printf("last_ts: %" PRIu64 "\n", tot->last_ts);
	}
	for (lm = tot->lost; lm < tot->lost + tot->nr_lost; lm++) {
		if (lm->count == KX_LOST_UNKNOWN)
			printf("lost cpu%d@%" PRIu64 ": unknown\n", lm->cpu, lm->ts);
		else
			printf("lost cpu%d@%" PRIu64 ": %" PRIu64 "\n", lm->cpu, lm->ts,
			       lm->count);
	}
	for (k = 0; k < info->nr_event_counts; k++)
		printf("event %s: %" PRIu64 "\n", info->event_counts[k].name,
		       info->event_counts[k].count);
	for (k = 0; k < info->nr_unreadable; k++)
		printf("unreadable %s: its format is damaged or does not parse\n",
		       info->unreadable[k]);
	for (k = 0; k < tot->nr_reasons; k++)
		if (tot->reason_count[k])
			printf("exit %s: %" PRIu64 "\n", kx_names_get(kx_source_names(src),
								      (uint32_t)k),
			       tot->reason_count[k]);
	if (info->note)
		printf("note: %s\n", info->note);
}

int kx_cmd_info(int argc, char **argv)
{
	static const struct kx_slices_analysis totals_slices = {
		.make = make_totals,
		.on_events = count_events,
		.join = join_totals,
		.free = free_totals,
	};
	const struct kx_filter all = { .vcpu = -1, .pid = -1 };
	struct kx_input_args in;
	struct kx_diag diag = { "" };
	struct kx_run run;
	const char *path;
	void *acc = NULL;
	bool opened = false;
	int opt, ret, status = KX_EXIT_OK;

	kx_cli_input_init(&in);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			usage(stdout);
			return KX_EXIT_OK;
		}
		ret = kx_cli_input_opt(&in, opt, optarg, "info");
		if (ret < 0)
			return KX_EXIT_USAGE;
		if (!ret)
			return kx_cli_bad_option("info", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return kx_cli_usage_error("info", optind >= argc ? "no input file" :
					  "one input file at a time");
	path = argv[optind];

	ret = kx_slices_run(path, &in.sopts, &all, &totals_slices, &run, &acc, NULL);
	if (ret == KX_SLICES_NOT_SPLIT) {
		ret = single_pass(path, &in, &all, &run, &opened, &acc, &diag);
		status = kx_cli_exit_status(ret);
	} else if (ret) {
		kx_diag_set(&diag, ret, ret == -ENOMEM ? "out of memory" :
			    "the time slices do not add up");
		status = KX_EXIT_INTERNAL;
	} else {
		opened = true;
	}
	/* everything is read before printing: an error leaves stdout empty */
	if (ret < 0)
		kx_cli_error(path, ret, &diag);
	else
		print_info(run.src, acc);
	free_totals(acc);
	if (opened)
		kx_run_close(&run);
	if (ret < 0)
		return status;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "kvmexit-stat: cannot write the output\n");
		return KX_EXIT_INTERNAL;
	}
	return KX_EXIT_OK;
}
