#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# sortexpect.py - sort kx-synth --expect lines the way report2expect.py sorts
# (by timestamp, then text); --no-lost drops the LOST lines (perf script
# does not print them). Usage: sortexpect.py [--no-lost] < EXPECT
import sys

lines = [l.rstrip('\n') for l in sys.stdin]
if '--no-lost' in sys.argv:
    lines = [l for l in lines if ' - LOST ' not in l]
for _, l in sorted((int(l.split(' ', 1)[0]), l) for l in lines):
    print(l)
