// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_perf_reader.c - the perf.data reader end to end. On the corpus the
 * delivered (ns, kind, lost) sequence must be exactly what `perf script --ns
 * --show-lost-events` prints for the same kvm events and PERF_RECORD_LOST
 * lines; rewritten copies check files without FINISHED_ROUND (sort cap) and
 * single-attr streams without ids; kx-synth files (an independent writer)
 * check kvm_exit/kvm_entry, reasons, vCPUs, thread names and lost totals.
 * Skipped when perf or the corpus is missing.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kx_cursor.h"
#include "kx_source.h"
#include "source_events.h"
#include "tap.h"

#define CORPUS "../shared/corpus"
#define MAX_EVENTS 40000

struct item {
	uint64_t ts;
	uint32_t kind;
	uint64_t lost;
};

static const char *const kind_names[] = {
	[KX_EV_EXIT] = "kvm_exit", [KX_EV_ENTRY] = "kvm_entry", [KX_EV_APIC] = "kvm_apic",
	[KX_EV_MSR] = "kvm_msr", [KX_EV_MMIO] = "kvm_mmio", [KX_EV_PIO] = "kvm_pio",
	[KX_EV_USERSPACE_EXIT] = "kvm_userspace_exit", [KX_EV_EOI] = "kvm_eoi",
};

static uint32_t kind_of(const char *name)
{
	uint32_t k;

	for (k = KX_EV_EXIT; k <= KX_EV_EOI; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return 0;
}

/* "  510.493692804:        kvm:kvm_pio: " or "  462.998547398: PERF_RECORD_LOST lost 3" */
static size_t perf_items(const char *path, uint32_t only_kind, struct item *items, size_t max)
{
	char cmd[512], line[512];
	size_t n = 0;
	FILE *fp;

	snprintf(cmd, sizeof(cmd),
		 "perf script --ns --show-lost-events -F time,event -i '%s' 2>/dev/null", path);
	fp = popen(cmd, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp) && n < max) {
		char *p = line, *end;
		uint64_t sec, nsec;
		char name[128];
		uint64_t lost;

		sec = strtoull(p, &end, 10);
		if (*end != '.')
			continue;
		nsec = strtoull(end + 1, &end, 10);
		if (*end != ':')
			continue;
		if (sscanf(end + 1, " PERF_RECORD_LOST lost %" SCNu64, &lost) == 1 && !only_kind) {
			items[n++] = (struct item){ sec * 1000000000 + nsec, KX_EV_LOST, lost };
		} else if (sscanf(end + 1, " kvm:%127[a-z_0-9]:", name) == 1 && kind_of(name) &&
			   (!only_kind || kind_of(name) == only_kind)) {
			items[n++] = (struct item){ sec * 1000000000 + nsec, kind_of(name), 0 };
		}
	}
	pclose(fp);
	return n;
}

/* Read @path (perf's view, @only_kind events if not 0) through the reader from @kx_path. */
static void check_sequence(const char *path, const char *kx_path, uint32_t only_kind,
			   const struct kx_source_opts *opts, bool via_stdin)
{
	static struct item want[MAX_EVENTS];
	struct kx_source *src;
	struct kx_diag diag = { "" };
	struct kx_event ev = { 0 };
	const char *label = strrchr(kx_path, '/') + 1;
	size_t nwant = perf_items(path, only_kind, want, MAX_EVENTS), n = 0, first_bad = SIZE_MAX;
	uint64_t prev = 0;
	bool ordered = true;
	int saved_stdin = -1, ret;

	if (via_stdin) {
		saved_stdin = dup(0);
		if (!freopen(kx_path, "rb", stdin)) {
			ok(0, "%s: reopen as stdin", label);
			return;
		}
	}
	ret = kx_source_open(via_stdin ? "-" : kx_path, opts, &src, &diag);
	if (!ok(ret == 0, "%s%s: opens", label, via_stdin ? " (stdin)" : "")) {
		printf("#   %s\n", diag.msg);
		goto out;
	}
	struct source_events se = { .src = src };
	while ((ret = next_event(&se, &ev, &diag)) == 1) {
		if (ev.ts < prev)
			ordered = false;
		prev = ev.ts;
		if (first_bad == SIZE_MAX &&
		    (n >= nwant || want[n].ts != ev.ts || want[n].kind != ev.kind ||
		     (ev.kind == KX_EV_LOST && want[n].lost != ev.u.lost)))
			first_bad = n;
		n++;
	}
	ok(ret == 0, "%s: reads to the end %s", label, ret ? diag.msg : "");
	ok(ordered, "%s: timestamps never decrease", label);
	is_u64(n, nwant, "delivered events = perf script's kvm events and LOST lines");
	if (!ok(first_bad == SIZE_MAX, "%s: same (ns, event, lost) sequence as perf script", label) &&
	    first_bad < nwant)
		printf("#   first difference at #%zu: perf %" PRIu64 " kind %u\n", first_bad,
		       want[first_bad].ts, want[first_bad].kind);
	kx_source_close(src);
out:
	if (via_stdin && saved_stdin >= 0) {
		dup2(saved_stdin, 0);
		close(saved_stdin);
		clearerr(stdin);
	}
}

static void check_file(const char *path, bool via_stdin)
{
	check_sequence(path, path, 0, NULL, via_stdin);
}

/* A copy of file-mode @path in a temporary file whose FINISHED_ROUND records became type 0x7fff. */
static bool copy_without_rounds(const char *path, char *tmp, size_t tmp_len)
{
	unsigned char *buf = NULL;
	uint64_t off, end;
	long size = 0;
	bool done = false;
	FILE *in = fopen(path, "rb"), *out = NULL;
	int fd;

	snprintf(tmp, tmp_len, "%s/kx-perf-norounds.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(tmp);
	if (fd >= 0)
		out = fdopen(fd, "wb");
	if (in && fseek(in, 0, SEEK_END) == 0)
		size = ftell(in);
	if (size > 0x38)
		buf = malloc((size_t)size);
	if (in && out && buf && !fseek(in, 0, SEEK_SET) && fread(buf, 1, (size_t)size, in) == (size_t)size) {
		off = kx_load64(buf + 0x28, false);
		end = off + kx_load64(buf + 0x30, false);
		while (off + 8 <= end && off + 8 <= (uint64_t)size && kx_load16(buf + off + 6, false) >= 8) {
			if (kx_load32(buf + off, false) == 68)
				memcpy(buf + off, "\xff\x7f\0\0", 4);
			off += kx_load16(buf + off + 6, false);
		}
		done = fwrite(buf, 1, (size_t)size, out) == (size_t)size;
	}
	if (in)
		fclose(in);
	if (out)
		done = !fclose(out) && done;
	else if (fd >= 0)
		close(fd);
	free(buf);
	return done;
}

static int open_and_drain(const char *path, const struct kx_source_opts *opts, struct kx_diag *diag)
{
	struct kx_source *src;
	struct kx_event ev = { 0 };
	int ret = kx_source_open(path, opts, &src, diag);

	if (ret)
		return ret;
	struct source_events se = { .src = src };
	while ((ret = next_event(&se, &ev, diag)) == 1)
		;
	kx_source_close(src);
	return ret;
}

/* Without FINISHED_ROUND everything is sorted at the end, within the memory cap. */
static void test_sort_cap(void)
{
	const char *path = CORPUS "/emulated/perf-x2apic.data";
	struct kx_source_opts small = { .sort_mem_cap = 64 << 10 };
	struct kx_diag diag = { "" };
	struct kx_source *src;
	struct kx_event ev = { 0 };
	const char *note;
	char tmp[256];
	int ret;

	if (!copy_without_rounds(path, tmp, sizeof(tmp))) {
		ok(0, "copy perf-x2apic.data without FINISHED_ROUND");
		return;
	}
	check_sequence(path, tmp, 0, NULL, false);
	if (kx_source_open(tmp, NULL, &src, &diag) == 0) {
		struct source_events se = { .src = src };
		while (next_event(&se, &ev, &diag) == 1)
			;
		note = kx_source_info(src)->note;
		ok(note && strstr(note, "no FINISHED_ROUND markers: all 2114 events"),
		   "no rounds: the note says everything was sorted in memory");
		kx_source_close(src);
	}
	ret = open_and_drain(tmp, &small, &diag);
	is_u64(-ret, KX_ESORTMEM, "no rounds, 64 KiB cap: -KX_ESORTMEM");
	ok(strstr(diag.msg, "without them") && strstr(diag.msg, "64 KiB") &&
	   strstr(diag.msg, "--sort-mem"),
	   "the message says why and how to raise the cap: %s", diag.msg);
	/* perf-kvm.data: its second round window holds more than 4 KiB of kvm events */
	ret = open_and_drain(CORPUS "/local/perf-kvm.data",
			     &(struct kx_source_opts){ .sort_mem_cap = 4 << 10 }, &diag);
	is_u64(-ret, KX_ESORTMEM, "with rounds, 4 KiB cap: -KX_ESORTMEM");
	ok(strstr(diag.msg, "between two FINISHED_ROUND"), "the message names the round window: %s",
	   diag.msg);
	ok(open_and_drain(path, &small, &diag) == 0, "with rounds, 64 KiB is enough");
	unlink(tmp);
}

/* "name: kvm_pio\nID: 85" in the tracing data: the tracepoint id of kvm_pio */
static uint64_t tracepoint_id(const unsigned char *buf, size_t len, const char *name)
{
	char needle[64];
	size_t n, i;

	n = (size_t)snprintf(needle, sizeof(needle), "name: %s\nID: ", name);
	for (i = 0; i + n < len; i++)
		if (!memcmp(buf + i, needle, n))
			return strtoull((const char *)buf + i + n, NULL, 10);
	return UINT64_MAX;
}

static bool has_id(const unsigned char *ids, size_t nr, uint64_t id)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (kx_load64(ids + 8 * i, false) == id)
			return true;
	return false;
}

/*
 * From pipe-mode @path, a pipe stream with only the kvm_pio attr, no ids,
 * and its samples without IDENTIFIER: the single-attr layout where samples
 * carry no id at all. Other records are dropped except FINISHED_ROUND.
 */
static bool single_attr_copy(const char *path, const char *out_path)
{
	unsigned char *buf = NULL, *ids = NULL;
	size_t nr_ids = 0;
	uint64_t off, pio = UINT64_MAX;
	long size = 0;
	bool done = false;
	FILE *in = fopen(path, "rb"), *out = fopen(out_path, "wb");
	int pass;

	if (in && fseek(in, 0, SEEK_END) == 0)
		size = ftell(in);
	if (size > 16)
		buf = malloc((size_t)size);
	if (!in || !out || !buf || fseek(in, 0, SEEK_SET) ||
	    fread(buf, 1, (size_t)size, in) != (size_t)size)
		goto out;
	fwrite(buf, 1, 16, out);
	for (pass = 0; pass < 3; pass++) {
		for (off = 16; off + 8 <= (uint64_t)size;) {
			uint32_t type = kx_load32(buf + off, false);
			uint16_t rsize = kx_load16(buf + off + 6, false);
			uint64_t next = off + rsize;
			unsigned char rec[65536];

			if (rsize < 8 || next > (uint64_t)size)
				goto out;
			if (type == 66) {		/* tracing data follows the record */
				next += kx_load32(buf + off + 8, false);
				if (pass == 0)
					pio = tracepoint_id(buf + off + rsize, next - off - rsize, "kvm_pio");
				if (pass == 2)
					fwrite(buf + off, 1, next - off, out);
			} else if (type == 64 && pass == 1 &&
				   kx_load64(buf + off + 16, false) == pio) {
				uint32_t asize = kx_load32(buf + off + 12, false);

				ids = buf + off + 8 + asize;
				nr_ids = (rsize - 8 - asize) / 8;
				memcpy(rec, buf + off, 8 + asize);
				rec[6] = (uint8_t)(8 + asize);
				rec[7] = (uint8_t)((8 + asize) >> 8);
				rec[8 + 24 + 2] &= (uint8_t)~1;	/* sample_type: IDENTIFIER is bit 16 */
				fwrite(rec, 1, 8 + asize, out);
			} else if (type == 9 && pass == 2 && has_id(ids, nr_ids, kx_load64(buf + off + 8, false))) {
				memcpy(rec, buf + off, 8);
				memcpy(rec + 8, buf + off + 16, rsize - 16u);
				rec[6] = (uint8_t)(rsize - 8);
				rec[7] = (uint8_t)((rsize - 8) >> 8);
				fwrite(rec, 1, rsize - 8u, out);
			} else if (type == 68 && pass == 2) {
				fwrite(buf + off, 1, rsize, out);
			}
			off = next;
		}
	}
	done = pio != UINT64_MAX && nr_ids > 0;
out:
	if (in)
		fclose(in);
	if (out)
		done = !fclose(out) && done;
	free(buf);
	return done;
}

static void test_single_attr(void)
{
	const char *path = CORPUS "/local/perf-kvm-pipe.data";
	char tmp[256];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/kx-perf-single.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(tmp);
	if (fd < 0 || !single_attr_copy(path, tmp)) {
		ok(0, "single-attr copy of perf-kvm-pipe.data");
	} else {
		check_sequence(path, tmp, KX_EV_PIO, NULL, false);
	}
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
}

/* One line of kx-synth's expected event list: "ts cpu tid name fields..." */
struct expect {
	uint64_t ts;
	int32_t cpu, tid;
	uint32_t kind;
	char reason[32];	/* kvm_exit only */
	int32_t vcpu;		/* kvm_exit/kvm_entry only */
};

static int cmp_expect(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

/*
 * kx-synth (an independent writer, tests/synth) makes perf.data files with
 * kvm_exit/kvm_entry and its expected event list: the reader must deliver
 * the same events (time, cpu, thread, kind, exit reason, vcpu), in time
 * order, with the thread names and lost totals of the scenario.
 */
static void check_synth(const char *scenario, const char *kind, const char *comm_tid_name)
{
	static struct expect want[MAX_EVENTS], got[MAX_EVENTS];
	const char *build = getenv("KX_BUILD") ? getenv("KX_BUILD") : "build";
	char data[256], expect[256], cmd[1024], line[512], tid_name[64];
	uint64_t want_lost = 0, want_markers = 0, prev = 0;
	size_t nwant = 0, ngot = 0, i, bad = SIZE_MAX;
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct kx_diag diag = { "" };
	struct kx_source *src;
	struct kx_event ev = { 0 };
	bool ordered = true;
	int32_t comm_tid;
	FILE *fp;
	int ret;

	snprintf(data, sizeof(data), "%s/kx-synth-%d.%s", tmpdir, (int)getpid(), kind);
	snprintf(expect, sizeof(expect), "%s/kx-synth-%d.expect", tmpdir, (int)getpid());
	snprintf(cmd, sizeof(cmd), "'%s/kx-synth' -o %s='%s' -e '%s' 'tests/fixtures/%s.scn'",
		 build, kind, data, expect, scenario);
	if (!ok(system(cmd) == 0, "%s: kx-synth writes %s", scenario, kind))
		return;
	fp = fopen(expect, "r");
	while (fp && fgets(line, sizeof(line), fp) && nwant < MAX_EVENTS) {
		struct expect e = { .vcpu = KX_VCPU_UNKNOWN };
		char name[64], tid[16];
		const char *f;
		uint64_t count;

		if (sscanf(line, "%" SCNu64 " %d %15s %63s", &e.ts, &e.cpu, tid, name) != 4)
			continue;
		if (!strcmp(name, "LOST") && (f = strstr(line, "count=")) &&
		    sscanf(f, "count=%" SCNu64, &count) == 1) {
			want_lost += count;
			want_markers++;
			continue;
		}
		e.kind = kind_of(name);
		if (!e.kind)
			continue;
		e.tid = atoi(tid);
		if (e.kind == KX_EV_EXIT && (f = strstr(line, " reason=")))
			sscanf(f, " reason=%31s", e.reason);
		if ((f = strstr(line, " vcpu=")))
			sscanf(f, " vcpu=%d", &e.vcpu);
		want[nwant++] = e;
	}
	if (fp)
		fclose(fp);
	ret = kx_source_open(data, NULL, &src, &diag);
	if (!ok(ret == 0, "%s.%s: opens %s", scenario, kind, diag.msg))
		goto out;
	struct source_events se = { .src = src };
	while ((ret = next_event(&se, &ev, &diag)) == 1 && ngot < MAX_EVENTS) {
		struct expect e = { ev.ts, ev.cpu, ev.tid, ev.kind, "", KX_VCPU_UNKNOWN };
		const char *r;

		if (ev.ts < prev)
			ordered = false;
		prev = ev.ts;
		if (ev.kind == KX_EV_LOST)
			continue;
		if (ev.kind == KX_EV_EXIT && (r = kx_names_get(kx_source_names(src), ev.u.exit.reason)))
			snprintf(e.reason, sizeof(e.reason), "%s", r);
		if (ev.kind == KX_EV_EXIT || ev.kind == KX_EV_ENTRY)
			e.vcpu = ev.vcpu;
		got[ngot++] = e;
	}
	ok(ret == 0, "%s.%s: reads to the end %s", scenario, kind, ret ? diag.msg : "");
	ok(ordered, "%s.%s: timestamps never decrease", scenario, kind);
	is_u64(ngot, nwant, "events delivered = events expected");
	qsort(want, nwant, sizeof(*want), cmp_expect);
	qsort(got, ngot, sizeof(*got), cmp_expect);
	for (i = 0; i < nwant && i < ngot && bad == SIZE_MAX; i++)
		if (cmp_expect(&want[i], &got[i]) || want[i].vcpu != got[i].vcpu)
			bad = i;
	if (!ok(bad == SIZE_MAX, "%s.%s: same (ts, cpu, tid, kind, reason, vcpu) events", scenario, kind))
		printf("#   first difference: want %" PRIu64 " %d %d %u %s, got %" PRIu64 " %d %d %u %s\n",
		       want[bad].ts, want[bad].cpu, want[bad].tid, want[bad].kind, want[bad].reason,
		       got[bad].ts, got[bad].cpu, got[bad].tid, got[bad].kind, got[bad].reason);
	is_u64(kx_source_info(src)->lost.events, want_lost, "lost events = the scenario's");
	is_u64(kx_source_info(src)->lost.markers, want_markers, "lost markers = the scenario's");
	if (comm_tid_name && sscanf(comm_tid_name, "%d=%63[^\n]", &comm_tid, tid_name) == 2)
		is_str(kx_source_comm(src, comm_tid), tid_name, "thread name from the recording");
	kx_source_close(src);
out:
	unlink(data);
	unlink(expect);
}

int main(void)
{
	static const char *const files[] = {
		CORPUS "/local/perf-kvm.data", CORPUS "/local/perf-kvm-pipe.data",
		CORPUS "/local/perf-kvm-stat.data", CORPUS "/local/perf-lost.data",
		CORPUS "/local/perf-sched.data", CORPUS "/local/perf-pipe.data",
		CORPUS "/emulated/perf-kvm-stat.data", CORPUS "/emulated/perf-xapic.data",
		CORPUS "/emulated/perf-x2apic.data",
	};
	char synth[256];
	size_t i;

	if (system("perf --version >/dev/null 2>&1") != 0 || access(files[0], R_OK) != 0) {
		printf("ok 1 - perf.data corpus sequences # SKIP perf or corpus missing\n");
		printf("1..1\n");
		return 0;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_file(files[i], false);
	check_file(CORPUS "/local/perf-kvm-pipe.data", true);
	test_sort_cap();
	test_single_attr();
	snprintf(synth, sizeof(synth), "%s/kx-synth",
		 getenv("KX_BUILD") ? getenv("KX_BUILD") : "build");
	if (access("tests/fixtures/multi-vm.scn", R_OK) || access(synth, X_OK)) {
		printf("ok %d - kx-synth files # SKIP kx-synth or its fixtures missing\n", ++tap_run);
	} else {
		check_synth("multi-vm", "perf", "5101=CPU 0/KVM");
		check_synth("multi-vm", "perf-pipe", "5102=CPU 1/KVM");
		check_synth("lost", "perf", NULL);
		check_synth("lost", "perf-pipe", NULL);
		check_synth("svm", "perf", NULL);
		check_synth("seed-xapic", "perf-pipe", NULL);
	}
	return done_testing();
}
