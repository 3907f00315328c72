/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_file.h - an opened input file or standard input ("-"): sniffing the
 * first bytes, sequential buffered reads for stream formats (perf pipe,
 * text), and a whole-file read-only mapping for seekable formats
 * (trace.dat, perf.data file mode). A non-seekable stdin is spilled to an
 * unlinked temporary file when a seekable format needs it.
 */
#ifndef KX_FILE_H
#define KX_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx.h"

#define KX_FILE_HEAD 4096	/* bytes available to format sniffers */

/*
 * How far past the record it is reading a reader asks for its input: the
 * processor's own prefetch stops at 4 KiB page boundaries, so the first
 * bytes of each page would otherwise come in only when first read.
 */
#define KX_READ_AHEAD 2048

/** kx_read_ahead() - start loading the bytes KX_READ_AHEAD past @at: a hint, never a fault. */
static inline void kx_read_ahead(const void *at)
{
	__builtin_prefetch((const void *)((uintptr_t)at + KX_READ_AHEAD));
}

struct kx_file {
	const char *path;		/* as given; "-" for stdin (borrowed) */
	const unsigned char *map;	/* whole file after kx_file_map() */
	uint64_t size;			/* file size after kx_file_map() */
	unsigned char head[KX_FILE_HEAD];
	size_t head_len;		/* valid bytes in head (short file: < KX_FILE_HEAD) */
	/* private */
	int fd;
	bool owns_fd;
	bool seekable;
	size_t head_pos;		/* sequential reads: bytes of head consumed */
	uint64_t map_len;
};

/*
 * kx_file_error() - @diag worded as every command words a failed open
 * (@opening) or read of an input: "cannot open: ...", "cannot read: ...",
 * "is a directory". Return: @err (-errno).
 */
int kx_file_error(struct kx_diag *diag, int err, bool opening);

/** kx_file_open() - open @path ("-" = stdin) and fill head. Return: 0 or -errno. */
int kx_file_open(struct kx_file *f, const char *path, struct kx_diag *diag);

/**
 * kx_file_read() - sequential read from the start of the file (head first).
 * Return: bytes read (< @len only at end of file), or -errno.
 */
int64_t kx_file_read(struct kx_file *f, void *buf, size_t len);

/**
 * kx_file_map() - map the whole file read-only into f->map / f->size,
 * spilling a non-seekable stream to a temporary file first.
 * Return: 0 or -errno.
 */
int kx_file_map(struct kx_file *f, struct kx_diag *diag);

/**
 * kx_file_pread() - read @len bytes at @off of a mapped file straight from
 * the file, not through the mapping (whose faults map the kernel's whole
 * large folios, megabytes per reader position). Return: 0, -KX_ETRUNC
 * when the file ends first, or -errno.
 */
int kx_file_pread(struct kx_file *f, void *buf, size_t len, uint64_t off);

/*
 * How a window holds its part of the file. Unmapping pages costs every
 * other thread of the process a TLB shootdown, whatever the window's size:
 * many small windows (many CPU streams, many time slices) are cheaper
 * read into a buffer than mapped.
 */
enum kx_window_mode {
	KX_WINDOW_FAULT = 1,	/* mapped; pages come in as touched, kx_file_window_release() */
	KX_WINDOW_POPULATE,	/* mapped and faulted in at once (cheaper than page by page) */
	KX_WINDOW_COPY,		/* read into the window's own buffer, kept for the next */
};

/*
 * struct kx_file_window - part of a mapped file held on its own: faults
 * there map at most the window, whatever the size of the kernel's folios.
 * Zero-initialized before its first use.
 */
struct kx_file_window {
	const unsigned char *data;	/* the byte at the offset asked for */
	void *base;			/* private */
	size_t base_len;
	size_t page;
	unsigned char *copy;		/* KX_WINDOW_COPY: the buffer ... */
	size_t copy_cap;		/* ... and its size */
};

/**
 * kx_file_window_at() - hold [@off, @off + @len) of a mapped file (within
 * its size) in @w the way @mode says, replacing what @w held before.
 * Return: 0, -KX_ETRUNC (KX_WINDOW_COPY: the file ends first), or -errno.
 */
int kx_file_window_at(struct kx_file *f, uint64_t off, size_t len, enum kx_window_mode mode,
		      struct kx_file_window *w);

/**
 * kx_file_window_release() - unmap the pages of a KX_WINDOW_FAULT window
 * wholly before @upto (a pointer into it; others are ignored): read once,
 * never read again.
 */
void kx_file_window_release(struct kx_file_window *w, const unsigned char *upto);

/** kx_file_window_free() - unmap or free what @w holds; it can be used again. */
void kx_file_window_free(struct kx_file_window *w);

/**
 * kx_file_unmap_pages() - give back the pages the mapping has faulted in;
 * the mapping stays valid and faults them in again if touched.
 */
void kx_file_unmap_pages(struct kx_file *f);

void kx_file_close(struct kx_file *f);

#endif /* KX_FILE_H */
