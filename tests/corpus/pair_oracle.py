#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent exit/entry pairing over `trace-cmd report -t` text.

Shares no code with kvmexit-stat: it reads the text form, pairs per thread
(kvm_exit -> next kvm_entry = host time of that exit's reason; kvm_entry ->
next kvm_exit = guest time) and prints the per-reason figures as JSON, for
the tests to compare with `kvmexit-stat report --json` on the binary file;
"threads" has each thread's exits, host total and guest total (--by vcpu),
its vcpu_id as the lines print it, its own per-reason figures and data
quality (--vcpu, --pid), and whether it has an exit or entry line in the
window; "quality" counts entries with no exit before them (orphan), exits
after an exit (unmatched), threads that end in the host (unfinished), the
threads with an exit or entry line, and lost events: a "CPU:N [X EVENTS
DROPPED]" line is a gap before the next line of CPU N, where it counts, and
there every thread whose last exit, entry or (while in the host) helper
line was on CPU N drops what it had open (discarded);
"span" is the first and last time of any line; "log2" each reason's and
the guest runs' counts per power-of-two range of ns (key: bit length of
the duration, so 2 and 3 ns are range 2); "longest" the 50 longest
exits of non-idle reasons (longest first; as long: earlier, then lower
tid first), each with its kvm_exit line's time and info words as the
text prints them, and the guest mode of its rip. Each reason also counts "guest_kernel": its exits whose
rip (the guest's, as the kvm_exit line prints it) lies in the upper half
of the address space, where 64-bit guest kernels live.

With FROM and TO (ns), only the intervals that lie wholly between them
count in "exits", "guest", "threads", "log2" and "longest", and "quality"
counts what lies between them: an orphan entry, an unmatched or unfinished
exit and a gap at its own time, a discarded interval when both its ends do;
"span" still covers the whole text.
"""
import gzip
import json
import re
import sys

IDLE = {'HLT', 'MWAIT_INSTRUCTION', 'hlt', 'mwait', 'mwait_cond', 'idle-halt'}
HELPERS = {'kvm_apic', 'kvm_msr', 'kvm_mmio', 'kvm_pio', 'kvm_userspace_exit', 'kvm_eoi'}
DROPPED = re.compile(r'^\s*(?:(?P<inst>\S+):\s+)?CPU:(?P<cpu>\d+) \[(?:(?P<count>\d+) )?EVENTS DROPPED\]')
INSTANCE = re.compile(r'^\s*(\S+):\s')
LINE = re.compile(r'^\s*(?P<comm>.*)-(?P<tid>\d+)\s+\[(?P<cpu>\d+)\]\s+'
                  r'(?P<sec>\d+)\.(?P<frac>\d+):\s+(?P<event>\w+):\s*(?P<rest>.*)$')


def main(path, window=(0, 2**64 - 1)):
    def inside(start, end):
        return window[0] <= start and end <= window[1]

    def count(tid, what, at, until=None):
        """An anomaly of thread @tid at @at (a span from @at to @until) in the window."""
        if inside(at, at) and (until is None or inside(until, until)):
            quality[what] += 1
            threads[tid]['quality'][what] += 1

    opener = gzip.open if path.endswith('.gz') else open
    state = {}          # tid -> ('host', ts, reason) | ('guest', ts)
    reasons = {}
    guest = {'count': 0, 'total': 0}
    threads = {}        # tid -> exits, host/guest totals, guest_count, vcpu, reasons
    quality = {'orphan_entries': 0, 'unmatched_exits': 0, 'unfinished_exits': 0,
               'discarded': 0, 'lost_events': 0, 'lost_markers': 0, 'lost_unknown': 0}
    last_cpu = {}       # tid -> (instance, CPU) of its last exit, entry or helper-in-host line
    gaps = {}           # (instance, CPU) -> [events dropped before its next line (None: unknown)]
    after_gap = None    # a DROPPED line's instance: trace-cmd prints it there, not on the next line
    span = {}
    exits = []          # (-duration, ts, tid, text time, comm, vcpu, reason)
    log2 = {}           # reason or 'guest runs' -> {bit length: count}
    with opener(path, 'rt') as f:
        for line in f:
            gap = DROPPED.match(line)
            if gap:
                gaps.setdefault((gap['inst'], int(gap['cpu'])), []).append(
                    int(gap['count']) if gap['count'] else None)
                after_gap = gap['inst']
                continue
            m = LINE.match(line)
            if not m:
                continue
            frac = m['frac']
            ts = int(m['sec']) * 10**9 + int(frac.ljust(9, '0')[:9])
            span['first'] = min(span.get('first', ts), ts)
            span['last'] = max(span.get('last', ts), ts)
            inst = INSTANCE.match(line)
            cpu = (inst.group(1) if inst else after_gap, int(m['cpu']))
            after_gap = None
            if cpu in gaps:
                for lost in gaps.pop(cpu):
                    if inside(ts, ts):
                        quality['lost_markers'] += 1
                        if lost is None:
                            quality['lost_unknown'] += 1
                        else:
                            quality['lost_events'] += lost
                for gone in [t for t, st in state.items() if last_cpu.get(t) == cpu]:
                    count(gone, 'discarded', state.pop(gone)[1], ts)
            tid = int(m['tid'])
            if m['event'] in HELPERS and state.get(tid, ('',))[0] == 'host':
                last_cpu[tid] = cpu
            if m['event'] not in ('kvm_exit', 'kvm_entry'):
                continue
            last_cpu[tid] = cpu
            prev = state.get(tid)
            th = threads.setdefault(tid, {'exits': 0, 'host_total': 0, 'guest_total': 0,
                                          'guest_count': 0, 'vcpu': None, 'reasons': {},
                                          'in_window': False,
                                          'quality': {k: 0 for k in quality
                                                      if not k.startswith('lost')}})
            vcpu = re.match(r'vcpu (\d+)', m['rest'])
            if vcpu:
                th['vcpu'] = int(vcpu.group(1))
            th['in_window'] |= inside(ts, ts)
            if m['event'] == 'kvm_exit':
                reason = re.search(r'reason (\S+)', m['rest']).group(1)
                info = re.search(r' info (\S+) (\S+)', m['rest'])
                kernel = int(re.search(r' rip 0x([0-9a-f]+)', m['rest']).group(1), 16) >> 63
                if prev and prev[0] == 'host':
                    count(tid, 'unmatched_exits', prev[1])
                if prev and prev[0] == 'guest' and inside(prev[1], ts):
                    guest['count'] += 1
                    guest['total'] += ts - prev[1]
                    bits = log2.setdefault('guest runs', {})
                    bits[(ts - prev[1]).bit_length()] = bits.get((ts - prev[1]).bit_length(), 0) + 1
                    th['guest_total'] += ts - prev[1]
                    th['guest_count'] += 1
                state[tid] = ('host', ts, reason, m['sec'] + '.' + frac, m['comm'].strip(),
                              info.groups() if info else None, kernel)
            else:
                if prev and prev[0] == 'host':
                    if inside(prev[1], ts):  # else it crosses the window's edge
                        d = ts - prev[1]
                        for table in (reasons, th['reasons']):
                            r = table.setdefault(prev[2], {'count': 0, 'total': 0,
                                                           'min': d, 'max': d,
                                                           'guest_kernel': 0})
                            r['count'] += 1
                            r['guest_kernel'] += prev[6]
                            r['total'] += d
                            r['min'] = min(r['min'], d)
                            r['max'] = max(r['max'], d)
                        th['exits'] += 1
                        th['host_total'] += d
                        bits = log2.setdefault(prev[2], {})
                        bits[d.bit_length()] = bits.get(d.bit_length(), 0) + 1
                        if prev[2] not in IDLE:
                            exits.append((-d, prev[1], tid, prev[3], prev[4], th['vcpu'], prev[2],
                                          prev[5], prev[6]))
                else:
                    count(tid, 'orphan_entries', ts)
                state[tid] = ('guest', ts)
    for tid, st in state.items():
        if st[0] == 'host':
            count(tid, 'unfinished_exits', st[1])
    quality['threads'] = sum(1 for th in threads.values() if th['in_window'])
    longest = [{'duration': -e[0], 'start': e[1], 'tid': e[2], 'at': e[3], 'comm': e[4],
                'vcpu': e[5], 'reason': e[6], 'info': e[7],
                'guest_mode': 'kernel' if e[8] else 'user'} for e in sorted(exits)[:50]]
    json.dump({'exits': reasons, 'guest': guest, 'threads': threads, 'quality': quality,
               'span': span, 'longest': longest, 'log2': log2}, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    main(sys.argv[1], *([(int(sys.argv[2]), int(sys.argv[3]))] if len(sys.argv) > 3 else []))
