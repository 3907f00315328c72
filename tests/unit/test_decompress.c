// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for decompress.c: zlib (and zstd when built with it) round
 * trips through block headers, size mismatches and truncation rejected.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#if KX_HAVE_ZSTD
#include <zstd.h>
#endif

#include "kx_decompress.h"
#include "tap.h"

#define N 20000

/* A block {u32 csize, u32 usize, data} in @out (little endian). */
static size_t make_block(unsigned char *out, const unsigned char *data, size_t csize,
			 uint32_t usize)
{
	uint32_t cs = (uint32_t)csize;

	memcpy(out, &cs, 4);
	memcpy(out + 4, &usize, 4);
	memcpy(out + 8, data, csize);
	return 8 + csize;
}

static void check_alg(enum kx_compress alg, const char *name, const unsigned char *plain,
		      const unsigned char *comp, size_t clen)
{
	static unsigned char blk[N + 1024];
	struct kx_decompressor *dz;
	struct kx_diag diag;
	struct kx_cursor c;
	unsigned char *out;
	size_t len, n;

	ok(kx_decompressor_new(alg, &dz, &diag) == 0, "%s: context", name);

	n = make_block(blk, comp, clen, N);
	kx_cursor_init(&c, blk, n, false);
	ok(kx_decompress_alloc(dz, &c, 1 << 20, &out, &len, &diag) == 0 && len == N &&
	   memcmp(out, plain, N) == 0, "%s: round trip", name);
	is_u64(c.pos, n, "consumes exactly the block");
	free(out);

	n = make_block(blk, comp, clen, N - 1);
	kx_cursor_init(&c, blk, n, false);
	ok(kx_decompress_alloc(dz, &c, 1 << 20, &out, &len, &diag) == -KX_ECORRUPT && !out,
	   "%s: output larger than declared rejected", name);

	n = make_block(blk, comp, clen, N + 1);
	kx_cursor_init(&c, blk, n, false);
	ok(kx_decompress_alloc(dz, &c, 1 << 20, &out, &len, &diag) == -KX_ECORRUPT,
	   "%s: output shorter than declared rejected", name);

	n = make_block(blk, comp, clen, N);
	kx_cursor_init(&c, blk, n, false);
	ok(kx_decompress_alloc(dz, &c, N - 1, &out, &len, &diag) == -KX_ECORRUPT,
	   "%s: declared size above the cap rejected", name);
	kx_cursor_init(&c, blk, n, false);
	ok(kx_decompress_alloc(dz, &c, N, &out, &len, &diag) == 0 && len == N,
	   "%s: declared size at the cap read", name);
	free(out);

	n = make_block(blk, comp, clen / 2, N);
	kx_cursor_init(&c, blk, n, false);
	ok(kx_decompress_alloc(dz, &c, 1 << 20, &out, &len, &diag) == -KX_ECORRUPT,
	   "%s: cut-short stream rejected", name);

	n = make_block(blk, comp, clen, N);
	kx_cursor_init(&c, blk, n - 1, false);
	ok(kx_decompress_alloc(dz, &c, 1 << 20, &out, &len, &diag) == -KX_ETRUNC,
	   "%s: block past the end of the buffer: truncated", name);
	is_u64(c.pos, 0, "failed block read leaves the position");

	memcpy(blk, comp, clen);
	blk[0] ^= 0x55;	/* the stream header: zstd frames carry no checksum */
	{
		struct kx_zblock z = { blk, (uint32_t)clen, N };
		static unsigned char dst[N];

		ok(kx_decompress(dz, &z, dst, &diag) < 0, "%s: damaged data rejected", name);
	}
	kx_decompressor_free(dz);
}

int main(void)
{
	static unsigned char plain[N], comp[N + 1024];
	struct kx_diag diag;
	enum kx_compress alg;
	uLongf zlen = sizeof(comp);
	unsigned i;

	for (i = 0; i < N; i++)
		plain[i] = (unsigned char)((i * 7) ^ (i >> 5));

	ok(compress2(comp, &zlen, plain, N, Z_BEST_COMPRESSION) == Z_OK, "zlib reference compress");
	check_alg(KX_COMPRESS_ZLIB, "zlib", plain, comp, zlen);

	ok(kx_compress_parse("zlib", &alg, &diag) == 0 && alg == KX_COMPRESS_ZLIB, "parse zlib");
	ok(kx_compress_parse("none", &alg, &diag) == 0 && alg == KX_COMPRESS_NONE, "parse none");
	ok(kx_compress_parse("lz4", &alg, &diag) == -KX_EVERSION, "unknown compression");
	/* "none" copies a block whose two sizes agree, and nothing else */
	{
		struct kx_decompressor *dn;
		struct kx_zblock z = { plain, N, N };
		static unsigned char dst[N];

		ok(kx_decompressor_new(KX_COMPRESS_NONE, &dn, &diag) == 0, "none: context");
		ok(kx_decompress(dn, &z, dst, &diag) == 0 && memcmp(dst, plain, N) == 0,
		   "none: a copy");
		z.csize = N - 1;
		ok(kx_decompress(dn, &z, dst, &diag) == -KX_ECORRUPT,
		   "none: a stored size other than the declared one rejected");
		kx_decompressor_free(dn);
	}
#if KX_HAVE_ZSTD
	{
		ZSTD_CCtx *cc = ZSTD_createCCtx();
		size_t n;

		/* as trace-cmd writes them: no content size in the frame */
		ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
		n = ZSTD_compress2(cc, comp, sizeof(comp), plain, N);
		ZSTD_freeCCtx(cc);
		ok(!ZSTD_isError(n), "zstd reference compress");
		check_alg(KX_COMPRESS_ZSTD, "zstd", plain, comp, n);
		ok(kx_compress_parse("zstd", &alg, &diag) == 0 && alg == KX_COMPRESS_ZSTD,
		   "parse zstd");
	}
#else
	ok(kx_compress_parse("zstd", &alg, &diag) == -KX_ENOZSTD, "zstd without libzstd");
	ok(strstr(diag.msg, "trace-cmd convert --compression zlib") != NULL,
	   "the message says how to convert");
#endif
	return done_testing();
}
