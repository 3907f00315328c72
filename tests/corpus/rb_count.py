#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent test oracle: count the ring-buffer events and missed-event
counts of a trace.dat v7 file (compression none, zlib, or zstd via the zstd
CLI), straight from the kernel's sub-buffer encoding. Shares no code with
kvmexit-stat (the file walk is rb_pages.py's); t-tracedat-counts.sh checks it against trace-cmd report first.
Prints: "records N", then "lost CPU COUNT" per page with missed events
("lost CPU unknown" when the count was not stored)."""
import struct
import sys

from rb_pages import v7_cpu_streams


def count_page(pg, e, lsize):
    """Events (type_len 0..28) in one sub-buffer; missed count or None."""
    commit = struct.unpack_from(e + ('Q' if lsize == 8 else 'I'), pg, 8)[0]
    size = commit & ((1 << 27) - 1)
    start = 8 + lsize
    missed = None
    if commit & (1 << 31):
        missed = -1
        if commit & (1 << 30):
            missed = struct.unpack_from(e + ('Q' if lsize == 8 else 'I'), pg, start + size)[0]
    i, n = 0, 0
    data = pg[start:start + size]
    while i + 4 <= size:
        hdr = struct.unpack_from(e + 'I', data, i)[0]
        type_len, delta = hdr & 31, hdr >> 5
        if type_len == 0:
            n += 1
            i += 4 + struct.unpack_from(e + 'I', data, i + 4)[0]
        elif type_len <= 28:
            n += 1
            i += 4 + 4 * type_len
        elif type_len == 29:
            if delta == 0:
                break   # the rest of the page is padding
            i += 4 + struct.unpack_from(e + 'I', data, i + 4)[0]
        else:
            i += 8      # time extend / absolute time stamp
    return n, missed


def main():
    b = open(sys.argv[1], 'rb').read()
    lsize = 8   # kernel long of the recording hosts (header_page commit size)
    records = 0
    for cpu, ps, e, stream in v7_cpu_streams(b):
        for po in range(0, len(stream), ps):
            n, missed = count_page(stream[po:po + ps], e, lsize)
            records += n
            if missed is not None:
                print('lost %d %s' % (cpu, 'unknown' if missed < 0 else missed))
    print('records %d' % records)


main()
