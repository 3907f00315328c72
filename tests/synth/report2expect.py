#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# report2expect.py - turn `trace-cmd report -t -N` or `perf script --ns` text
# into kx-synth's expected-event lines (ts_ns cpu tid event key=value ...),
# sorted, so the real tools' view of a synthesized file can be compared with
# what the scenario says. Independent of kvmexit-stat: parses the text only.
# Usage: report2expect.py trace-cmd|perf < TEXT
#        report2expect.py --check trace-cmd|perf EXPECT=TEXT...
#          compares each TEXT with kx-synth's --expect file (perf: without the
#          LOST lines, perf script does not print them) and prints one
#          "PASS TEXT" or "FAIL TEXT" line per pair, differences as "# " lines.
import re, sys

TC = re.compile(r'^\s*(?:\S+:\s+)?(.*?)-(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d{9}): (\w+):\s+(.*)$')
PERF = re.compile(r'^\s*(.*?)\s+(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d{9}):\s+kvm:(\w+):\s+(.*)$')
LOST = re.compile(r'^\s*(?:\S+:\s+)?CPU:(\d+) \[(\d+) EVENTS DROPPED\]')
H = r'0x([0-9a-f]+)'
FIELDS = {
    'kvm_exit': (re.compile(r'vcpu (\d+) reason (\S+) rip ' + H + ' info1 ' + H + ' info2 ' + H),
                 lambda m: 'vcpu=%s reason=%s rip=0x%x info1=0x%x info2=0x%x' % (
                     m[1], m[2], int(m[3], 16), int(m[4], 16), int(m[5], 16))),
    'kvm_entry': (re.compile(r'vcpu (\d+), rip ' + H),
                  lambda m: 'vcpu=%s rip=0x%x' % (m[1], int(m[2], 16))),
    'kvm_apic': (re.compile(r'apic_(write|read) (\S+) = ' + H),
                 lambda m: 'rw=%s reg=%s val=0x%x' % (m[1], m[2], int(m[3], 16))),
    'kvm_msr': (re.compile(r'msr_(write|read) ([0-9a-f]+) = ' + H),
                lambda m: 'rw=%s ecx=0x%x data=0x%x' % (m[1], int(m[2], 16), int(m[3], 16))),
    'kvm_mmio': (re.compile(r'mmio (\S+) len (\d+) gpa ' + H + ' val ' + H),
                 lambda m: 'type=%s len=%s gpa=0x%x val=0x%x' % (m[1], m[2], int(m[3], 16),
                                                                int(m[4], 16))),
    'kvm_pio': (re.compile(r'pio_(write|read) at ' + H + r' size (\d+) count (\d+) val ' + H),
                lambda m: 'rw=%s port=0x%x size=%s count=%s val=0x%x' % (
                    m[1], int(m[2], 16), m[3], m[4], int(m[5], 16))),
    'kvm_userspace_exit': (re.compile(r'reason \S+ \((\d+)\)'), lambda m: 'reason=%s' % m[1]),
    'kvm_eoi': (re.compile(r'apicid ([0-9a-f]+) vector (-?\d+)'),
                lambda m: 'apicid=%d vector=%s' % (int(m[1], 16), m[2])),
}


def convert(mode, lines):
    out, lost = [], {}
    for line in lines:
        line = line.rstrip('\n')
        m = LOST.match(line)
        if m:
            lost[int(m[1])] = lost.get(int(m[1]), 0) + int(m[2])
            continue
        m = (TC if mode == 'trace-cmd' else PERF).match(line)
        if not m:
            continue
        tid, cpu, ns = int(m[2]), int(m[3]), int(m[4]) * 10**9 + int(m[5])
        ev, text = m[6], m[7]
        if cpu in lost:
            out.append((ns, '%d %d - LOST count=%d' % (ns, cpu, lost.pop(cpu))))
        f = FIELDS.get(ev)
        fm = f[0].search(text) if f else None
        fields = f[1](fm) if fm else 'UNPARSED ' + text
        out.append((ns, '%d %d %d %s %s' % (ns, cpu, tid, ev, fields)))
    out.sort()
    return [l for _, l in out]


def expected(path, mode):
    lines = [l.rstrip('\n') for l in open(path)]
    if mode == 'perf':
        lines = [l for l in lines if ' - LOST ' not in l]
    return [l for _, l in sorted((int(l.split(' ', 1)[0]), l) for l in lines)]


def main():
    if sys.argv[1] != '--check':
        for l in convert(sys.argv[1], sys.stdin):
            print(l)
        return
    mode = sys.argv[2]
    for pair in sys.argv[3:]:
        exp, text = pair.split('=', 1)
        want, got = expected(exp, mode), convert(mode, open(text, errors='replace'))
        print('%s %s' % ('PASS' if want == got and want else 'FAIL', text))
        if want != got:
            print('# %d expected lines, %d from the tool' % (len(want), len(got)))
            for w, g in [(w, g) for w, g in zip(want, got) if w != g][:3]:
                print('#   want: ' + w)
                print('#   got:  ' + g)


main()
