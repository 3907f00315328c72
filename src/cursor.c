// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cursor.c - bounds-checked reads of integers, byte runs and strings from
 * an in-memory buffer in the file's byte order (see kx_cursor.h).
 */
#include <string.h>

#include "kx.h"
#include "kx_cursor.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kx_load*() assume a little-endian host"
#endif

void kx_cursor_init(struct kx_cursor *c, const void *buf, size_t len, bool big_endian)
{
	c->buf = buf;
	c->len = len;
	c->pos = 0;
	c->big_endian = big_endian;
}

size_t kx_cursor_left(const struct kx_cursor *c)
{
	return c->len - c->pos;
}

int kx_cursor_bytes(struct kx_cursor *c, size_t n, const unsigned char **out)
{
	if (n > kx_cursor_left(c))
		return -KX_ETRUNC;
	*out = c->buf + c->pos;
	c->pos += n;
	return 0;
}

int kx_cursor_skip(struct kx_cursor *c, size_t n)
{
	const unsigned char *unused;

	return kx_cursor_bytes(c, n, &unused);
}

int kx_cursor_u8(struct kx_cursor *c, uint8_t *v)
{
	const unsigned char *p;
	int err = kx_cursor_bytes(c, 1, &p);

	if (!err)
		*v = *p;
	return err;
}

int kx_cursor_u16(struct kx_cursor *c, uint16_t *v)
{
	const unsigned char *p;
	int err = kx_cursor_bytes(c, 2, &p);

	if (!err)
		*v = kx_load16(p, c->big_endian);
	return err;
}

int kx_cursor_u32(struct kx_cursor *c, uint32_t *v)
{
	const unsigned char *p;
	int err = kx_cursor_bytes(c, 4, &p);

	if (!err)
		*v = kx_load32(p, c->big_endian);
	return err;
}

int kx_cursor_u64(struct kx_cursor *c, uint64_t *v)
{
	const unsigned char *p;
	int err = kx_cursor_bytes(c, 8, &p);

	if (!err)
		*v = kx_load64(p, c->big_endian);
	return err;
}

int kx_cursor_str(struct kx_cursor *c, size_t max, const char **out, size_t *len)
{
	const unsigned char *start = c->buf + c->pos;
	const unsigned char *nul;
	size_t n;

	if (!kx_cursor_left(c))
		return -KX_ETRUNC;	/* also keeps a NULL buffer away from memchr() */
	nul = memchr(start, '\0', kx_cursor_left(c));
	if (!nul)
		return -KX_ETRUNC;
	n = (size_t)(nul - start);
	if (n > max)
		return -KX_ECORRUPT;
	*out = (const char *)start;
	if (len)
		*len = n;
	c->pos += n + 1;
	return 0;
}

int kx_cursor_seek(struct kx_cursor *c, size_t pos)
{
	if (pos > c->len)
		return -KX_ETRUNC;
	c->pos = pos;
	return 0;
}
