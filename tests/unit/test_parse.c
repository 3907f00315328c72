// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parse.c: strict numbers, sizes and durations. */
#include "kx_parse.h"
#include "tap.h"

int main(void)
{
	uint64_t v;
	int64_t i;

	ok(kx_parse_u64("42", &v) == 0 && v == 42, "decimal");
	ok(kx_parse_u64("0x380", &v) == 0 && v == 0x380, "hex");
	ok(kx_parse_u64("", &v) < 0, "empty rejected");
	ok(kx_parse_u64("-1", &v) < 0, "sign rejected");
	ok(kx_parse_u64(" 1", &v) < 0, "leading space rejected");
	ok(kx_parse_u64("12x", &v) < 0, "trailing garbage rejected");
	ok(kx_parse_u64("18446744073709551616", &v) < 0, "overflow rejected");
	ok(kx_parse_i64("-5", &i) == 0 && i == -5, "signed");
	ok(kx_parse_size("512M", &v) == 0 && v == 512ull << 20, "size with M");
	ok(kx_parse_size("1.5K", &v) == 0 && v == 1536, "fractional size");
	ok(kx_parse_size("3T", &v) < 0, "unknown size suffix rejected");
	ok(kx_parse_duration_ns("11us", &v) == 0 && v == 11000, "11us");
	ok(kx_parse_duration_ns("1.5ms", &v) == 0 && v == 1500000, "1.5ms");
	ok(kx_parse_duration_ns("700ns", &v) == 0 && v == 700, "700ns");
	ok(kx_parse_duration_ns("2s", &v) == 0 && v == 2000000000ull, "2s");
	ok(kx_parse_duration_ns("250", &v) == 0 && v == 250, "bare number is ns");
	ok(kx_parse_duration_ns("1.0005us", &v) < 0, "sub-ns fraction rejected");
	ok(kx_parse_duration_ns("1.us", &v) < 0, "dangling point rejected");
	ok(kx_parse_duration_ns("us", &v) < 0, "unit alone rejected");
	ok(kx_parse_duration_ns("5 us", &v) < 0, "space rejected");
	ok(kx_parse_duration_ns("99999999999999999999s", &v) < 0, "overflow rejected");
	return done_testing();
}
