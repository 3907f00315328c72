// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_run.c - kx_run_stream() may feed a report's accumulators thread by
 * thread (kx_run.any_thread_order), from batches in time order or from
 * time windows (kx_source_opts.windows), instead of in time order: the
 * report must be the in-order feed's, byte for byte (JSON with
 * histograms, with and without --by vcpu, with a --vcpu filter), on every
 * fixture (two VMs with interleaved vCPUs that move between CPUs, lost
 * events, two buffers, SVM, both APIC modes), as trace.dat and perf.data,
 * on the corpus's real recordings (a VMX host; a perf.data with LOST
 * records) and on the files given as arguments (tests/synth/t-windows.sh).
 * The feed must really differ: the intervals of the two VMs' vCPUs come
 * in another order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_attrib.h"
#include "kx_run.h"
#include "report_json.h"
#include "tap.h"

#define MAX_TRACE	4096	/* intervals whose threads are recorded */

/* The attrib sink, noting the thread of each interval as it comes. */
struct traced {
	struct kx_attrib *a;
	int32_t tid[MAX_TRACE];
	unsigned n;
};

static int traced_interval(void *ctx, const struct kx_interval *iv)
{
	struct traced *t = ctx;

	if (t->n < MAX_TRACE)
		t->tid[t->n++] = iv->tid;
	return kx_attrib_interval(t->a, iv);
}

/* How a run is fed. */
enum feed { IN_ORDER, BY_THREAD, WINDOWS };

/* The report of @path, fed as @how says; @t notes the feed. */
static char *report(const char *path, const struct kx_filter *filter, bool by_thread,
		    enum feed how, struct traced *t)
{
	struct kx_source_opts so = { .threads = 1, .windows = how == WINDOWS };
	struct kx_diag diag = { "" };
	struct kx_report *r = NULL;
	struct kx_run run;

	t->a = kx_attrib_new(by_thread, 0);
	t->n = 0;
	if (!t->a || kx_run_open(&run, path, &so, filter, &diag) < 0)
		return NULL;
	run.on_helper = kx_attrib_event;
	run.helper_ctx = t->a;
	run.any_thread_order = how != IN_ORDER;
	if (kx_run_stream(&run, traced_interval, t, &diag) || kx_report_build(&run, t->a, &r))
		r = NULL;
	kx_run_close(&run);
	return r ? report_json(r) : NULL;
}

static bool fed_alike(const struct traced *a, const struct traced *b)
{
	return a->n == b->n && !memcmp(a->tid, b->tid, a->n * sizeof(a->tid[0]));
}

/* The three feeds of @path give the same report; return whether each fed differently. */
static bool same_report(const char *path, const struct kx_filter *filter, bool by_thread,
			const char *what)
{
	static struct traced in_order, by_threads, windows;
	char *want = report(path, filter, by_thread, IN_ORDER, &in_order);
	char *got = report(path, filter, by_thread, BY_THREAD, &by_threads);
	char *got_w = report(path, filter, by_thread, WINDOWS, &windows);

	ok(want && got && strcmp(want, got) == 0, "%s, %s: the same report fed by thread",
	   path, what);
	ok(want && got_w && strcmp(want, got_w) == 0,
	   "%s, %s: the same report fed by thread from time windows", path, what);
	free(want);
	free(got);
	free(got_w);
	return !fed_alike(&in_order, &by_threads) && !fed_alike(&in_order, &windows);
}

int main(int argc, char **argv)
{
	static const char *const fixtures[] = {
		"tests/fixtures/multi-vm", "tests/fixtures/lost", "tests/fixtures/instances",
		"tests/fixtures/svm", "tests/fixtures/seed-xapic", "tests/fixtures/seed-x2apic",
		"tests/fixtures/tscdeadline",
	};
	static const char *const corpus[] = {
		"../shared/corpus/vmx-host/ma-host-2vcpu.dat",
		"../shared/corpus/local/perf-lost.data",
	};
	struct kx_filter all = { .vcpu = -1, .pid = -1 }, vcpu1 = { .vcpu = 1, .pid = -1 };
	char path[128];

	for (int i = 1; i < argc; i++) {
		ok(same_report(argv[i], &all, false, "report"),
		   "%s: the vCPUs' intervals came in another order", argv[i]);
		same_report(argv[i], &all, true, "--by vcpu");
	}
	for (size_t i = 0; argc < 2 && i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		static const char *const ext[] = { ".dat", ".perf.data" };

		for (size_t k = 0; k < 2; k++) {
			bool reordered;

			snprintf(path, sizeof(path), "%s%s", fixtures[i], ext[k]);
			reordered = same_report(path, &all, false, "report");
			same_report(path, &all, true, "--by vcpu");
			same_report(path, &vcpu1, false, "--vcpu 1");
			if (i == 0)
				ok(reordered, "%s: the two VMs' intervals came in another order", path);
		}
	}
	for (size_t i = 0; argc < 2 && i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		same_report(corpus[i], &all, false, "report");
		same_report(corpus[i], &all, true, "--by vcpu");
	}
	return done_testing();
}
