#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent exit/entry pairing over `trace-cmd report -t` text.

Shares no code with kvmexit-stat: it reads the text form, pairs per thread
(kvm_exit -> next kvm_entry = host time of that exit's reason; kvm_entry ->
next kvm_exit = guest time) and prints the per-reason figures as JSON, for
the tests to compare with `kvmexit-stat report --json` on the binary file;
"threads" has each thread's exits, host total and guest total (--by vcpu),
its vcpu_id as the lines print it, and its own per-reason figures (--vcpu,
--pid); "quality" counts entries with no exit before them (orphan), exits
after an exit (unmatched) and threads that end in the host (unfinished);
"span" is the first and last time of any line; "log2" each reason's and
the guest runs' counts per power-of-two range of ns (key: bit length of
the duration, so 2 and 3 ns are range 2); "longest" the 50 longest
exits of non-idle reasons (longest first; as long: earlier, then lower
tid first), each with its kvm_exit line's time and info words as the
text prints them, and the guest mode of its rip. Each reason also counts "guest_kernel": its exits whose
rip (the guest's, as the kvm_exit line prints it) lies in the upper half
of the address space, where 64-bit guest kernels live.

With FROM and TO (ns), only the intervals that lie wholly between them
count in "exits", "guest", "threads", "log2" and "longest"; "quality" and
"span" still cover the whole text.
"""
import gzip
import json
import re
import sys

IDLE = {'HLT', 'MWAIT_INSTRUCTION', 'hlt', 'mwait', 'mwait_cond', 'idle-halt'}
LINE = re.compile(r'^\s*(?P<comm>.*)-(?P<tid>\d+)\s+\[(?P<cpu>\d+)\]\s+'
                  r'(?P<sec>\d+)\.(?P<frac>\d+):\s+(?P<event>\w+):\s*(?P<rest>.*)$')


def main(path, window=(0, 2**64 - 1)):
    def inside(start, end):
        return window[0] <= start and end <= window[1]

    opener = gzip.open if path.endswith('.gz') else open
    state = {}          # tid -> ('host', ts, reason) | ('guest', ts)
    reasons = {}
    guest = {'count': 0, 'total': 0}
    threads = {}        # tid -> exits, host/guest totals, guest_count, vcpu, reasons
    quality = {'orphan_entries': 0, 'unmatched_exits': 0, 'unfinished_exits': 0}
    span = {}
    exits = []          # (-duration, ts, tid, text time, comm, vcpu, reason)
    log2 = {}           # reason or 'guest runs' -> {bit length: count}
    with opener(path, 'rt') as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            frac = m['frac']
            ts = int(m['sec']) * 10**9 + int(frac.ljust(9, '0')[:9])
            span['first'] = min(span.get('first', ts), ts)
            span['last'] = max(span.get('last', ts), ts)
            if m['event'] not in ('kvm_exit', 'kvm_entry'):
                continue
            tid = int(m['tid'])
            prev = state.get(tid)
            th = threads.setdefault(tid, {'exits': 0, 'host_total': 0, 'guest_total': 0,
                                          'guest_count': 0, 'vcpu': None, 'reasons': {}})
            vcpu = re.match(r'vcpu (\d+)', m['rest'])
            if vcpu:
                th['vcpu'] = int(vcpu.group(1))
            if m['event'] == 'kvm_exit':
                reason = re.search(r'reason (\S+)', m['rest']).group(1)
                info = re.search(r' info (\S+) (\S+)', m['rest'])
                kernel = int(re.search(r' rip 0x([0-9a-f]+)', m['rest']).group(1), 16) >> 63
                if prev and prev[0] == 'host':
                    quality['unmatched_exits'] += 1
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
                    quality['orphan_entries'] += 1
                state[tid] = ('guest', ts)
    quality['unfinished_exits'] = sum(1 for st in state.values() if st[0] == 'host')
    longest = [{'duration': -e[0], 'start': e[1], 'tid': e[2], 'at': e[3], 'comm': e[4],
                'vcpu': e[5], 'reason': e[6], 'info': e[7],
                'guest_mode': 'kernel' if e[8] else 'user'} for e in sorted(exits)[:50]]
    json.dump({'exits': reasons, 'guest': guest, 'threads': threads, 'quality': quality,
               'span': span, 'longest': longest, 'log2': log2}, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    main(sys.argv[1], *([(int(sys.argv[2]), int(sys.argv[3]))] if len(sys.argv) > 3 else []))
