// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for parse.c: strict numbers and sizes, the edges of 64 bits
 * and of the 12 decimals a size may have.
 */
#include <errno.h>

#include "kx_parse.h"
#include "tap.h"

int main(void)
{
	uint64_t v;

	ok(kx_parse_u64("42", &v) == 0 && v == 42, "decimal");
	ok(kx_parse_u64("0x380", &v) == 0 && v == 0x380, "hex");
	ok(kx_parse_u64("", &v) < 0, "empty rejected");
	ok(kx_parse_u64(NULL, &v) < 0, "no string rejected");
	ok(kx_parse_u64("-1", &v) < 0, "sign rejected");
	ok(kx_parse_u64(" 1", &v) < 0, "leading space rejected");
	ok(kx_parse_u64("12x", &v) < 0, "trailing garbage rejected");
	ok(kx_parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX, "2^64 - 1");
	ok(kx_parse_u64("18446744073709551616", &v) < 0, "overflow rejected");
	errno = ERANGE;	/* left over from an earlier call: not this number's */
	ok(kx_parse_u64("7", &v) == 0 && v == 7, "a stale ERANGE in errno is ignored");

	ok(kx_parse_size("512M", &v) == 0 && v == 512ull << 20, "size with M");
	ok(kx_parse_size("1.5K", &v) == 0 && v == 1536, "fractional size");
	ok(kx_parse_size("2G", &v) == 0 && v == 2ull << 30, "size with G");
	ok(kx_parse_size("4096", &v) == 0 && v == 4096, "bare number is bytes");
	ok(kx_parse_size("3T", &v) < 0, "unknown size suffix rejected");
	ok(kx_parse_size("1.0001K", &v) < 0, "a fraction of a byte rejected");
	ok(kx_parse_size("1.5", &v) < 0, "half a byte rejected");
	ok(kx_parse_size("1.K", &v) < 0, "dangling point rejected");
	ok(kx_parse_size("K", &v) < 0, "unit alone rejected");
	ok(kx_parse_size("5 K", &v) < 0, "space rejected");
	ok(kx_parse_size(NULL, &v) < 0, "no string rejected");
	/* frac * mult is 5e11 * 2^30 here, past 64 bits */
	ok(kx_parse_size("0.500000000000G", &v) == 0 && v == 512ull << 20,
	   "twelve decimals of a G: 0.5G");
	ok(kx_parse_size("0.2500000000000K", &v) < 0, "thirteen decimals rejected");
	ok(kx_parse_size("18446744073709551615", &v) == 0 && v == UINT64_MAX,
	   "2^64 - 1 bytes");
	ok(kx_parse_size("18446744073709551616", &v) < 0, "2^64 bytes: overflow");
	ok(kx_parse_size("17179869183G", &v) == 0 && v == 17179869183ull << 30,
	   "the largest whole number of G");
	ok(kx_parse_size("17179869184G", &v) < 0, "one G more: overflow");
	ok(kx_parse_size("99999999999999999999", &v) < 0, "20 digits: overflow");

	/* trace times (--time), as trace-cmd report -t prints them */
	struct kx_time t = { 0 };

	ok(kx_parse_time("25140", &t) == 0 && t.whole == 25140 && t.ns == 0 && !t.decimals &&
	   t.set, "whole seconds (or cycles)");
	ok(kx_parse_time("25140.5", &t) == 0 && t.whole == 25140 && t.ns == 500000000 &&
	   t.decimals, "one decimal: half a second");
	ok(kx_parse_time("25135.606831953", &t) == 0 && t.ns == 606831953, "nine decimals: ns");
	ok(kx_parse_time("0.000000001", &t) == 0 && t.whole == 0 && t.ns == 1, "one ns");
	ok(kx_parse_time("7.000", &t) == 0 && t.ns == 0 && t.decimals,
	   "zero decimals still say a point was written");
	ok(kx_parse_time("1.0123456789", &t) < 0, "ten decimals rejected: below a ns");
	ok(kx_parse_time("1.", &t) < 0, "dangling point rejected");
	ok(kx_parse_time(".5", &t) < 0, "no whole part rejected");
	ok(kx_parse_time("1.5s", &t) < 0, "a unit rejected");
	ok(kx_parse_time("-1", &t) < 0, "sign rejected");
	ok(kx_parse_time("18446744073709551615", &t) == 0 && t.whole == UINT64_MAX,
	   "2^64 - 1 (cycles)");
	ok(kx_parse_time("18446744073709551616", &t) < 0, "2^64: overflow");
	return done_testing();
}
