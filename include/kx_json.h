/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_json.h - a streaming JSON writer for the renderers: it tracks nesting
 * and commas, escapes strings, writes numbers in the C locale and NaN/Inf
 * as null. Keys are given on every call inside objects and NULL inside
 * arrays or at top level.
 */
#ifndef KX_JSON_H
#define KX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define KX_JSON_DEPTH 32

struct kx_json {
	FILE *out;
	int depth;
	bool pretty;
	bool first[KX_JSON_DEPTH];	/* no member written yet at this depth */
};

void kx_json_init(struct kx_json *j, FILE *out, bool pretty);
void kx_json_obj_begin(struct kx_json *j, const char *key);
void kx_json_obj_end(struct kx_json *j);
void kx_json_arr_begin(struct kx_json *j, const char *key);
void kx_json_arr_end(struct kx_json *j);
void kx_json_str(struct kx_json *j, const char *key, const char *val);
void kx_json_u64(struct kx_json *j, const char *key, uint64_t val);
void kx_json_i64(struct kx_json *j, const char *key, int64_t val);
/* @val with @decimals digits after the point; NaN/Inf become null */
void kx_json_double(struct kx_json *j, const char *key, double val, int decimals);
void kx_json_bool(struct kx_json *j, const char *key, bool val);
void kx_json_null(struct kx_json *j, const char *key);
/* @val, or null when it is empty ("" stands for unknown or none) */
void kx_json_str_or_null(struct kx_json *j, const char *key, const char *val);
/** kx_json_finish() - newline after the top-level value. */
void kx_json_finish(struct kx_json *j);

/** kx_json_escape() - write @s as a JSON string literal (with quotes) to @out. */
void kx_json_escape(FILE *out, const char *s);

#endif /* KX_JSON_H */
