// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf_inflate.c - decompresses the zstd payloads of PERF_RECORD_COMPRESSED
 * into one continuous stream of perf records and hands out the complete
 * ones; a record cut at a payload boundary waits for the next payload.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if KX_HAVE_ZSTD
#include <zstd.h>
#endif

#include "kx_cursor.h"
#include "kx_perf_inflate.h"

#define REC_HEADER_SIZE	8

struct kx_perf_inflate {
#if KX_HAVE_ZSTD
	ZSTD_DStream *zs;
#endif
	unsigned char *buf;
	size_t start, end, alloc;	/* undelivered bytes at [start, end) */
	size_t max_bytes;
};

#if KX_HAVE_ZSTD

int kx_perf_inflate_new(size_t max_bytes, struct kx_perf_inflate **out, struct kx_diag *diag)
{
	struct kx_perf_inflate *z = calloc(1, sizeof(*z));

	*out = NULL;
	if (!z)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	z->max_bytes = max_bytes;
	z->zs = ZSTD_createDStream();
	if (!z->zs || ZSTD_isError(ZSTD_initDStream(z->zs))) {
		kx_perf_inflate_free(z);
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	*out = z;
	return 0;
}

void kx_perf_inflate_free(struct kx_perf_inflate *z)
{
	if (!z)
		return;
	ZSTD_freeDStream(z->zs);
	free(z->buf);
	free(z);
}

/* Room for at least one more output block after end, within the cap. */
static int make_room(struct kx_perf_inflate *z, struct kx_diag *diag)
{
	size_t want = z->end + ZSTD_DStreamOutSize();
	unsigned char *buf;

	if (want <= z->alloc)
		return 0;
	if (z->end >= z->max_bytes)
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "compressed records decompress to more than %zu bytes at once",
				   z->max_bytes);
	if (want < z->alloc * 2)
		want = z->alloc * 2;
	if (want > z->max_bytes + ZSTD_DStreamOutSize())
		want = z->max_bytes + ZSTD_DStreamOutSize();
	buf = realloc(z->buf, want);
	if (!buf)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	z->buf = buf;
	z->alloc = want;
	return 0;
}

int kx_perf_inflate_feed(struct kx_perf_inflate *z, const void *data, size_t len,
			 struct kx_diag *diag)
{
	ZSTD_inBuffer in = { data, len, 0 };
	int err;

	/* keep only the incomplete record left by the previous payload */
	if (z->start) {
		memmove(z->buf, z->buf + z->start, z->end - z->start);
		z->end -= z->start;
		z->start = 0;
	}
	for (;;) {
		ZSTD_outBuffer out;
		size_t ret, in_before = in.pos;

		err = make_room(z, diag);
		if (err)
			return err;
		out = (ZSTD_outBuffer){ z->buf + z->end, z->alloc - z->end, 0 };
		ret = ZSTD_decompressStream(z->zs, &out, &in);
		if (ZSTD_isError(ret))
			return kx_diag_set(diag, -KX_ECORRUPT, "bad zstd data in a compressed record: %s",
					   ZSTD_getErrorName(ret));
		z->end += out.pos;
		/* done when the input is used up and zstd has no more output to flush */
		if (in.pos == in.size && out.pos < out.size)
			return 0;
		if (in.pos == in_before && !out.pos)
			return kx_diag_set(diag, -KX_ECORRUPT, "zstd data in a compressed record makes no progress");
	}
}

#else /* !KX_HAVE_ZSTD */

int kx_perf_inflate_new(size_t max_bytes, struct kx_perf_inflate **out, struct kx_diag *diag)
{
	*out = NULL;
	return kx_diag_set(diag, -KX_ENOZSTD,
			   "recorded with 'perf record -z' (zstd-compressed records) and built without "
			   "libzstd; convert it with 'perf inject -i FILE -o OUT'");
}

void kx_perf_inflate_free(struct kx_perf_inflate *z)
{
	free(z);
}

int kx_perf_inflate_feed(struct kx_perf_inflate *z, const void *data, size_t len,
			 struct kx_diag *diag)
{
	return kx_diag_set(diag, -KX_ENOZSTD, "built without libzstd");
}

#endif /* KX_HAVE_ZSTD */

int kx_perf_inflate_next(struct kx_perf_inflate *z, const unsigned char **rec, uint16_t *size)
{
	size_t left = z->end - z->start;
	uint16_t n;

	if (left < REC_HEADER_SIZE)
		return 0;
	n = kx_load16(z->buf + z->start + 6, false);
	if (n < REC_HEADER_SIZE)
		return -KX_ECORRUPT;
	if (n > left)
		return 0;
	*rec = z->buf + z->start;
	*size = n;
	z->start += n;
	return 1;
}

size_t kx_perf_inflate_pending(const struct kx_perf_inflate *z)
{
	return z->end - z->start;
}
