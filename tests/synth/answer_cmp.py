#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# answer_cmp.py - compare `kvmexit-stat report --json` with kx-synth's known
# answer: per reason code/isa/count/total/min/max and exits from the guest kernel
# (every exit's guest_rip known), per normalised sub-key (summed over the report's
# raw keys with that normalised name) count/total/min/max/guest kernel exits, guest
# count/total, host total/idle_total, lost_events, discarded, orphan_entries,
# unfinished_exits, and where the report has one (--longest 20) its list of
# the longest exits (time, duration, thread, VM process where perf.data
# records it, vCPU, buffer, reason and its code, normalised sub-key, guest
# mode); with --cycles the
# `kvmexit-stat cycles --json` totals (count, guest/host/idle totals).
# Usage: answer_cmp.py [--cycles] ANSWER.json=REPORT.json...
#   prints "PASS REPORT" or "FAIL REPORT" per pair, differences as "# " lines
import json, sys



def compare(ans, rep, cycles):
    bad = []

    def cmp(what, got, want):
        if got != want:
            bad.append('%s: report %r, answer %r' % (what, got, want))

    if cycles:
        c = rep.get('cycles', rep)
        for k in ('count', 'guest_total', 'host_total', 'idle_total'):
            cmp('cycles.' + k, c.get(k), ans['cycles'][k])
        return bad
    cmp('unit', rep.get('unit'), 'ns')
    got = {e['reason']: e for e in rep.get('exits', [])}
    cmp('reasons', sorted(got), sorted(e['reason'] for e in ans['exits']))
    for e in ans['exits']:
        g = got.get(e['reason'])
        if not g:
            continue
        for k in ('code', 'isa', 'count', 'total', 'min', 'max', 'guest_kernel'):
            cmp('%s.%s' % (e['reason'], k), g.get(k), e[k])
        cmp('%s.guest_mode_known' % e['reason'], g.get('guest_mode_known'), e['count'])
        for sk in e['subkeys']:
            name = '%s/%s' % (e['reason'], sk['normalized'])
            rows = [s for s in g.get('subkeys', []) if s.get('normalized') == sk['normalized']]
            if not rows:
                bad.append('%s: no such sub-key in the report' % name)
                continue
            cmp(name + '.count', sum(s['count'] for s in rows), sk['count'])
            cmp(name + '.total', sum(s['total'] for s in rows), sk['total'])
            cmp(name + '.min', min(s['min'] for s in rows), sk['min'])
            cmp(name + '.max', max(s['max'] for s in rows), sk['max'])
            cmp(name + '.guest_kernel', sum(s['guest_kernel'] for s in rows), sk['guest_kernel'])
    for part, keys in (('guest', ('count', 'total')), ('host', ('total', 'idle_total'))):
        for k in keys:
            cmp('%s.%s' % (part, k), rep.get(part, {}).get(k), ans[part][k])
    for k in ('lost_events', 'discarded', 'orphan_entries', 'unfinished_exits'):
        cmp(k, rep.get(k), ans[k])
    if 'longest' not in rep:
        return bad
    fields = ('start', 'duration', 'tid', 'pid', 'vcpu', 'buffer', 'reason', 'code',
              'normalized', 'guest_mode')
    got = [{k: e.get(k) for k in fields} for e in rep.get('longest', [])]
    # perf.data has no buffers (its report names only the one unnamed
    # buffer) but has each thread's process; trace.dat has no processes
    perf = rep.get('input', {}).get('format', '').startswith('perf')
    for i, want in enumerate(ans['longest']):
        want = {k: want[k] for k in fields if k in want}
        want['pid'] = ans['longest'][i]['vm'] if perf else -1
        if perf:
            want['buffer'] = ''
        cmp('longest[%d]' % i, got[i] if i < len(got) else None, want)
    cmp('longest: exits listed', len(got), len(ans['longest']))
    return bad


cycles = '--cycles' in sys.argv
for pair in [a for a in sys.argv[1:] if a != '--cycles']:
    apath, rpath = pair.split('=', 1)
    try:
        bad = compare(json.load(open(apath)), json.load(open(rpath)), cycles)
    except (ValueError, OSError) as e:
        bad = ['cannot read: %s' % e]
    print('%s %s' % ('FAIL' if bad else 'PASS', rpath))
    for b in bad[:10]:
        print('# ' + b)
