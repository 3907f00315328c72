// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kx-inflate.c - the benchmark's "decompression alone" limit: read a file
 * of {u32 csize, u32 usize, data} chunks (bench/v7chunks.py) and
 * decompress every chunk with zlib or zstd into one reused buffer, as a
 * trace.dat reader must at the least. Prints the chunk and byte counts.
 * Usage: kx-inflate zlib|zstd FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

int main(int argc, char **argv)
{
	unsigned char *in = NULL, *out = NULL;
	size_t len = 0, cap = 0, pos = 0, out_cap = 0, n;
	uint64_t chunks = 0, bytes = 0;
	ZSTD_DCtx *zd = ZSTD_createDCtx();
	int zstd;
	FILE *f;

	if (argc != 3 || !zd)
		return 2;
	zstd = strcmp(argv[1], "zstd") == 0;
	f = fopen(argv[2], "rb");
	if (!f)
		return 2;
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			in = realloc(in, cap);
			if (!in)
				return 2;
		}
		n = fread(in + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	while (pos + 8 <= len) {
		uint32_t cs, us;

		memcpy(&cs, in + pos, 4);
		memcpy(&us, in + pos + 4, 4);
		if (cs > len - pos - 8)
			return 1;
		if (us > out_cap) {
			out_cap = us;
			out = realloc(out, out_cap);
			if (!out)
				return 2;
		}
		if (zstd) {
			if (ZSTD_decompressDCtx(zd, out, us, in + pos + 8, cs) != us)
				return 1;
		} else {
			uLongf dl = us;

			if (uncompress(out, &dl, in + pos + 8, cs) != Z_OK || dl != us)
				return 1;
		}
		pos += 8 + (size_t)cs;
		chunks++;
		bytes += us;
	}
	printf("%llu chunks, %llu bytes\n", (unsigned long long)chunks, (unsigned long long)bytes);
	ZSTD_freeDCtx(zd);
	free(in);
	free(out);
	return 0;
}
