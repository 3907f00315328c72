// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_perf_reader.c - the perf.data reader end to end on the corpus: the
 * sequence of delivered events (timestamp in ns, kind, lost count) must be
 * exactly the sequence `perf script --ns --show-lost-events` prints for the
 * same kvm events and PERF_RECORD_LOST lines, in the same order, and never
 * decreasing. Skipped when perf or the corpus is missing.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kx_source.h"
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
static size_t perf_items(const char *path, struct item *items, size_t max)
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
		if (sscanf(end + 1, " PERF_RECORD_LOST lost %" SCNu64, &lost) == 1) {
			items[n++] = (struct item){ sec * 1000000000 + nsec, KX_EV_LOST, lost };
		} else if (sscanf(end + 1, " kvm:%127[a-z_0-9]:", name) == 1 && kind_of(name)) {
			items[n++] = (struct item){ sec * 1000000000 + nsec, kind_of(name), 0 };
		}
	}
	pclose(fp);
	return n;
}

static void check_file(const char *path, bool via_stdin)
{
	static struct item want[MAX_EVENTS];
	struct kx_source *src;
	struct kx_diag diag = { "" };
	struct kx_event ev;
	const char *label = strrchr(path, '/') + 1;
	size_t nwant = perf_items(path, want, MAX_EVENTS), n = 0, first_bad = SIZE_MAX;
	uint64_t prev = 0;
	bool ordered = true;
	int saved_stdin = -1, ret;

	if (via_stdin) {
		saved_stdin = dup(0);
		if (!freopen(path, "rb", stdin)) {
			ok(0, "%s: reopen as stdin", label);
			return;
		}
	}
	ret = kx_source_open(via_stdin ? "-" : path, NULL, &src, &diag);
	if (!ok(ret == 0, "%s%s: opens", label, via_stdin ? " (stdin)" : "")) {
		printf("#   %s\n", diag.msg);
		goto out;
	}
	while ((ret = kx_source_next(src, &ev, &diag)) == 1) {
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

int main(void)
{
	static const char *const files[] = {
		CORPUS "/local/perf-kvm.data", CORPUS "/local/perf-kvm-pipe.data",
		CORPUS "/local/perf-kvm-stat.data", CORPUS "/local/perf-lost.data",
		CORPUS "/local/perf-sched.data", CORPUS "/local/perf-pipe.data",
		CORPUS "/emulated/perf-kvm-stat.data", CORPUS "/emulated/perf-xapic.data",
		CORPUS "/emulated/perf-x2apic.data",
	};
	size_t i;

	if (system("perf --version >/dev/null 2>&1") != 0 || access(files[0], R_OK) != 0) {
		printf("ok 1 - perf.data corpus sequences # SKIP perf or corpus missing\n");
		printf("1..1\n");
		return 0;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_file(files[i], false);
	check_file(CORPUS "/local/perf-kvm-pipe.data", true);
	return done_testing();
}
