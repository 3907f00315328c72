#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""perfz.py IN OUT CHUNK [DROP] - rewrite a perf.data (file or pipe mode) the
way `perf record -z` stores it: the kernel records are cut into CHUNK-byte
pieces at arbitrary byte positions (so records straddle pieces), each piece
compressed by the zstd command into one PERF_RECORD_COMPRESSED (type 81),
and the COMPRESSED feature (bit 27; a HEADER_FEATURE record in pipe mode). DROP > 0 removes that
many bytes from the end of the record stream before compressing (a stream
that ends inside a record). Test-data generator only: perf script must read
the result exactly like the input (the test checks that first)."""
import struct
import subprocess
import sys

REC_COMPRESSED = 81
FEAT_COMPRESSED = 27


def compress(data, chunk):
    out = bytearray()
    for i in range(0, len(data), chunk):
        z = subprocess.run(['zstd', '-q', '-c', '-3', '--no-check'], input=data[i:i + chunk],
                           capture_output=True, check=True).stdout
        if len(z) + 8 > 0xffff:
            sys.exit('chunk %d compresses to %d bytes: use a smaller CHUNK' % (i, len(z)))
        out += struct.pack('<IHH', REC_COMPRESSED, 0, len(z) + 8) + z
    return out


def file_mode(b, chunk, drop):
    ao, asz, do, dsz = struct.unpack_from('<4Q', b, 24)
    flags = bytearray(b[0x48:0x68])
    bits = [i for i in range(256) if flags[i // 8] & (1 << (i % 8))]
    feats = {}
    for k, bit in enumerate(bits):
        so, ssz = struct.unpack_from('<QQ', b, do + dsz + 16 * k)
        feats[bit] = b[so:so + ssz]
    data = compress(b[do:do + dsz - drop], chunk)
    # {u32 version, u32 type (1 = zstd), u32 level, u32 ratio, u32 mmap_len}
    feats[FEAT_COMPRESSED] = struct.pack('<5I', 1, 1, 3, 2, 1 << 20)
    flags[FEAT_COMPRESSED // 8] |= 1 << (FEAT_COMPRESSED % 8)
    out = bytearray(b[:do])
    struct.pack_into('<QQ', out, 40, do, len(data))
    out[0x48:0x68] = flags
    out += data
    table = len(out)
    out += bytes(16 * len(feats))
    for k, bit in enumerate(sorted(feats)):
        struct.pack_into('<QQ', out, table + 16 * k, len(out), len(feats[bit]))
        out += feats[bit]
    return out


def pipe_mode(b, chunk, drop):
    # header records (types >= 64) stay as they are; kernel records are compressed
    out = bytearray(b[:16])
    pos = 16
    while pos < len(b):
        typ, _, size = struct.unpack_from('<IHH', b, pos)
        if typ < 64:
            break
        end = pos + size
        if typ == 66:  # HEADER_TRACING_DATA: the data follows, outside header.size
            end += struct.unpack_from('<I', b, pos + 8)[0]
        out += b[pos:end]
        pos = end
    # HEADER_FEATURE (80) {u64 feat_id; feature data}: perf sizes its buffers from mmap_len
    feat = struct.pack('<Q5I', FEAT_COMPRESSED, 1, 1, 3, 2, 1 << 20) + bytes(4)
    out += struct.pack('<IHH', 80, 0, 8 + len(feat)) + feat
    return out + compress(b[pos:len(b) - drop], chunk)


def main():
    src, dst, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
    drop = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    b = open(src, 'rb').read()
    if b[:8] != b'PERFILE2':
        sys.exit('not a little-endian perf.data')
    hsize = struct.unpack_from('<Q', b, 8)[0]
    out = pipe_mode(b, chunk, drop) if hsize == 16 else file_mode(b, chunk, drop)
    open(dst, 'wb').write(out)


main()
