/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_cursor.h - bounds-checked, endian-aware reading of a byte buffer.
 * Every binary structure of every input is read through a cursor: each read
 * checks the remaining length and fails with -KX_ETRUNC instead of reading
 * past the end. Values are converted from the file's byte order.
 */
#ifndef KX_CURSOR_H
#define KX_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kx_cursor {
	const unsigned char *buf;
	size_t len;
	size_t pos;
	bool big_endian;	/* byte order of the data */
};

/** kx_cursor_init() - a cursor over @len bytes at @buf, positioned at 0. */
void kx_cursor_init(struct kx_cursor *c, const void *buf, size_t len, bool big_endian);

/** kx_cursor_left() - bytes left after the position. */
size_t kx_cursor_left(const struct kx_cursor *c);

/* Each returns 0, or -KX_ETRUNC (position unchanged) when too few bytes are left. */
int kx_cursor_u8(struct kx_cursor *c, uint8_t *v);
int kx_cursor_u16(struct kx_cursor *c, uint16_t *v);
int kx_cursor_u32(struct kx_cursor *c, uint32_t *v);
int kx_cursor_u64(struct kx_cursor *c, uint64_t *v);

/** kx_cursor_bytes() - borrow @n bytes at the position and advance. */
int kx_cursor_bytes(struct kx_cursor *c, size_t n, const unsigned char **out);

/** kx_cursor_skip() - advance @n bytes. */
int kx_cursor_skip(struct kx_cursor *c, size_t n);

/**
 * kx_cursor_str() - borrow a NUL-terminated string at the position (at most
 * @max bytes before the NUL) and advance past the NUL.
 * Return: 0, -KX_ETRUNC if no NUL before the end, -KX_ECORRUPT if longer than @max.
 */
int kx_cursor_str(struct kx_cursor *c, size_t max, const char **out, size_t *len);

/** kx_cursor_seek() - move to absolute @pos (<= len). */
int kx_cursor_seek(struct kx_cursor *c, size_t pos);

/* Loads from a raw pointer in the given byte order (caller checked bounds). */
static inline uint16_t kx_load16(const void *p, bool big_endian)
{
	uint16_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return big_endian ? __builtin_bswap16(v) : v;
}

static inline uint32_t kx_load32(const void *p, bool big_endian)
{
	uint32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return big_endian ? __builtin_bswap32(v) : v;
}

static inline uint64_t kx_load64(const void *p, bool big_endian)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return big_endian ? __builtin_bswap64(v) : v;
}

#endif /* KX_CURSOR_H */
