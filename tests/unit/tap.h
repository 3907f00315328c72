/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a minimal TAP producer for the unit tests: ok(), is_u64(),
 * is_str(), done_testing(). No external test framework needed.
 */
#ifndef KX_TAP_H
#define KX_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_u64(got, want, ...) tap_is_u64((uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 4, 5)))
static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass)
		printf("#   failed at %s:%d\n", file, line);
	return pass;
}

static inline int tap_is_u64(uint64_t got, uint64_t want, const char *file, int line,
			     const char *what)
{
	if (!tap_ok(got == want, file, line, "%s", what)) {
		printf("#   got:  %" PRIu64 "\n#   want: %" PRIu64 "\n", got, want);
		return 0;
	}
	return 1;
}

static inline int tap_is_str(const char *got, const char *want, const char *file, int line,
			     const char *what)
{
	int pass = got && want ? strcmp(got, want) == 0 : got == want;

	if (!tap_ok(pass, file, line, "%s", what)) {
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want ? want : "(null)");
		return 0;
	}
	return 1;
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_run);
	return tap_failed ? 1 : 0;
}

#endif /* KX_TAP_H */
