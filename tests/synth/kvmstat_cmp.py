#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# kvmstat_cmp.py - compare `perf kvm -i FILE stat report --event=vmexit` text
# with kx-synth's known answer: per reason the sample count exactly, and min,
# max, mean as perf prints them (µs, 2 decimals; the mean may differ by one
# unit in the last place because perf averages in floating point).
# Usage: kvmstat_cmp.py ANSWER.json=PERF_TEXT...
#   prints "PASS PERF_TEXT" or "FAIL PERF_TEXT" per pair, differences as "# " lines
import json, re, sys

ROW = re.compile(r'^\s*(\S+)\s+(\d+)\s+[\d.]+%\s+[\d.]+%\s+([\d.]+)us\s+([\d.]+)us\s+([\d.]+)us')


def compare(ans, text):
    # perf keeps 19 characters of a reason name ("avic_unaccelerated_")
    want = {e['reason'][:19]: e for e in ans['exits']}
    got = {}
    for line in text:
        m = ROW.match(line)
        if m:
            got[m[1]] = (int(m[2]), m[3], m[4], float(m[5]))
    bad = []
    if sorted(got) != sorted(want):
        bad.append('reasons: perf %s, answer %s' % (sorted(got), sorted(want)))
    for r, e in want.items():
        if r not in got:
            continue
        n, mn, mx, mean = got[r]
        exp_mean = e['total'] / e['count'] / 1000.0
        if n != e['count']:
            bad.append('%s count perf %d answer %d' % (r, n, e['count']))
        if mn != '%.2f' % (e['min'] / 1000.0) or mx != '%.2f' % (e['max'] / 1000.0):
            bad.append('%s min/max perf %s/%s answer %d/%d ns' % (r, mn, mx, e['min'], e['max']))
        if abs(mean - exp_mean) > 0.0051:
            bad.append('%s mean perf %.2f answer %.4f' % (r, mean, exp_mean))
    return bad


for pair in sys.argv[1:]:
    apath, tpath = pair.split('=', 1)
    bad = compare(json.load(open(apath)), open(tpath, errors='replace'))
    print('%s %s' % ('FAIL' if bad else 'PASS', tpath))
    for b in bad:
        print('# ' + b)
