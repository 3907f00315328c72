/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_decompress.h - decompression of trace.dat v7 data: one-block metadata
 * sections {u32 csize, u32 usize, data} and per-CPU chunk streams
 * {u32 nr_chunks, {u32 csize, u32 usize, data}...}, with zlib and (when
 * built with libzstd) zstd. Output sizes are capped by the declared size
 * and must equal it.
 */
#ifndef KX_DECOMPRESS_H
#define KX_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "kx.h"
#include "kx_cursor.h"

enum kx_compress {
	KX_COMPRESS_NONE,
	KX_COMPRESS_ZLIB,
	KX_COMPRESS_ZSTD,
};

/* One compressed block: borrowed from the cursor's buffer. */
struct kx_zblock {
	const unsigned char *data;	/* csize compressed bytes */
	uint32_t csize;
	uint32_t usize;			/* declared uncompressed size */
};

struct kx_decompressor;

/**
 * kx_compress_parse() - the algorithm of a trace.dat compression name
 * ("none", "zlib", "zstd").
 * Return: 0, -KX_EVERSION for an unknown name, or -KX_ENOZSTD when zstd
 * support was not built in; @diag says which and what to do.
 */
int kx_compress_parse(const char *name, enum kx_compress *alg, struct kx_diag *diag);

/**
 * kx_decompressor_new() - a reusable decompression context for @alg
 * (zlib or zstd). Return: 0 and *@out (free with kx_decompressor_free()),
 * -ENOMEM, or -KX_ENOZSTD.
 */
int kx_decompressor_new(enum kx_compress alg, struct kx_decompressor **out,
			struct kx_diag *diag);
/** kx_decompressor_free() - free @dec (NULL is fine). */
void kx_decompressor_free(struct kx_decompressor *dec);

/**
 * kx_zblock_read() - read a block header {u32 csize, u32 usize} and borrow
 * its csize data bytes at the cursor. Return: 0 or -KX_ETRUNC (diag filled).
 */
int kx_zblock_read(struct kx_cursor *c, struct kx_zblock *blk, struct kx_diag *diag);

/**
 * kx_decompress() - decompress @blk into @dst, which has room for exactly
 * blk->usize bytes. Output that would exceed usize, or ends short of it,
 * is an error. Return: 0 or -KX_ECORRUPT (diag filled).
 */
int kx_decompress(struct kx_decompressor *dec, const struct kx_zblock *blk, void *dst,
		  struct kx_diag *diag);

/**
 * kx_decompress_alloc() - read one block at the cursor and decompress it
 * into a new buffer (caller frees with free()). A declared size above
 * @max_usize is rejected as corrupt. Return: 0 with *@out and *@len set, or a
 * negative code (diag filled).
 */
int kx_decompress_alloc(struct kx_decompressor *dec, struct kx_cursor *c, uint64_t max_usize,
			unsigned char **out, size_t *len, struct kx_diag *diag);

#endif /* KX_DECOMPRESS_H */
