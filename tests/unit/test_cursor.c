// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for cursor.c: byte order, bounds, strings, seek. */
#include "kx.h"
#include "kx_cursor.h"
#include "tap.h"

int main(void)
{
	static const unsigned char le[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
					    'a', 'b', 0, 'x', 'y', 'z' };
	struct kx_cursor c;
	const unsigned char *p;
	const char *s;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;
	size_t len;

	kx_cursor_init(&c, le, sizeof(le), false);
	ok(kx_cursor_u16(&c, &v16) == 0 && v16 == 0x0201, "u16 little endian");
	ok(kx_cursor_u8(&c, &v8) == 0 && v8 == 3, "u8");
	kx_cursor_seek(&c, 0);
	ok(kx_cursor_u32(&c, &v32) == 0 && v32 == 0x04030201, "u32 little endian");
	kx_cursor_seek(&c, 0);
	ok(kx_cursor_u64(&c, &v64) == 0 && v64 == 0x0807060504030201ull, "u64 little endian");

	kx_cursor_init(&c, le, sizeof(le), true);
	ok(kx_cursor_u16(&c, &v16) == 0 && v16 == 0x0102, "u16 big endian");
	ok(kx_cursor_u32(&c, &v32) == 0 && v32 == 0x03040506, "u32 big endian");
	kx_cursor_seek(&c, 0);
	ok(kx_cursor_u64(&c, &v64) == 0 && v64 == 0x0102030405060708ull, "u64 big endian");

	ok(kx_cursor_str(&c, 16, &s, &len) == 0 && len == 2 && s[0] == 'a' && s[1] == 'b',
	   "string up to its NUL");
	is_u64(c.pos, 11, "position after the NUL");
	is_u64(kx_cursor_left(&c), 3, "bytes left");
	ok(kx_cursor_str(&c, 16, &s, &len) == -KX_ETRUNC, "string without NUL: truncated");
	is_u64(c.pos, 11, "failed read leaves the position");
	ok(kx_cursor_u32(&c, &v32) == -KX_ETRUNC, "u32 with 3 bytes left: truncated");
	ok(kx_cursor_u64(&c, &v64) == -KX_ETRUNC, "u64 with 3 bytes left: truncated");
	ok(kx_cursor_bytes(&c, 4, &p) == -KX_ETRUNC, "4 bytes with 3 left: truncated");
	ok(kx_cursor_bytes(&c, 3, &p) == 0 && p[0] == 'x', "exactly the rest");
	ok(kx_cursor_u8(&c, &v8) == -KX_ETRUNC, "at the end: truncated");
	ok(kx_cursor_skip(&c, (size_t)-1) == -KX_ETRUNC, "huge skip: truncated, no wrap");

	kx_cursor_seek(&c, 8);
	ok(kx_cursor_str(&c, 1, &s, &len) == -KX_ECORRUPT, "string longer than max: corrupt");
	ok(kx_cursor_str(&c, 2, &s, &len) == 0 && len == 2, "string of exactly max bytes");
	ok(kx_cursor_seek(&c, sizeof(le)) == 0, "seek to the end");
	ok(kx_cursor_seek(&c, sizeof(le) + 1) == -KX_ETRUNC, "seek past the end");

	kx_cursor_init(&c, NULL, 0, false);
	ok(kx_cursor_u8(&c, &v8) == -KX_ETRUNC, "empty buffer");
	ok(kx_cursor_str(&c, 4, &s, &len) == -KX_ETRUNC, "empty buffer string");
	return done_testing();
}
