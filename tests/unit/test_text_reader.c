// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for input_text.c through kx_source_*: a small trace-cmd
 * report with two instances, a DROPPED line, comms with spaces and a
 * changed comm; checks every delivered event field, the instance of the
 * unprefixed record after DROPPED, ordering, comm lookups and info.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kx_source.h"
#include "source_events.h"
#include "tap.h"

static const char report[] =
	"cpus=4\n"
	"vm_a:        CPU 0/KVM-500   [002]   10.000100: kvm_exit:             reason EPT_MISCONFIG rip 0xffffffff81000010 info 0 0\n"
	"vm_a:        CPU 0/KVM-500   [002]   10.000101: kvm_mmio:             mmio write len 4 gpa 0xfee000b0 val 0x0\n"
	"vm_b:        CPU 1/KVM-601   [003]   10.000102: kvm_msr:              msr_write 838 = 0x186a0\n"
	"vm_a: CPU:2 [17 EVENTS DROPPED]\n"
	"             CPU 0/KVM-500   [002]   10.000104: kvm_entry:            vcpu 0 rip 0xffffffff81000014\n"
	"vm_b:             sort-700   [003]   10.000105: sched_switch:         sort:700 [120] S ==> swapper/3:0 [120]\n"
	"vm_b:      renamed-601       [003]   10.000106: kvm_eoi:              apicid 1 vector 236\n";

int main(void)
{
	char path[] = "/tmp/kx-text-reader.XXXXXX";
	const struct kx_source_info *info;
	struct kx_source *src = NULL;
	struct kx_diag diag = { { 0 } };
	struct kx_event ev[8] = { 0 };
	int fd = mkstemp(path), n = 0, ret;

	ok(fd >= 0 && write(fd, report, sizeof(report) - 1) == (ssize_t)(sizeof(report) - 1),
	   "temporary report written");
	close(fd);
	ret = kx_source_open(path, NULL, &src, &diag);
	ok(ret == 0, "open: %s", ret ? diag.msg : "ok");
	if (ret) {
		unlink(path);
		return done_testing();
	}
	struct source_events se = { .src = src };
	while (n < 8 && (ret = next_event(&se, &ev[n], &diag)) == 1)
		n++;
	is_u64(ret, 0, "read to the end");
	is_u64(n, 6, "exit, mmio, msr, lost, entry, eoi");
	info = kx_source_info(src);

	is_u64(ev[0].kind, KX_EV_EXIT, "1: exit");
	is_u64(ev[0].ts, 10000100000ull, "1: ts");
	ok(ev[0].cpu == 2 && ev[0].tid == 500 && ev[0].pid == -1 && ev[0].buffer == 0, "1: cpu, tid, pid, buffer");
	is_str(kx_names_get(kx_source_names(src), ev[0].u.exit.reason), "EPT_MISCONFIG", "1: reason");
	is_u64(ev[0].u.exit.code, 49, "1: code");
	is_u64(ev[1].kind, KX_EV_MMIO, "2: mmio");
	is_u64(ev[1].u.mmio.gpa, 0xfee000b0, "2: gpa");
	is_u64(ev[2].kind, KX_EV_MSR, "3: msr");
	is_u64(ev[2].buffer, 1, "3: second instance");
	is_u64(ev[3].kind, KX_EV_LOST, "4: lost marker before its record");
	ok(ev[3].cpu == 2 && ev[3].u.lost == 17 && ev[3].buffer == 0, "4: cpu, count, instance");
	is_u64(ev[3].ts, 10000104000ull, "4: takes its record's timestamp");
	is_u64(ev[4].kind, KX_EV_ENTRY, "5: entry");
	is_u64(ev[4].buffer, 0, "5: the unprefixed record after DROPPED is in the DROPPED line's instance");
	is_u64(ev[4].vcpu, 0, "5: vcpu");
	is_u64(ev[5].kind, KX_EV_EOI, "6: eoi");
	ok(ev[5].u.eoi.vector == 236 && ev[5].u.eoi.apicid == 1, "6: fields");

	is_u64(info->format, KX_FMT_TRACECMD_TEXT, "format");
	is_u64(info->resolution, 1000, "resolution 1000 ns");
	is_u64(info->nr_cpus, 4, "cpus from the header");
	is_u64(info->nr_buffers, 2, "two instances");
	ok(info->nr_buffers == 2 && !strcmp(info->buffer_names[0], "vm_a") &&
	   !strcmp(info->buffer_names[1], "vm_b"), "instance names in order of appearance");
	is_u64(info->records, 6, "records: every event line");
	ok(info->lost.events == 17 && info->lost.markers == 1 && info->lost.unknown == 0, "lost counters");
	is_u64(info->nr_event_counts, 5, "five kvm events counted");
	is_str(kx_source_comm(src, 500), "CPU 0/KVM", "comm with a space");
	is_str(kx_source_comm(src, 601), "renamed", "the latest comm of a thread");
	ok(kx_source_comm(src, 999) == NULL, "unknown tid: NULL");
	ok(info->note == NULL, "no note");

	kx_source_close(src);
	unlink(path);
	return done_testing();
}
