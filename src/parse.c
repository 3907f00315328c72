// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - strict number and size parsing for options: every character
 * must be accounted for.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kx_parse.h"

int kx_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end || end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Split "123.45unit" into whole part, fraction (frac / frac_div) and unit text. */
static int parse_scaled(const char *s, const char **unit, uint64_t *whole, uint64_t *frac,
			uint64_t *frac_div)
{
	const char *p = s;

	*whole = 0;
	*frac = 0;
	*frac_div = 1;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		uint64_t digit = (uint64_t)(*p - '0');

		if (*whole > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		*whole = *whole * 10 + digit;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (*frac_div >= 1000000000000ull)
				return -EINVAL;	/* more precision than we can represent */
			*frac = *frac * 10 + (uint64_t)(*p - '0');
			*frac_div *= 10;
		}
	}
	*unit = p;
	return 0;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/*
 * whole + frac / frac_div units of @mult base units each. The fraction is
 * reduced by what @mult and @frac_div share, as frac * mult can exceed 64
 * bits (0.500000000000G); the part it gives is below @mult.
 */
static int scale(uint64_t whole, uint64_t frac, uint64_t frac_div, uint64_t mult, uint64_t *out)
{
	uint64_t g = gcd(mult, frac_div), part;

	if (frac % (frac_div / g))
		return -EINVAL;	/* not a whole number of base units */
	part = frac / (frac_div / g) * (mult / g);
	if (whole > (UINT64_MAX - part) / mult)
		return -ERANGE;
	*out = whole * mult + part;
	return 0;
}

struct unit {
	const char *sfx;
	uint64_t mult;
};

/* A decimal number with an optional fraction and one of @units' suffixes. */
static int parse_with_units(const char *s, const struct unit *units, size_t n, uint64_t *out)
{
	uint64_t whole, frac, div;
	const char *unit;
	int err = parse_scaled(s ? s : "", &unit, &whole, &frac, &div);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		if (strcmp(unit, units[i].sfx) == 0)
			return scale(whole, frac, div, units[i].mult, out);
	return -EINVAL;
}

int kx_parse_size(const char *s, uint64_t *out)
{
	static const struct unit units[] = {
		{ "", 1 }, { "K", 1ull << 10 }, { "M", 1ull << 20 }, { "G", 1ull << 30 },
	};

	return parse_with_units(s, units, sizeof(units) / sizeof(units[0]), out);
}

int kx_parse_time(const char *s, struct kx_time *t)
{
	uint64_t whole, frac, frac_div;
	const char *rest;
	int err = parse_scaled(s, &rest, &whole, &frac, &frac_div);

	if (err)
		return err;
	if (*rest || frac_div > 1000000000)
		return -EINVAL;
	*t = (struct kx_time){ .whole = whole, .ns = (uint32_t)(frac * (1000000000 / frac_div)),
			       .decimals = frac_div > 1, .set = true };
	return 0;
}
