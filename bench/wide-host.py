#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""wide-host.py SCENARIO.in PASSES [VCPUS [CPUS]]: the busy-host scenario on a wide host.

The first vCPU of SCENARIO.in (bench/busy-host.scn.in) VCPUS times over
(default 32), on CPUS host CPUs (default 64): vCPU v alternates between
CPUs v and v + CPUS / 2 (modulo CPUS), so with VCPUS = CPUS / 2 every CPU
stream carries events. Written to stdout.
"""
import sys


def main():
    vcpus = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    CPUS = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    text = open(sys.argv[1]).read().replace("@REPS@", sys.argv[2])
    text = text.replace("cpus 8", "cpus %d" % CPUS)
    head, first = text.split("vcpu tid=", 2)[:2]
    block = "vcpu tid=" + first[:first.index("\n}\n") + 3]
    settings = [l for l in head.splitlines(True) if not l.startswith("#")]
    out = ["# wide-host: the first vCPU of %s %d times over on %d CPUs.\n"
           "# Events = %d * (1 + 21 * %s).\n"
           % (sys.argv[1].split("/")[-1], vcpus, CPUS, vcpus, sys.argv[2])] + settings
    for v in range(vcpus):
        b = block.replace("tid=4001", "tid=%d" % (5000 + v))
        b = b.replace("vcpu=0", "vcpu=%d" % v)
        b = b.replace('"CPU 0/KVM"', '"CPU %d/KVM"' % v)
        b = b.replace("cpu=0 {", "cpu=%d {" % (v % CPUS))
        b = b.replace("migrate cpu 4\n", "migrate cpu %d\n" % ((v + CPUS // 2) % CPUS))
        b = b.replace("migrate cpu 0\n", "migrate cpu %d\n" % (v % CPUS))
        out.append(b)
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
