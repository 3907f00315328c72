#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# v7pages.py - check that two trace.dat v7 files (e.g. compression none and
# zlib) hold the same metadata sections and the same ring-buffer pages per
# buffer and CPU, decompressing zlib with Python's zlib module. Written from
# the format description (docs formats.md §3), independent of kvmexit-stat.
# Usage: v7pages.py A.dat=B.dat...   (prints "PASS B" or "FAIL B" per pair)
import struct, sys, zlib


def load(fn):
    b = open(fn, 'rb').read()
    assert b[:10] == b'\x17\x08\x44tracing' and b[10:12] == b'7\0', 'not a v7 file'
    p = 12 + 6
    q = b.index(b'\0', p)
    alg = b[p:q].decode()
    p = b.index(b'\0', q + 1) + 1
    opt = struct.unpack_from('<Q', b, p)[0]
    if alg not in ('none', 'zlib'):
        raise SystemExit('%s: compression %s not handled here' % (fn, alg))

    def section(off):
        sid, fl, _, size = struct.unpack_from('<HHIQ', b, off)
        body = b[off + 16:off + 16 + size]
        if fl & 1:
            cs, us = struct.unpack_from('<II', body, 0)
            body = zlib.decompress(body[8:8 + cs])
            assert len(body) == us
        return sid, body
    meta, bufs = {}, {}
    while opt:
        sid, body = section(opt)
        assert sid == 0
        o, opt = 0, 0
        while o < len(body):
            oid, osz = struct.unpack_from('<HI', body, o)
            d = body[o + 6:o + 6 + osz]
            o += 6 + osz
            if 16 <= oid <= 21:
                meta[oid] = section(struct.unpack_from('<Q', d)[0])[1]
            elif oid == 3:
                n0 = d.index(b'\0', 8)
                name = d[8:n0].decode()
                n1 = d.index(b'\0', n0 + 1)
                ps, ncpu = struct.unpack_from('<II', d, n1 + 1)
                for i in range(ncpu):
                    cpu, off, size = struct.unpack_from('<IQQ', d, n1 + 9 + 20 * i)
                    if alg == 'none':
                        data = b[off:off + size]
                    else:
                        nch = struct.unpack_from('<I', b, off)[0]
                        data, x = b'', off + 4
                        for _ in range(nch):
                            cs, us = struct.unpack_from('<II', b, x)
                            chunk = zlib.decompress(b[x + 8:x + 8 + cs])
                            assert len(chunk) == us and us % ps == 0
                            data += chunk
                            x += 8 + cs
                        assert x - off == size, 'data_size mismatch'
                    bufs[(name, cpu)] = data
            elif oid == 0:
                opt = struct.unpack_from('<Q', d)[0]
                break
    return meta, bufs


for pair in sys.argv[1:]:
    fa, fb = pair.split('=', 1)
    try:
        (ma, ba), (mb, bb) = load(fa), load(fb)
        ok = ma == mb and ba == bb and ba
        msg = 'metadata sections %s: %s; buffers/cpus %s: %s; %d pages' % (
            sorted(ma), 'same' if ma == mb else 'DIFFERENT', sorted(ba),
            'same' if ba == bb else 'DIFFERENT', sum(len(v) for v in ba.values()) // 4096)
    except (AssertionError, ValueError, OSError, struct.error, zlib.error, SystemExit) as e:
        ok, msg = False, 'error: %s' % e
    print('%s %s' % ('PASS' if ok else 'FAIL', fb))
    print('# ' + msg)
