#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# v7chunks.py IN.dat OUT - copy every compressed ring-buffer chunk of a
# trace.dat v7 (zlib or zstd) file, as stored ({u32 csize, u32 usize, data}
# per chunk, all buffers and CPUs in file order), to OUT and print the
# compression name. kx-inflate then decompresses exactly those chunks: the
# "decompression alone" limit of the benchmark. Written from the format
# description (formats.md §3), independent of kvmexit-stat.
import struct, sys

b = open(sys.argv[1], 'rb').read()
assert b[:10] == b'\x17\x08\x44tracing' and b[10:12] == b'7\0', 'not a v7 file'
p = 12 + 6
q = b.index(b'\0', p)
alg = b[p:q].decode()
p = b.index(b'\0', q + 1) + 1
opt = struct.unpack_from('<Q', b, p)[0]
assert alg in ('zlib', 'zstd'), 'compression %s' % alg
out = open(sys.argv[2], 'wb')
while opt:
    sid, fl, _, size = struct.unpack_from('<HHIQ', b, opt)
    assert sid == 0 and not fl & 1, 'compressed options sections not handled'
    body = b[opt + 16:opt + 16 + size]
    o, opt = 0, 0
    while o < len(body):
        oid, osz = struct.unpack_from('<HI', body, o)
        d = body[o + 6:o + 6 + osz]
        o += 6 + osz
        if oid == 3:
            n0 = d.index(b'\0', 8)
            n1 = d.index(b'\0', n0 + 1)
            ps, ncpu = struct.unpack_from('<II', d, n1 + 1)
            for i in range(ncpu):
                cpu, off, size = struct.unpack_from('<IQQ', d, n1 + 9 + 20 * i)
                nch = struct.unpack_from('<I', b, off)[0]
                x = off + 4
                for _ in range(nch):
                    cs, us = struct.unpack_from('<II', b, x)
                    out.write(b[x:x + 8 + cs])
                    x += 8 + cs
        elif oid == 0:
            opt = struct.unpack_from('<Q', d)[0]
            break
out.close()
print(alg)
