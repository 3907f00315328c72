// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_load.c - loads one input of compare/check into a snapshot: a saved
 * JSON report (recognised by its first non-blank byte '{'), or a trace
 * analysed in time slices, or else in one pass, feeding both the
 * exit-time accumulators and the timer-cycle analysis.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_attrib.h"
#include "kx_cycles.h"
#include "kx_file.h"
#include "kx_load.h"
#include "kx_report.h"
#include "kx_slices.h"
#include "kx_source.h"

struct tee {
	struct kx_attrib *attrib;
	struct kx_cycles *cycles;
};

static int tee_interval(void *ctx, const struct kx_interval *iv)
{
	struct tee *t = ctx;
	int err = kx_attrib_interval(t->attrib, iv);

	return err ? err : kx_cycles_feed(t->cycles, iv);
}

/* ---- the tee as a time slice's analysis (kx_slices_run()) ---- */

static void free_tee(void *acc)
{
	struct tee *t = acc;

	if (!t)
		return;
	kx_attrib_free(t->attrib);
	kx_cycles_free(t->cycles);
	free(t);
}

static void *make_tee(const void *arg, bool mid_trace)
{
	struct kx_cycles_opts copts = { 0 };
	struct tee *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->attrib = kx_attrib_new(false, 0);
	t->cycles = kx_cycles_new(&copts);
	if (!t->attrib || !t->cycles) {
		free_tee(t);
		return NULL;
	}
	if (mid_trace)
		kx_cycles_mid_trace(t->cycles);
	return t;
}

static int tee_event(void *ctx, const struct kx_event *ev)
{
	struct tee *t = ctx;

	return kx_attrib_event(t->attrib, ev);
}

static int join_tee(void *acc, const void *later, const uint32_t *reason_map, uint32_t nr)
{
	struct tee *t = acc;
	const struct tee *l = later;
	int err = kx_attrib_absorb(t->attrib, l->attrib, reason_map, nr);

	return err ? err : kx_cycles_join(t->cycles, l->cycles, reason_map, nr);
}

/*
 * One input on its way to a snapshot. Inputs are opened in order on the
 * calling thread (libtraceevent parses formats with a global tokenizer),
 * the traces among them are then read at the same time, one thread each.
 */
struct load {
	const char *path;
	struct kx_snapshot *snap;
	struct kx_diag diag;
	int err;
	bool trace;		/* a trace opened in @run, read into @tee */
	bool sliced;		/* ... already read, in time slices */
	struct kx_run run;
	struct tee *tee;
	pthread_t thread;
	bool started;
};

static int open_trace(struct load *l, const struct kx_input_args *in, unsigned threads)
{
	struct kx_source_opts sopts = in->sopts;
	int err;

	sopts.threads = threads;
	err = kx_run_open(&l->run, l->path, &sopts, &in->filter, &l->diag);
	if (err < 0)
		return err;
	l->trace = true;
	l->tee = make_tee(NULL, false);
	if (!l->tee)
		return kx_diag_set(&l->diag, -ENOMEM, "out of memory");
	l->run.on_helper = tee_event;
	l->run.helper_ctx = l->tee;
	return 0;
}

/*
 * Read trace @l in time slices with every thread @in gives. Return: 0 (read,
 * or it cannot be cut: then l->sliced stays false), or <0 with l->diag.
 */
static int slice_trace(struct load *l, const struct kx_input_args *in)
{
	static const struct kx_slices_analysis tee_slices = {
		.make = make_tee,
		.sink = tee_interval,
		.on_helper = tee_event,
		.join = join_tee,
		.free = free_tee,
	};
	void *acc;
	int err = kx_slices_run(l->path, &in->sopts, &in->filter, &tee_slices, &l->run, &acc,
				NULL);

	if (err == KX_SLICES_NOT_SPLIT)
		return 0;
	if (err)
		return kx_diag_set(&l->diag, err, err == -ENOMEM ? "out of memory" :
				   "the time slices do not add up");
	l->tee = acc;
	l->trace = true;
	l->sliced = true;
	return 0;
}

static void *read_trace(void *arg)
{
	struct load *l = arg;

	l->err = kx_run_stream(&l->run, tee_interval, l->tee, &l->diag);
	if (l->err == -ENOMEM)
		kx_diag_set(&l->diag, l->err, "out of memory");
	return NULL;
}

/*
 * A run without timed exits has nothing to judge, whether it is a trace
 * (l->trace set; @unreadable: why it has none, or NULL) or a report saved
 * of one. Return: 0 or <0 with l->diag.
 */
static int require_exits(struct load *l, const char *unreadable)
{
	if (l->snap->has_exits)
		return 0;
	if (l->trace)
		return kx_diag_set(&l->diag, -KX_ENOEVENTS,
				   "no kvm_exit/kvm_entry events to judge%s%s",
				   unreadable ? ": " : "", unreadable ? unreadable : "");
	return kx_diag_set(&l->diag, -KX_ENOEVENTS, "made from a trace without timed exits (or "
			   "with none its filters passed): nothing to judge");
}

/* The snapshot of a trace read to its end. Return: 0 or <0 with l->diag. */
static int build_trace(struct load *l)
{
	struct kx_report *report = NULL;
	char untimed_buf[KX_REPORT_WHY_MAX];
	const char *untimed = NULL;	/* why a trace with exits has none timed */
	const char *unreadable = NULL;	/* why it has no exits or no entries */
	int err = kx_report_build(&l->run, l->tee->attrib, &report);

	l->tee->attrib = NULL;	/* the report owns it now, also on failure */
	if (!err)
		err = kx_cycles_finish(l->tee->cycles);
	if (!err)
		err = kx_snapshot_from_report(report, &l->snap);
	if (!err)
		err = kx_snapshot_add_cycles(l->snap, kx_cycles_total(l->tee->cycles));
	if (!err) {
		untimed = kx_report_nothing_timed(report, untimed_buf, sizeof(untimed_buf));
		unreadable = kx_report_unreadable_timed(report);
	}
	kx_report_free(report);
	if (err)
		return kx_diag_set(&l->diag, err, "out of memory");
	if (untimed)
		return kx_diag_set(&l->diag, -KX_ENOEVENTS, "%s: nothing to judge", untimed);
	return require_exits(l, unreadable);
}

static void close_load(struct load *l)
{
	kx_snapshot_free(l->snap);
	free_tee(l->tee);
	if (l->trace)
		kx_run_close(&l->run);
}

/* Return: 1 when the file starts (after blanks) with '{', 0 if not, negative on error. */
static int looks_like_json(FILE *f)
{
	int c;

	do
		c = getc(f);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	if (ferror(f))
		return -errno;
	return c == '{';
}

int kx_load_read_all(FILE *f, size_t cap, char **buf, size_t *len)
{
	size_t size = 4096, used = 0;
	char *b = malloc(size), *nb;

	if (!b)
		return -ENOMEM;
	for (;;) {
		size_t got = fread(b + used, 1, size - used, f);

		used += got;
		if (used < size)
			break;
		if (size >= cap) {
			free(b);
			return -E2BIG;
		}
		size = size * 2 < cap ? size * 2 : cap;
		nb = realloc(b, size);
		if (!nb) {
			free(b);
			return -ENOMEM;
		}
		b = nb;
	}
	if (ferror(f)) {
		free(b);
		return -EIO;
	}
	*buf = b;
	*len = used;
	return 0;
}

/* The rest of a document whose first non-blank byte, '{', was just read (pipes too). */
static int load_json(const char *path, FILE *f, struct kx_snapshot **out, struct kx_diag *diag)
{
	size_t len;
	char *rest, *doc;
	int err;

	err = kx_load_read_all(f, KX_LOAD_JSON_MAX, &rest, &len);
	if (err == -E2BIG)
		return kx_diag_set(diag, err, "saved report larger than %u MiB", KX_LOAD_JSON_MAX >> 20);
	if (err)
		return kx_diag_set(diag, err, "cannot read the saved report: %s", strerror(-err));
	doc = malloc(len + 1);
	if (!doc) {
		free(rest);
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	doc[0] = '{';
	memcpy(doc + 1, rest, len);
	free(rest);
	err = kx_snapshot_from_json(path, doc, len + 1, out, diag);
	free(doc);
	return err;
}

/*
 * Load @l unless it is a trace: a saved report is read here, a trace only
 * recognised. Return: 0, or <0 with l->diag.
 */
static int load_saved(struct load *l)
{
	FILE *f;
	int json, err = 0;

	if (strcmp(l->path, "-") == 0)
		return 0;
	f = fopen(l->path, "rb");
	if (!f)
		return kx_file_error(&l->diag, -errno, true);
	json = looks_like_json(f);
	if (json > 0)
		err = load_json(l->path, f, &l->snap, &l->diag);
	fclose(f);
	if (json < 0)
		return kx_file_error(&l->diag, json, false);
	if (err || !json)
		return err;
	return require_exits(l, NULL);	/* judged like the trace it was made of */
}

int kx_load_snapshots(const char *const *paths, size_t n, const struct kx_input_args *in,
		      struct kx_snapshot **out, size_t *failed, struct kx_diag *diag)
{
	struct load *ld = calloc(n ? n : 1, sizeof(*ld));
	size_t upto = n, traces = 0, last = 0, i;
	unsigned per_trace;
	int err = 0;

	memset(out, 0, n * sizeof(*out));
	if (!ld)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	/* only the first failure in input order counts: nothing after it is read */
	for (i = 0; i < upto; i++) {
		ld[i].path = paths[i];
		ld[i].err = load_saved(&ld[i]);
		if (ld[i].err)
			upto = i;
	}
	/* traces that can be cut: one after the other, each in slices on all threads */
	for (i = 0; i < upto; i++) {
		if (!ld[i].snap && (ld[i].err = slice_trace(&ld[i], in)))
			upto = i;
		else
			traces += !ld[i].snap && !ld[i].sliced;
	}
	/* the others are read at the same time, the threads shared out among them */
	per_trace = kx_source_threads(&in->sopts) / (traces ? (unsigned)traces : 1);
	for (i = 0; i < upto; i++)
		if (!ld[i].snap && !ld[i].sliced &&
		    (ld[i].err = open_trace(&ld[i], in, per_trace ? per_trace : 1)))
			upto = i;
	/* every trace but the last on a thread of its own, the last on this one */
	for (i = 0; i < upto; i++)
		if (ld[i].trace && !ld[i].sliced)
			last = i;
	for (i = 0; i < upto; i++)
		if (ld[i].trace && !ld[i].sliced && i != last)
			ld[i].started = pthread_create(&ld[i].thread, NULL, read_trace, &ld[i]) == 0;
	for (i = 0; i < upto; i++)
		if (ld[i].trace && !ld[i].sliced && !ld[i].started)
			read_trace(&ld[i]);
	for (i = 0; i < upto; i++)
		if (ld[i].started)
			pthread_join(ld[i].thread, NULL);
	for (i = 0; i < n && !err; i++) {
		err = ld[i].err;
		if (!err && ld[i].trace)
			err = build_trace(&ld[i]);
		if (err) {
			*diag = ld[i].diag;
			*failed = i;
		} else {
			out[i] = ld[i].snap;
			ld[i].snap = NULL;
		}
	}
	for (i = 0; i < n; i++) {
		if (err) {
			kx_snapshot_free(out[i]);
			out[i] = NULL;
		}
		close_load(&ld[i]);
	}
	free(ld);
	return err;
}
