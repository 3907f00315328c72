// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kx-inflate.c - the benchmark's "decompression alone" limit: read a file
 * of {u32 csize, u32 usize, data} chunks (bench/v7chunks.py) and
 * decompress every chunk with zlib or zstd into one reused buffer, as a
 * trace.dat reader must at the least. The file is mapped, not copied into
 * a growing buffer: its reading costs what a streaming reader's does, so
 * the limit is decompression and little else. Prints the chunk and byte
 * counts.
 * Usage: kx-inflate zlib|zstd FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

int main(int argc, char **argv)
{
	const unsigned char *in;
	unsigned char *out = NULL;
	size_t len, pos = 0, out_cap = 0;
	uint64_t chunks = 0, bytes = 0;
	ZSTD_DCtx *zd = ZSTD_createDCtx();
	struct stat st;
	int zstd, fd;

	if (argc != 3 || !zd)
		return 2;
	zstd = strcmp(argv[1], "zstd") == 0;
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size < 8)
		return 2;
	len = (size_t)st.st_size;
	in = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (in == MAP_FAILED)
		return 2;
	madvise((void *)in, len, MADV_SEQUENTIAL);
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
	munmap((void *)in, len);
	close(fd);
	free(out);
	return 0;
}
