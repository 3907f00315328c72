// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * decompress.c - zlib and zstd decompression of trace.dat v7 blocks into
 * buffers of exactly the declared size. zstd is optional at build time
 * (KX_HAVE_ZSTD); without it zstd files fail with advice on converting them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#if KX_HAVE_ZSTD
#include <zstd.h>
#endif

#include "kx_decompress.h"

struct kx_decompressor {
	enum kx_compress alg;
#if KX_HAVE_ZSTD
	ZSTD_DCtx *zstd;
#endif
};

static int no_zstd(struct kx_diag *diag)
{
	return kx_diag_set(diag, -KX_ENOZSTD,
			   "compressed with zstd, but kvmexit-stat was built without libzstd: "
			   "rebuild with libzstd, or run 'trace-cmd convert --compression zlib' "
			   "(or --compression none)");
}

int kx_compress_parse(const char *name, enum kx_compress *alg, struct kx_diag *diag)
{
	if (strcmp(name, "none") == 0) {
		*alg = KX_COMPRESS_NONE;
	} else if (strcmp(name, "zlib") == 0) {
		*alg = KX_COMPRESS_ZLIB;
	} else if (strcmp(name, "zstd") == 0) {
		if (!KX_HAVE_ZSTD)
			return no_zstd(diag);
		*alg = KX_COMPRESS_ZSTD;
	} else {
		return kx_diag_set(diag, -KX_EVERSION, "unknown compression '%.64s'", name);
	}
	return 0;
}

int kx_decompressor_new(enum kx_compress alg, struct kx_decompressor **out,
			struct kx_diag *diag)
{
	struct kx_decompressor *dec;

	*out = NULL;
	if (alg == KX_COMPRESS_ZSTD && !KX_HAVE_ZSTD)
		return no_zstd(diag);
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	dec->alg = alg;
#if KX_HAVE_ZSTD
	if (alg == KX_COMPRESS_ZSTD) {
		dec->zstd = ZSTD_createDCtx();
		if (!dec->zstd) {
			free(dec);
			return kx_diag_set(diag, -ENOMEM, "out of memory");
		}
	}
#endif
	*out = dec;
	return 0;
}

void kx_decompressor_free(struct kx_decompressor *dec)
{
	if (!dec)
		return;
#if KX_HAVE_ZSTD
	ZSTD_freeDCtx(dec->zstd);
#endif
	free(dec);
}

int kx_zblock_read(struct kx_cursor *c, struct kx_zblock *blk, struct kx_diag *diag)
{
	size_t at = c->pos;

	if (kx_cursor_u32(c, &blk->csize) || kx_cursor_u32(c, &blk->usize) ||
	    kx_cursor_bytes(c, blk->csize, &blk->data)) {
		kx_cursor_seek(c, at);
		return kx_diag_set(diag, -KX_ETRUNC, "truncated compressed block at offset 0x%zx",
				   at);
	}
	return 0;
}

static int zlib_block(const struct kx_zblock *blk, void *dst, struct kx_diag *diag)
{
	uLongf out_len = blk->usize;
	int ret;

	ret = uncompress(dst, &out_len, blk->data, blk->csize);
	if (ret == Z_MEM_ERROR)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	if (ret == Z_BUF_ERROR)
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "zlib data larger than its declared size or cut short");
	if (ret != Z_OK)
		return kx_diag_set(diag, -KX_ECORRUPT, "zlib data is corrupt");
	if (out_len != blk->usize)
		return kx_diag_set(diag, -KX_ECORRUPT, "zlib block gives %lu bytes, declared %u",
				   (unsigned long)out_len, blk->usize);
	return 0;
}

#if KX_HAVE_ZSTD
static int zstd_block(ZSTD_DCtx *ctx, const struct kx_zblock *blk, void *dst,
		      struct kx_diag *diag)
{
	size_t n = ZSTD_decompressDCtx(ctx, dst, blk->usize, blk->data, blk->csize);

	if (ZSTD_isError(n))
		return kx_diag_set(diag, -KX_ECORRUPT, "zstd data is corrupt (%s)",
				   ZSTD_getErrorName(n));
	if (n != blk->usize)
		return kx_diag_set(diag, -KX_ECORRUPT, "zstd block gives %zu bytes, declared %u",
				   n, blk->usize);
	return 0;
}
#endif

int kx_decompress(struct kx_decompressor *dec, const struct kx_zblock *blk, void *dst,
		  struct kx_diag *diag)
{
	switch (dec->alg) {
	case KX_COMPRESS_ZLIB:
		return zlib_block(blk, dst, diag);
#if KX_HAVE_ZSTD
	case KX_COMPRESS_ZSTD:
		return zstd_block(dec->zstd, blk, dst, diag);
#endif
	case KX_COMPRESS_NONE:
		if (blk->csize != blk->usize)
			return kx_diag_set(diag, -KX_ECORRUPT,
					   "uncompressed block of %u bytes declares %u",
					   blk->csize, blk->usize);
		memcpy(dst, blk->data, blk->usize);
		return 0;
	default:
		return no_zstd(diag);
	}
}

int kx_decompress_alloc(struct kx_decompressor *dec, struct kx_cursor *c, uint64_t max_usize,
			unsigned char **out, size_t *len, struct kx_diag *diag)
{
	struct kx_zblock blk;
	unsigned char *buf;
	int err;

	*out = NULL;
	*len = 0;
	err = kx_zblock_read(c, &blk, diag);
	if (err)
		return err;
	if (blk.usize > max_usize)
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "compressed block declares %u bytes, more than the %llu allowed",
				   blk.usize, (unsigned long long)max_usize);
	buf = malloc(blk.usize ? blk.usize : 1);
	if (!buf)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	err = kx_decompress(dec, &blk, buf, diag);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*len = blk.usize;
	return 0;
}
