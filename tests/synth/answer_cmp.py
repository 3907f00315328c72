#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# answer_cmp.py - compare `kvmexit-stat report --json` with kx-synth's known
# answer: per reason count/total/min/max, per normalised sub-key (summed over
# the report's raw keys with that normalised name) count/total/min/max, guest
# count/total, host total/idle_total, lost_events; with --cycles the
# `kvmexit-stat cycles --json` totals (count, guest/host/idle totals).
# Usage: answer_cmp.py ANSWER.json REPORT.json [--cycles]  (exit 1 on a difference)
import json, sys

ans = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
bad = []


def cmp(what, got, want):
    if got != want:
        bad.append('%s: report %r, answer %r' % (what, got, want))


if '--cycles' in sys.argv:
    c = rep.get('cycles', rep)
    for k in ('count', 'guest_total', 'host_total', 'idle_total'):
        cmp('cycles.' + k, c.get(k), ans['cycles'][k])
else:
    cmp('unit', rep.get('unit'), 'ns')
    got = {e['reason']: e for e in rep.get('exits', [])}
    cmp('reasons', sorted(got), sorted(e['reason'] for e in ans['exits']))
    for e in ans['exits']:
        g = got.get(e['reason'])
        if not g:
            continue
        for k in ('count', 'total', 'min', 'max'):
            cmp('%s.%s' % (e['reason'], k), g.get(k), e[k])
        for sk in e['subkeys']:
            rows = [s for s in g.get('subkeys', []) if s.get('normalized') == sk['normalized']]
            if not rows:
                bad.append('%s: no sub-key %s' % (e['reason'], sk['normalized']))
                continue
            cmp('%s/%s.count' % (e['reason'], sk['normalized']), sum(s['count'] for s in rows), sk['count'])
            cmp('%s/%s.total' % (e['reason'], sk['normalized']), sum(s['total'] for s in rows), sk['total'])
            cmp('%s/%s.min' % (e['reason'], sk['normalized']), min(s['min'] for s in rows), sk['min'])
            cmp('%s/%s.max' % (e['reason'], sk['normalized']), max(s['max'] for s in rows), sk['max'])
    cmp('guest.count', rep.get('guest', {}).get('count'), ans['guest']['count'])
    cmp('guest.total', rep.get('guest', {}).get('total'), ans['guest']['total'])
    cmp('host.total', rep.get('host', {}).get('total'), ans['host']['total'])
    cmp('host.idle_total', rep.get('host', {}).get('idle_total'), ans['host']['idle_total'])
    cmp('lost_events', rep.get('lost_events'), ans['lost_events'])
for b in bad:
    print('# ' + b)
sys.exit(1 if bad else 0)
