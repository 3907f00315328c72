// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_windows.c - a source opened with kx_source_opts.windows may
 * deliver time windows (kx_source_window()). Checked against the same
 * file read in time order: each window, sorted by time, then file order
 * (perf.data) or buffer and CPU (trace.dat), then place, must be the next
 * events of the time-ordered read, field by field; its layout must hold
 * each stream's events in a row, once, with its least and greatest times
 * and its lost markers said. On the fixtures as trace.dat (v6, v7) and
 * perf.data, the real VMX recording, a perf.data with LOST records, and
 * busy hosts whose vCPUs move between CPUs all the time
 * (tests/synth/t-windows.sh), with the walk on this thread and on workers.
 */
#define _GNU_SOURCE	/* qsort_r() in delivery_order.h */
#include <stdlib.h>
#include <string.h>

#include "delivery_order.h"
#include "kx_names.h"
#include "kx_source.h"
#include "tap.h"

#define MAX_EVENTS	(1u << 21)

/*
 * The fields a trace.dat reader fills (the rest of the union is the
 * decoder's leftovers); an exit's reason by name, for its id is the order
 * the names were met in (@na: @a's names, @nb: @b's).
 */
static bool same_event(const struct kx_event *a, const struct kx_names *na,
		       const struct kx_event *b, const struct kx_names *nb)
{
	if (a->ts != b->ts || a->key != b->key || a->kind != b->kind || a->cpu != b->cpu ||
	    a->tid != b->tid || a->pid != b->pid || a->vcpu != b->vcpu || a->buffer != b->buffer ||
	    a->key_rank != b->key_rank || a->key_via != b->key_via || a->key_x2apic != b->key_x2apic)
		return false;
	if (a->kind == KX_EV_EXIT)
		return !strcmp(kx_names_get(na, a->u.exit.reason), kx_names_get(nb, b->u.exit.reason)) &&
		       a->u.exit.code == b->u.exit.code &&
		       a->u.exit.flags == b->u.exit.flags && a->u.exit.isa == b->u.exit.isa;
	return a->kind != KX_EV_LOST || a->u.lost == b->u.lost;
}

/*
 * Every event of @path in time order; *@n of them, read from *@src (left
 * open for its names). NULL if unreadable.
 */
static struct kx_event *in_time_order(const char *path, size_t *n, struct kx_source **src)
{
	struct kx_source_opts so = { .threads = 1 };
	struct kx_event *all = malloc(MAX_EVENTS * sizeof(*all));
	struct kx_diag diag = { "" };
	const struct kx_event *evs;
	int got;

	*n = 0;
	*src = NULL;
	if (!all || kx_source_open(path, &so, src, &diag) < 0) {
		free(all);
		return NULL;
	}
	while ((got = kx_source_next_batch(*src, &evs, &diag)) > 0 && *n + (size_t)got <= MAX_EVENTS) {
		if (kx_source_window(*src))
			got = -1;	/* asked for none */
		else
			memcpy(all + *n, evs, (size_t)got * sizeof(*evs));
		if (got < 0)
			break;
		*n += (size_t)got;
	}
	if (got != 0) {
		kx_source_close(*src);
		*src = NULL;
		free(all);
		return NULL;
	}
	return all;
}

/* Is @w a true layout of @evs[0, n)? */
static bool layout_ok(const struct kx_window *w, const struct kx_event *evs, unsigned n)
{
	uint64_t first = UINT64_MAX, last = 0;
	bool lost = false;

	if (!w->nr_streams || w->nr_streams > KX_WINDOW_STREAMS || w->start[0] != 0 ||
	    w->start[w->nr_streams] != n)
		return false;
	for (unsigned r = 0; r < w->nr_streams; r++) {
		if (w->start[r] >= w->start[r + 1])
			return false;
		for (unsigned i = w->start[r]; i < w->start[r + 1]; i++) {
			const struct kx_event *a = &evs[w->start[r]], *e = &evs[i];

			if (e->cpu != a->cpu || e->buffer != a->buffer ||
			    (i > w->start[r] && e->ts < e[-1].ts))
				return false;
			first = e->ts < first ? e->ts : first;
			last = e->ts > last ? e->ts : last;
			lost |= e->kind == KX_EV_LOST;
		}
		for (unsigned q = 0; q < r; q++)
			if (evs[w->start[q]].cpu == evs[w->start[r]].cpu &&
			    evs[w->start[q]].buffer == evs[w->start[r]].buffer)
				return false;
	}
	return first == w->first_ts && last == w->last_ts && (!lost || w->lost);
}

static void check(const char *path, unsigned threads, bool expect_unordered)
{
	struct kx_source_opts so = { .threads = threads, .windows = true };
	struct kx_diag diag = { "" };
	size_t n_ref, at = 0;
	struct kx_source *ref_src;
	struct kx_event *ref = in_time_order(path, &n_ref, &ref_src);
	unsigned windows = 0, unordered = 0, bad_layout = 0, bad_events = 0;
	struct kx_source *src;
	const struct kx_event *evs;
	int got = -1;

	ok(ref != NULL, "%s: read in time order (%zu events)", path, n_ref);
	if (!ref || kx_source_open(path, &so, &src, &diag) < 0) {
		ok(0, "%s: opened with windows", path);
		free(ref);
		kx_source_close(ref_src);
		return;
	}
	while ((got = kx_source_next_batch(src, &evs, &diag)) > 0) {
		const struct kx_window *w = kx_source_window(src);
		uint16_t idx[KX_SOURCE_BATCH];

		for (unsigned i = 0; i < (unsigned)got; i++)
			idx[i] = (uint16_t)i;
		if (w) {
			windows++;
			bad_layout += !layout_ok(w, evs, (unsigned)got);
			delivery_order(evs, w->tie, idx, (size_t)got);
			for (unsigned i = 0; i < (unsigned)got; i++)
				if (idx[i] != i) {
					unordered++;
					break;
				}
		}
		for (unsigned i = 0; i < (unsigned)got; i++, at++)
			bad_events += at >= n_ref || !same_event(&evs[idx[i]], kx_source_names(src),
								 &ref[at], kx_source_names(ref_src));
	}
	is_u64(got, 0, "read to the end with windows");
	is_u64(at, n_ref, "as many events as in time order");
	is_u64(bad_events, 0, "every window sorted is the next events in time order");
	is_u64(bad_layout, 0, "every window's layout is true");
	ok(windows > 0, "%s, %u threads: %u windows", path, threads, windows);
	if (expect_unordered)
		ok(unordered > 0, "%s: %u windows not in time order", path, unordered);
	kx_source_close(src);
	kx_source_close(ref_src);
	free(ref);
}

int main(int argc, char **argv)
{
	static const char *const fixtures[] = {	/* the first two: windows out of time order */
		"tests/fixtures/multi-vm.dat", "tests/fixtures/multi-vm.perf.data",
		"tests/fixtures/lost.dat", "tests/fixtures/lost.perf.data",
		"tests/fixtures/instances.dat", "tests/fixtures/instances.v7.dat",
		"tests/fixtures/instances.perf.data",
		"tests/fixtures/svm.dat", "tests/fixtures/svm.perf.data",
		"tests/fixtures/seed-xapic.dat", "tests/fixtures/seed-x2apic.perf.data",
		"tests/fixtures/tscdeadline.dat", "tests/fixtures/tscdeadline.perf.data",
		"../shared/corpus/vmx-host/ma-host-2vcpu.dat",
		"../shared/corpus/local/perf-lost.data",
	};

	/* with arguments (tests/synth/t-windows.sh): those, each with vCPUs on the move */
	for (int i = 1; i < argc; i++) {
		check(argv[i], 1, true);
		check(argv[i], 2, true);
	}
	for (size_t i = 0; argc < 2 && i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		for (unsigned threads = 1; threads <= 2; threads++)
			check(fixtures[i], threads, i < 2);
	return done_testing();
}
