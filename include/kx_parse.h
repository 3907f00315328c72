/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_parse.h - strict parsing of command-line numbers: no empty strings,
 * no trailing garbage, no overflow, no sign on unsigned values; explicit
 * unit suffixes.
 */
#ifndef KX_PARSE_H
#define KX_PARSE_H

#include <stdint.h>

#include "kx.h"

/** kx_parse_u64() - decimal or 0x-hex. Return: 0 or -EINVAL/-ERANGE. */
int kx_parse_u64(const char *s, uint64_t *out);

/**
 * kx_parse_size() - bytes with optional K, M, G suffix (powers of 1024) and
 * up to 12 decimals ("1.5K"); a size that is no whole number of bytes is
 * rejected. Return: 0 or -EINVAL/-ERANGE.
 */
int kx_parse_size(const char *s, uint64_t *out);

/**
 * kx_parse_time() - a trace time: digits, optionally a point and 1 to 9
 * decimals ("25140.606831953"). Sets @t->set. Return: 0 or -EINVAL/-ERANGE.
 */
int kx_parse_time(const char *s, struct kx_time *t);

#endif /* KX_PARSE_H */
