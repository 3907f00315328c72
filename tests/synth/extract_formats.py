#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# extract_formats.py - copy the header_page, header_event and event format
# texts of one event system byte-exactly out of a real trace.dat (v6 or v7,
# compression none/zlib/zstd) into a directory, for kx-synth's format sets.
# Usage: extract_formats.py TRACE.dat OUTDIR [SYSTEM=kvm]
import os, struct, subprocess, sys, zlib


def unz(alg, data):
    if alg == 'zlib':
        return zlib.decompress(data)
    if alg == 'zstd':
        return subprocess.run(['zstd', '-d', '-c', '-q'], input=data,
                              stdout=subprocess.PIPE, check=True).stdout
    raise SystemExit('unknown compression ' + alg)


class Rd:
    def __init__(self, b, p=0):
        self.b, self.p = b, p

    def u(self, n):
        v = struct.unpack_from('<' + {2: 'H', 4: 'I', 8: 'Q'}[n], self.b, self.p)[0]
        self.p += n
        return v

    def raw(self, n):
        v = self.b[self.p:self.p + n]
        self.p += n
        return v

    def cstr(self):
        q = self.b.index(b'\0', self.p)
        v = self.b[self.p:q].decode('latin1')
        self.p = q + 1
        return v


def main():
    fn, out = sys.argv[1], sys.argv[2]
    system = sys.argv[3] if len(sys.argv) > 3 else 'kvm'
    b = open(fn, 'rb').read()
    r = Rd(b, 10)
    ver = int(r.cstr())
    if b[r.p] != 0:
        raise SystemExit('big-endian files not supported')
    r.p += 6
    if ver >= 7:
        alg = r.cstr()
        r.cstr()
        opt = r.u(8)

        def section(off):
            s = Rd(b, off)
            s.u(2)
            fl = s.u(2)
            s.u(4)
            size = s.u(8)
            body = b[s.p:s.p + size]
            if fl & 1:
                cs, us = struct.unpack_from('<II', body, 0)
                body = unz(alg, body[8:8 + cs])
                assert len(body) == us
            return body
        secs = {}
        while opt:
            o = Rd(section(opt))
            opt = 0
            while o.p < len(o.b):
                oid, osz = o.u(2), o.u(4)
                data = o.raw(osz)
                if oid in (16, 18):
                    secs[oid] = struct.unpack_from('<Q', data)[0]
                if oid == 0:
                    opt = struct.unpack_from('<Q', data)[0]
                    break
        hdr = Rd(section(secs[16]))
        evr = Rd(section(secs[18]))
    else:
        hdr = r
        evr = None
    assert hdr.raw(12) == b'header_page\0'
    header_page = hdr.raw(hdr.u(8))
    assert hdr.raw(13) == b'header_event\0'
    header_event = hdr.raw(hdr.u(8))
    if evr is None:
        for _ in range(r.u(4)):
            r.raw(r.u(8))
        evr = r
    os.makedirs(os.path.join(out, system), exist_ok=True)
    open(os.path.join(out, 'header_page'), 'wb').write(header_page)
    open(os.path.join(out, 'header_event'), 'wb').write(header_event)
    names = []
    for _ in range(evr.u(4)):
        sysname = evr.cstr()
        for _ in range(evr.u(4)):
            text = evr.raw(evr.u(8))
            if sysname != system:
                continue
            name = text.split(b'\n', 1)[0].decode().split(':', 1)[1].strip()
            open(os.path.join(out, system, name), 'wb').write(text)
            names.append(name)
    print('%s: %d %s formats: %s' % (fn, len(names), system, ' '.join(sorted(names))))


main()
