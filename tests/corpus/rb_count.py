#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent test oracle: count the ring-buffer events and missed-event
counts of a trace.dat v7 file (compression none, zlib, or zstd via the zstd
CLI), straight from the kernel's sub-buffer encoding. Shares no code with
kvmexit-stat; t-tracedat-counts.sh checks it against trace-cmd report first.
Prints: "records N", then "lost CPU COUNT" per page with missed events
("lost CPU unknown" when the count was not stored)."""
import struct
import subprocess
import sys
import zlib


def unz(alg, data):
    if alg == 'zlib':
        return zlib.decompress(data)
    return subprocess.run(['zstd', '-d', '-c', '-q'], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


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
    p = b.index(b'\0', 10) + 1
    e = '>' if b[p] else '<'
    lsize = 8   # kernel long of the recording hosts (header_page commit size)
    p += 6
    q = b.index(b'\0', p)
    alg = b[p:q].decode()
    p = b.index(b'\0', q + 1) + 1
    off = struct.unpack_from(e + 'Q', b, p)[0]
    buffers = []
    while off:
        _, flags, _, size = struct.unpack_from(e + 'HHIQ', b, off)
        body = b[off + 16:off + 16 + size]
        if flags & 1:
            cs = struct.unpack_from(e + 'I', body, 0)[0]
            body = unz(alg, body[8:8 + cs])
        o, off = 0, 0
        while o < len(body):
            oid, osz = struct.unpack_from(e + 'HI', body, o)
            data = body[o + 6:o + 6 + osz]
            o += 6 + osz
            if oid == 0:
                off = struct.unpack_from(e + 'Q', data)[0]
                break
            if oid == 3:
                j = data.index(b'\0', 8) + 1
                j = data.index(b'\0', j) + 1
                ps, ncpu = struct.unpack_from(e + 'II', data, j)
                cpus = [struct.unpack_from(e + 'IQQ', data, j + 8 + 20 * k) for k in range(ncpu)]
                buffers.append((ps, cpus))
    records = 0
    for ps, cpus in buffers:
        for cpu, coff, csize in cpus:
            if alg == 'none':
                stream = b[coff:coff + csize]
            else:
                n = struct.unpack_from(e + 'I', b, coff)[0]
                p, stream = coff + 4, b''
                for _ in range(n):
                    cs, _ = struct.unpack_from(e + 'II', b, p)
                    stream += unz(alg, b[p + 8:p + 8 + cs])
                    p += 8 + cs
            for po in range(0, len(stream), ps):
                n, missed = count_page(stream[po:po + ps], e, lsize)
                records += n
                if missed is not None:
                    print('lost %d %s' % (cpu, 'unknown' if missed < 0 else missed))
    print('records %d' % records)


main()
