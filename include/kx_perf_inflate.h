/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_perf_inflate.h - the record stream inside PERF_RECORD_COMPRESSED
 * (`perf record -z`): each record's payload is zstd data whose decompressed
 * bytes continue one stream of ordinary perf records, which may straddle
 * payloads. Needs libzstd (KX_HAVE_ZSTD).
 */
#ifndef KX_PERF_INFLATE_H
#define KX_PERF_INFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "kx.h"

struct kx_perf_inflate;

/**
 * kx_perf_inflate_new() - a decompressor whose pending bytes never exceed
 * @max_bytes. Return: 0 and *@out, -ENOMEM, or -KX_ENOZSTD (diag filled)
 * when built without libzstd.
 */
int kx_perf_inflate_new(size_t max_bytes, struct kx_perf_inflate **out, struct kx_diag *diag);
void kx_perf_inflate_free(struct kx_perf_inflate *z);

/**
 * kx_perf_inflate_feed() - decompress one payload after the bytes still
 * pending. Records returned by kx_perf_inflate_next() before are invalidated.
 * Return: 0, -KX_ECORRUPT (bad zstd data, or more than @max_bytes pending),
 * or -ENOMEM; @diag filled.
 */
int kx_perf_inflate_feed(struct kx_perf_inflate *z, const void *data, size_t len,
			 struct kx_diag *diag);

/**
 * kx_perf_inflate_next() - the next complete record (header included).
 * Return: 1 with *@rec and *@size, 0 when the rest is an incomplete record
 * (kept for the next payload), -KX_ECORRUPT for a record header with size < 8.
 */
int kx_perf_inflate_next(struct kx_perf_inflate *z, const unsigned char **rec, uint16_t *size);

/** kx_perf_inflate_pending() - bytes of an incomplete record left over. */
size_t kx_perf_inflate_pending(const struct kx_perf_inflate *z);

#endif /* KX_PERF_INFLATE_H */
