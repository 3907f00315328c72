#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Extract the raw ring-buffer page stream of every buffer and CPU of a
trace.dat v7 file (compression none, zlib, or zstd via the zstd CLI) for
test_rbpage. Written from formats.md §3, independent of kvmexit-stat; its
v7_cpu_streams() also feeds rb_count.py.
Usage: rb_pages.py FILE OUTPREFIX; prints "PATH PAGE_SIZE le|be 8" per
stream written (OUTPREFIX.N)."""
import struct
import subprocess
import sys
import zlib


def unz(alg, data):
    if alg == 'zlib':
        return zlib.decompress(data)
    return subprocess.run(['zstd', '-d', '-c', '-q'], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def v7_cpu_streams(b):
    """Yield (cpu, page_size, endian, stream) per buffer and CPU, in option order."""
    p = b.index(b'\0', 10) + 1
    e = '>' if b[p] else '<'
    p += 6
    q = b.index(b'\0', p)
    alg = b[p:q].decode()
    p = b.index(b'\0', q + 1) + 1
    off = struct.unpack_from(e + 'Q', b, p)[0]
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
            if oid != 3:
                continue
            j = data.index(b'\0', 8) + 1
            j = data.index(b'\0', j) + 1
            ps, ncpu = struct.unpack_from(e + 'II', data, j)
            for k in range(ncpu):
                cpu, coff, csize = struct.unpack_from(e + 'IQQ', data, j + 8 + 20 * k)
                if alg == 'none':
                    stream = b[coff:coff + csize]
                else:
                    cnt = struct.unpack_from(e + 'I', b, coff)[0]
                    x, parts = coff + 4, []
                    for _ in range(cnt):
                        cs, _ = struct.unpack_from(e + 'II', b, x)
                        parts.append(unz(alg, b[x + 8:x + 8 + cs]))
                        x += 8 + cs
                    stream = b''.join(parts)
                yield cpu, ps, e, stream


def main():
    b = open(sys.argv[1], 'rb').read()
    for n, (_, ps, e, stream) in enumerate(v7_cpu_streams(b)):
        path = '%s.%d' % (sys.argv[2], n)
        open(path, 'wb').write(stream)
        print('%s %d %s 8' % (path, ps, 'be' if e == '>' else 'le'))


if __name__ == '__main__':
    main()
