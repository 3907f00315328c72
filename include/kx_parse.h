/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_parse.h - strict parsing of command-line numbers: no empty strings,
 * no trailing garbage, no overflow, no sign on unsigned values; explicit
 * unit suffixes.
 */
#ifndef KX_PARSE_H
#define KX_PARSE_H

#include <stdint.h>

/** kx_parse_u64() - decimal or 0x-hex. Return: 0 or -EINVAL/-ERANGE. */
int kx_parse_u64(const char *s, uint64_t *out);

/**
 * kx_parse_size() - bytes with optional K, M, G suffix (powers of 1024) and
 * up to 12 decimals ("1.5K"); a size that is no whole number of bytes is
 * rejected. Return: 0 or -EINVAL/-ERANGE.
 */
int kx_parse_size(const char *s, uint64_t *out);

#endif /* KX_PARSE_H */
