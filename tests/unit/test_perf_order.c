// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_perf_order.c - the perf.data event orderer: the FINISHED_ROUND
 * two-round release rule, stable ties, sorting at the end without rounds,
 * events arriving too late, the memory cap, CPUs at the lanes' edges, and
 * the heap under many events out of order and against the lanes' heads at
 * a round's limit, and the windows the perf.data reader takes (runs, ties,
 * lost markers, what they leave queued). Expected orders are worked out by
 * hand in the comments.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kx_cursor.h"

#include <stdio.h>

#include "kx_perf_order.h"
#include "tap.h"

static struct kx_event ev_at(uint64_t ts, int32_t tag)
{
	struct kx_event ev = { .ts = ts, .kind = 1, .tid = tag };

	return ev;
}

/* pops everything released; writes ts into @ts and tags into @tag; returns count */
static int drain(struct kx_perf_order *o, uint64_t *ts, int32_t *tag, int max)
{
	struct kx_event ev;
	int n = 0;

	while (n < max && kx_perf_order_pop(o, &ev) == 1) {
		ts[n] = ev.ts;
		tag[n] = ev.tid;
		n++;
	}
	return n;
}

static void test_rounds(void)
{
	struct kx_perf_order *o;
	uint64_t ts[16];
	int32_t tag[16];
	int n;

	ok(kx_perf_order_new(1 << 20, &o) == 0, "new");
	/* round 1: cpu0 10 20 30, cpu1 5 15 */
	kx_perf_order_push(o, &(struct kx_event){ .ts = 10 }, 1);
	kx_perf_order_push(o, &(struct kx_event){ .ts = 20 }, 1);
	kx_perf_order_push(o, &(struct kx_event){ .ts = 30 }, 1);
	kx_perf_order_push(o, &(struct kx_event){ .ts = 5 }, 1);
	kx_perf_order_push(o, &(struct kx_event){ .ts = 15 }, 1);
	is_u64(drain(o, ts, tag, 16), 0, "nothing released before a round");
	kx_perf_order_round(o);
	/* limit = max at the previous round = 0: still nothing */
	is_u64(drain(o, ts, tag, 16), 0, "first round releases nothing");
	/* round 2: cpu0 40, cpu1 25 (older than 30 of round 1: must wait) */
	kx_perf_order_push(o, &(struct kx_event){ .ts = 40 }, 1);
	kx_perf_order_push(o, &(struct kx_event){ .ts = 25 }, 1);
	kx_perf_order_saw(o, 45);	/* a non-kvm sample raises the max */
	kx_perf_order_round(o);
	/* limit = 30 (max at round 1): 5 10 15 20 25 30 */
	n = drain(o, ts, tag, 16);
	is_u64(n, 6, "second round releases up to the first round's max");
	ok(n == 6 && ts[0] == 5 && ts[1] == 10 && ts[2] == 15 && ts[3] == 20 && ts[4] == 25 &&
	   ts[5] == 30, "released in time order");
	/* round 3: 42; limit = 45 -> 40 42 */
	kx_perf_order_push(o, &(struct kx_event){ .ts = 42 }, 1);
	kx_perf_order_round(o);
	n = drain(o, ts, tag, 16);
	ok(n == 2 && ts[0] == 40 && ts[1] == 42, "third round: saw() counts in the max");
	kx_perf_order_push(o, &(struct kx_event){ .ts = 50 }, 1);
	is_u64(drain(o, ts, tag, 16), 0, "held until the end");
	kx_perf_order_finish(o);
	n = drain(o, ts, tag, 16);
	ok(n == 1 && ts[0] == 50, "finish releases the rest");
	is_u64(kx_perf_order_rounds(o), 3, "rounds counted");
	is_u64(kx_perf_order_late(o), 0, "nothing late");
	is_u64(kx_perf_order_peak(o), 7, "peak queue");
	kx_perf_order_free(o);
}

static void test_no_rounds_stable(void)
{
	struct kx_perf_order *o;
	uint64_t ts[64];
	int32_t tag[64];
	bool sorted = true, stable = true;
	int i, n;

	kx_perf_order_new(1 << 20, &o);
	/* 60 events, ts = (i * 7) % 10: many ties; tags record arrival order */
	for (i = 0; i < 60; i++) {
		struct kx_event ev = ev_at((uint64_t)(i * 7) % 10, i);

		kx_perf_order_push(o, &ev, 1);
	}
	kx_perf_order_finish(o);
	n = drain(o, ts, tag, 64);
	is_u64(n, 60, "all delivered at the end");
	for (i = 1; i < n; i++) {
		if (ts[i] < ts[i - 1])
			sorted = false;
		if (ts[i] == ts[i - 1] && tag[i] < tag[i - 1])
			stable = false;
	}
	ok(sorted, "sorted by ts");
	ok(stable, "ties keep arrival order");
	kx_perf_order_free(o);
}

static void test_late(void)
{
	struct kx_perf_order *o;
	uint64_t ts[8];
	int32_t tag[8];
	int n;

	kx_perf_order_new(1 << 20, &o);
	kx_perf_order_push(o, &(struct kx_event){ .ts = 100 }, 1);
	kx_perf_order_round(o);
	kx_perf_order_round(o);		/* limit 100 */
	n = drain(o, ts, tag, 8);
	ok(n == 1 && ts[0] == 100, "100 delivered");
	kx_perf_order_push(o, &(struct kx_event){ .ts = 90 }, 1);	/* too late */
	kx_perf_order_finish(o);
	n = drain(o, ts, tag, 8);
	ok(n == 1 && ts[0] == 100, "late event raised to the last delivered ts");
	is_u64(kx_perf_order_late(o), 1, "late counted");
	kx_perf_order_free(o);
}

static void test_cap(void)
{
	struct kx_perf_order *o;
	struct kx_event ev;
	int i, err = 0;

	kx_perf_order_new(64 * 1024, &o);
	for (i = 0; i < 100000 && !err; i++)
		err = kx_perf_order_push(o, &(struct kx_event){ .ts = (uint64_t)i }, 1);
	is_u64(-err, E2BIG, "cap exceeded gives -E2BIG");
	/* queued packed (40 bytes) with seq, cpu and pid: 56 bytes, not a whole kx_event's 80 + 8 */
	ok((uint64_t)i >= 64 * 1024 / 64 && (uint64_t)i * 56 <= 64 * 1024 + 56 * 2,
	   "cap stops near the limit, at 56 bytes an event");
	ev = ev_at(5, 0);
	ev.cpu = 3;
	is_u64(-kx_perf_order_push(o, &ev, 1), E2BIG, "a new lane at the cap gives -E2BIG too");
	kx_perf_order_finish(o);
	ok(kx_perf_order_pop(o, &ev) == 1 && ev.ts == 0, "pop makes room");
	ev = ev_at((uint64_t)i, 0);
	ev.cpu = 3;
	ok(kx_perf_order_push(o, &ev, 1) == 0, "push after room was made");
	kx_perf_order_free(o);
}

/*
 * All 11800 samples of perf-lost.data (365 of them older than the sample
 * before, in file order) through the orderer with its 718 FINISHED_ROUND
 * marks: the output must never decrease and nothing may arrive late. The
 * samples are IDENTIFIER|IP|TID|TIME|...: time at body offset 24 (perf_walk.py).
 */
static void test_corpus_rounds(void)
{
	const char *path = "../shared/corpus/local/perf-lost.data";
	uint64_t off, end, prev = 0, n = 0, backwards_in = 0, last_in = 0;
	struct kx_perf_order *o;
	unsigned char *buf = NULL;
	bool sorted = true;
	struct kx_event ev;
	long size = 0;
	FILE *fp = fopen(path, "rb");

	if (fp && fseek(fp, 0, SEEK_END) == 0)
		size = ftell(fp);
	if (size > 0x38)
		buf = malloc((size_t)size);
	if (!fp || !buf || fseek(fp, 0, SEEK_SET) || fread(buf, 1, (size_t)size, fp) != (size_t)size) {
		printf("ok %d - corpus rounds # SKIP %s not readable\n", ++tap_run, path);
		if (fp)
			fclose(fp);
		free(buf);
		return;
	}
	fclose(fp);
	off = kx_load64(buf + 0x28, false);
	end = off + kx_load64(buf + 0x30, false);
	kx_perf_order_new(64 << 20, &o);
	while (off + 8 <= end && off + 8 <= (uint64_t)size) {
		uint32_t type = kx_load32(buf + off, false);
		uint16_t rsize = kx_load16(buf + off + 6, false);

		if (rsize < 8 || off + rsize > (uint64_t)size)
			break;
		if (type == 9) {
			struct kx_event in = { .ts = kx_load64(buf + off + 8 + 24, false) };

			if (in.ts < last_in)
				backwards_in++;
			last_in = in.ts;
			kx_perf_order_push(o, &in, 1);
		} else if (type == 68) {
			kx_perf_order_round(o);
		}
		while (kx_perf_order_pop(o, &ev) == 1) {
			if (ev.ts < prev)
				sorted = false;
			prev = ev.ts;
			n++;
		}
		off += rsize;
	}
	kx_perf_order_finish(o);
	while (kx_perf_order_pop(o, &ev) == 1) {
		if (ev.ts < prev)
			sorted = false;
		prev = ev.ts;
		n++;
	}
	is_u64(backwards_in, 365, "perf-lost.data: 365 samples out of order in the file");
	is_u64(n, 11800, "perf-lost.data: every sample delivered");
	ok(sorted, "perf-lost.data: delivered in time order");
	is_u64(kx_perf_order_late(o), 0, "perf-lost.data: none late under the two-round rule");
	is_u64(kx_perf_order_rounds(o), 718, "perf-lost.data: 718 rounds");
	ok(kx_perf_order_peak(o) < 11800 / 4, "perf-lost.data: memory bounded by the rounds");
	kx_perf_order_free(o);
	free(buf);
}

/*
 * Events of three CPUs: CPU 0 10 30 30, CPU 1 20 30 15 (15 is older than
 * its CPU's tail: off the lane path), CPU 7 30. Tags are arrival numbers.
 * By (ts, arrival): 10/0 15/5 20/3 30/1 30/2 30/4 30/6.
 */
static void test_lanes(void)
{
	static const int32_t cpus[] = { 0, 0, 0, 1, 1, 1, 7 };
	static const uint64_t tss[] = { 10, 30, 30, 20, 30, 15, 30 };
	static const uint64_t want_ts[] = { 10, 15, 20, 30, 30, 30, 30 };
	static const int32_t want_tag[] = { 0, 5, 3, 1, 2, 4, 6 };
	struct kx_perf_order *o;
	struct kx_event ev;
	uint64_t ts[16];
	int32_t tag[16];
	bool same = true;
	int i, n;

	kx_perf_order_new(1 << 20, &o);
	for (i = 0; i < 7; i++) {
		ev = ev_at(tss[i], i);
		ev.cpu = cpus[i];
		if (kx_perf_order_push(o, &ev, 1))
			break;
	}
	is_u64(i, 7, "seven events queued");
	kx_perf_order_round(o);
	is_u64(drain(o, ts, tag, 16), 0, "nothing before the second round");
	kx_perf_order_finish(o);
	n = drain(o, ts, tag, 16);
	is_u64(n, 7, "seven events");
	for (i = 0; i < n && i < 7; i++)
		if (ts[i] != want_ts[i] || tag[i] != want_tag[i])
			same = false;
	ok(same, "merged across CPUs by time, ties in arrival order");
	is_u64(kx_perf_order_peak(o), 7, "peak");
	kx_perf_order_free(o);
}

/*
 * An event out of its lane's order waits in the heap; it must come out
 * by time against the lanes' heads, whatever the order it was queued in,
 * and at the round's limit as a lane's event would.
 */
static void test_heap_against_lanes(void)
{
	struct kx_perf_order *o;
	struct kx_event ev;
	uint64_t ts[8];
	int32_t tag[8];
	int n;

	kx_perf_order_new(1 << 20, &o);
	/* CPU 0: 100, then 90 (into the heap); CPU 1: 80, queued after both */
	ev = ev_at(100, 0);
	kx_perf_order_push(o, &ev, 1);
	ev = ev_at(90, 1);
	kx_perf_order_push(o, &ev, 1);
	ev = ev_at(80, 2);
	ev.cpu = 1;
	kx_perf_order_push(o, &ev, 1);
	kx_perf_order_finish(o);
	n = drain(o, ts, tag, 8);
	ok(n == 3 && ts[0] == 80 && ts[1] == 90 && ts[2] == 100,
	   "the heap's 90 after CPU 1's 80, though queued before it");
	kx_perf_order_free(o);

	kx_perf_order_new(1 << 20, &o);
	/* round 1: CPU 0 at 100; round 2: CPU 1 at 120, then 100 (into the heap) */
	ev = ev_at(100, 0);
	kx_perf_order_push(o, &ev, 1);
	kx_perf_order_round(o);
	ev = ev_at(120, 1);
	ev.cpu = 1;
	kx_perf_order_push(o, &ev, 1);
	ev = ev_at(100, 2);
	ev.cpu = 1;
	kx_perf_order_push(o, &ev, 1);
	kx_perf_order_round(o);		/* releases up to 100, round 1's latest */
	n = drain(o, ts, tag, 8);
	ok(n == 2 && ts[0] == 100 && tag[0] == 0 && ts[1] == 100 && tag[1] == 2,
	   "at the limit: the lane's 100, then the heap's");
	kx_perf_order_finish(o);
	n = drain(o, ts, tag, 8);
	ok(n == 1 && ts[0] == 120, "120 at the end");
	kx_perf_order_free(o);
}

/* the events of window @w's stream @s as "cpu:ts/tie ..." */
static void stream_text(char *buf, size_t len, const struct kx_window *w, unsigned s,
			const struct kx_event *evs, const uint64_t *tie)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = w->start[s]; i < w->start[s + 1] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d:%llu/%llu", i > w->start[s] ? " " : "",
					 evs[i].cpu, (unsigned long long)evs[i].ts,
					 (unsigned long long)tie[i]);
}

/*
 * kx_perf_order_window(): released events CPU by CPU up to a common time.
 * CPU 0 queues 10 30 50 (seq 0-2), CPU 1 a lost marker at 20 then 30 60
 * (seq 3-5). With room for 4 events, 2 a lane, the window ends before 50
 * (CPU 0's third): CPU 0's 10 30 and CPU 1's 20 30, each with its seq for
 * ties. The orderer then holds 2 events, so a third fits a cap of 6 (it
 * would not if the 4 had not left); the next window has the three and no
 * marker, and an event at 25 after it is late.
 */
static void test_window(void)
{
	static const uint64_t ts0[] = { 10, 30, 50 }, ts1[] = { 20, 30, 60 };
	struct kx_perf_order *o;
	struct kx_event ev, evs[8];
	struct kx_window w;
	uint64_t tie[8];
	char s0[128], s1[128];
	unsigned n;

	kx_perf_order_new(6 * 56, &o);	/* 56 bytes a queued event: room for 6 */
	for (int i = 0; i < 3; i++) {
		ev = ev_at(ts0[i], i);
		kx_perf_order_push(o, &ev, 1);
	}
	for (int i = 0; i < 3; i++) {
		ev = ev_at(ts1[i], 3 + i);
		ev.cpu = 1;
		ev.kind = i == 0 ? KX_EV_LOST : ev.kind;
		kx_perf_order_push(o, &ev, 1);
	}
	kx_perf_order_finish(o);
	n = kx_perf_order_window(o, evs, 4, &w, tie);
	is_u64(n, 4, "window: four events");
	is_u64(w.nr_streams, 2, "window: two CPUs");
	stream_text(s0, sizeof(s0), &w, 0, evs, tie);
	stream_text(s1, sizeof(s1), &w, 1, evs, tie);
	is_str(s0, "0:10/0 0:30/1", "window: CPU 0's run, each with its seq");
	is_str(s1, "1:20/3 1:30/4", "window: CPU 1's run, each with its seq");
	ok(w.first_ts == 10 && w.last_ts == 30, "window: from 10 to 30");
	ok(w.lost, "window: it holds CPU 1's lost marker");
	ev = ev_at(70, 6);
	ok(kx_perf_order_push(o, &ev, 1) == 0, "two left queued: a third fits the cap of 6");
	n = kx_perf_order_window(o, evs, 8, &w, tie);
	ok(n == 3 && !w.lost && w.last_ts == 70, "the next window: 50 60 70, no marker");
	ev = ev_at(25, 7);
	ok(kx_perf_order_push(o, &ev, 1) == 0 && kx_perf_order_late(o) == 1,
	   "25 after a window that ended at 70 is late");
	kx_perf_order_free(o);

	/* CPU 0: 10 40, then 20 (into the heap); CPU 1: 30 50. The window ends
	   before the heap's 20: only 10 goes, the rest waits behind it */
	kx_perf_order_new(1 << 20, &o);
	for (int i = 0; i < 3; i++) {
		ev = ev_at(i == 0 ? 10 : i == 1 ? 40 : 20, i);
		kx_perf_order_push(o, &ev, 1);
	}
	for (int i = 0; i < 2; i++) {
		ev = ev_at(i ? 50 : 30, 3 + i);
		ev.cpu = 1;
		kx_perf_order_push(o, &ev, 1);
	}
	kx_perf_order_finish(o);
	n = kx_perf_order_window(o, evs, 8, &w, tie);
	ok(n == 1 && evs[0].ts == 10, "window: ends before the heap's older event");
	kx_perf_order_free(o);
}

/*
 * CPUs at the lanes' edges (1023 has the last lane of its own; 1024, 5000
 * and -1 share lane 0) and, on each, 97 events out of order, so that most
 * go through the heap: all 388 come out in time order, each with its CPU.
 */
static void test_lane_edges_heap(void)
{
	static const int32_t cpus[] = { 1023, 1024, 5000, -1 };
	struct kx_perf_order *o;
	struct kx_event ev;
	bool sorted = true, cpu_kept = true, all = true;
	uint64_t prev = 0;
	int n = 0;

	kx_perf_order_new(1 << 20, &o);
	for (int c = 0; c < 4; c++) {
		for (int i = 0; i < 97; i++) {
			/* 37 is prime to 97: every ts 0..96 once, in scrambled order */
			ev = ev_at((uint64_t)((i * 37) % 97) * 4 + (uint64_t)c, cpus[c]);
			ev.cpu = cpus[c];
			all = all && kx_perf_order_push(o, &ev, 1) == 0;
		}
	}
	ok(all, "388 events queued");
	kx_perf_order_finish(o);
	while (kx_perf_order_pop(o, &ev) == 1) {
		if (n && ev.ts <= prev)
			sorted = false;
		if (ev.cpu != ev.tid || ev.cpu != cpus[ev.ts % 4])
			cpu_kept = false;
		prev = ev.ts;
		n++;
	}
	is_u64(n, 388, "all delivered");
	ok(sorted, "in time order across the lanes and the heap");
	ok(cpu_kept, "each with its own CPU");
	kx_perf_order_free(o);
}

/*
 * Queue @nev events of @ev in runs of @run (the last run shorter), with a
 * round and a drain before the event at @drain_at (so later ones can come
 * late), then finish; write what comes out to @ts and @tag.
 * Return: events delivered, or -1 when a push fails.
 */
static int push_in_runs(const struct kx_event *ev, int nev, int run, int drain_at,
			uint64_t *ts, int32_t *tag, int max, uint64_t *late, uint64_t *peak)
{
	struct kx_perf_order *o;
	int i = 0, n = 0;

	kx_perf_order_new(1 << 20, &o);
	while (i < nev) {
		int len = nev - i < run ? nev - i : run;

		if (i < drain_at && i + len > drain_at)
			len = drain_at - i;
		if (i == drain_at) {
			kx_perf_order_round(o);
			kx_perf_order_round(o);
			n += drain(o, ts + n, tag + n, max - n);
		}
		if (kx_perf_order_push(o, ev + i, (unsigned)len)) {
			kx_perf_order_free(o);
			return -1;
		}
		i += len;
	}
	kx_perf_order_finish(o);
	n += drain(o, ts + n, tag + n, max - n);
	*late = kx_perf_order_late(o);
	*peak = kx_perf_order_peak(o);
	kx_perf_order_free(o);
	return n;
}

static int by_time_then_tag(const void *a, const void *b)
{
	const struct kx_event *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/*
 * A run of events goes in as the same events one by one would: runs that
 * change CPU, a lane grown several times within one run, an event older
 * than its lane's tail, and events older than one delivered.
 */
static void test_runs(void)
{
	enum { NEV = 1400 };
	static struct kx_event ev[NEV], want[NEV];
	static uint64_t ts1[NEV], tsr[NEV];
	static int32_t tag1[NEV], tagr[NEV];
	static const int runs[] = { 3, 64, NEV };
	uint64_t late1, peak1, later, peakr;
	int n1, i;

	/* CPU 0: 1000 events 10 apart (one new lane grown from 256 to 1024 in one run) */
	for (i = 0; i < 1000; i++) {
		ev[i] = ev_at(10 * (uint64_t)i, i);
		ev[i].cpu = 0;
	}
	/* CPU 1: 200 events, every 50th older than the one before it */
	for (; i < 1200; i++) {
		ev[i] = ev_at(i % 50 ? 7 * (uint64_t)(i - 1000) + 5 : 3, i);
		ev[i].cpu = 1;
	}
	/* CPU 2 and 0 in turn after a drain: the first 100 are older than events delivered */
	for (; i < NEV; i++) {
		ev[i] = ev_at(i < 1300 ? 500 + (uint64_t)i : 20000 + (uint64_t)i, i);
		ev[i].cpu = i % 2 ? 2 : 0;
	}
	/* worked out apart: each phase sorted by (time, arrival), late ones raised first */
	memcpy(want, ev, sizeof(want));
	qsort(want, 1200, sizeof(want[0]), by_time_then_tag);
	for (i = 1200; i < NEV; i++)
		if (want[i].ts < want[1199].ts)
			want[i].ts = want[1199].ts;
	qsort(want + 1200, NEV - 1200, sizeof(want[0]), by_time_then_tag);
	n1 = push_in_runs(ev, NEV, 1, 1200, ts1, tag1, NEV, &late1, &peak1);
	is_u64(n1, NEV, "one by one: every event delivered");
	for (i = 0; i < NEV && ts1[i] == want[i].ts && tag1[i] == want[i].tid; i++)
		;
	is_u64(i, NEV, "one by one: by time, ties in arrival order, late ones raised");
	is_u64(late1, 100, "one by one: the 100 older than delivered events come late");
	for (i = 0; i < (int)(sizeof(runs) / sizeof(runs[0])); i++) {
		int nr = push_in_runs(ev, NEV, runs[i], 1200, tsr, tagr, NEV, &later, &peakr);

		ok(nr == n1 && !memcmp(ts1, tsr, sizeof(ts1)) && !memcmp(tag1, tagr, sizeof(tag1)),
		   "runs of %d: the same events in the same order", runs[i]);
		ok(later == late1 && peakr == peak1, "runs of %d: the same late count and peak",
		   runs[i]);
	}
}

/* What the analysis reads of an event comes back; what the packed form leaves behind does not. */
static void test_fields(void)
{
	struct kx_event exit = { .ts = 7, .key = 0x123456789ull, .kind = KX_EV_EXIT, .cpu = 511,
				 .tid = 4001, .pid = 4000, .vcpu = 3, .buffer = 0,
				 .key_rank = 2, .key_via = 3, .key_x2apic = 1 };
	struct kx_event lost = { .ts = 8, .kind = KX_EV_LOST, .cpu = 2000, .tid = -1, .pid = -1,
				 .vcpu = KX_VCPU_UNKNOWN, .u.lost = 99 };
	struct kx_event ev;
	struct kx_perf_order *o;

	exit.u.exit = (struct kx_exit_fields){ .info1 = 1, .info2 = 2, .reason = 5, .code = 30,
					       .flags = 0x80000000u, .isa = KX_ISA_VMX,
					       .has_info = 1 };
	kx_perf_order_new(1 << 20, &o);
	kx_perf_order_push(o, &exit, 1);
	kx_perf_order_push(o, &lost, 1);
	kx_perf_order_finish(o);
	ok(kx_perf_order_pop(o, &ev) == 1, "exit popped");
	ok(ev.ts == 7 && ev.key == 0x123456789ull && ev.kind == KX_EV_EXIT && ev.cpu == 511 &&
	   ev.tid == 4001 && ev.pid == 4000 && ev.vcpu == 3 && ev.buffer == 0 &&
	   ev.key_rank == 2 && ev.key_via == 3 && ev.key_x2apic == 1,
	   "exit: time, key, thread, process, vcpu, CPU kept");
	ok(ev.u.exit.code == 30 && ev.u.exit.flags == 0x80000000u && ev.u.exit.isa == KX_ISA_VMX,
	   "exit: code, flags and isa kept");
	ok(kx_perf_order_pop(o, &ev) == 1 && ev.kind == KX_EV_LOST && ev.u.lost == 99 &&
	   ev.cpu == 2000 && ev.pid == -1, "lost marker: count and an unusual CPU kept");
	kx_perf_order_free(o);
}

int main(void)
{
	test_rounds();
	test_runs();
	test_no_rounds_stable();
	test_late();
	test_cap();
	test_lanes();
	test_lane_edges_heap();
	test_heap_against_lanes();
	test_window();
	test_fields();
	test_corpus_rounds();
	return done_testing();
}
