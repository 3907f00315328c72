// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json.c - streaming JSON writer: nesting, commas, string escaping,
 * locale-independent numbers, NaN/Inf as null (see kx_json.h).
 */
#include <inttypes.h>
#include <math.h>

#include "kx_json.h"

void kx_json_init(struct kx_json *j, FILE *out, bool pretty)
{
	j->out = out;
	j->depth = 0;
	j->pretty = pretty;
	j->first[0] = true;
}

void kx_json_escape(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void indent(struct kx_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Comma, newline/indent and "key": before a member. */
static void member(struct kx_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	if (j->depth > 0)
		indent(j);
	if (key) {
		kx_json_escape(j->out, key);
		fputs(j->pretty ? ": " : ":", j->out);
	}
}

static void open_scope(struct kx_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < KX_JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_scope(struct kx_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->out);
}

void kx_json_obj_begin(struct kx_json *j, const char *key)
{
	open_scope(j, key, '{');
}

void kx_json_obj_end(struct kx_json *j)
{
	close_scope(j, '}');
}

void kx_json_arr_begin(struct kx_json *j, const char *key)
{
	open_scope(j, key, '[');
}

void kx_json_arr_end(struct kx_json *j)
{
	close_scope(j, ']');
}

void kx_json_str(struct kx_json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		kx_json_escape(j->out, val);
	else
		fputs("null", j->out);
}

void kx_json_u64(struct kx_json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->out, "%" PRIu64, val);
}

void kx_json_i64(struct kx_json *j, const char *key, int64_t val)
{
	member(j, key);
	fprintf(j->out, "%" PRId64, val);
}

void kx_json_double(struct kx_json *j, const char *key, double val, int decimals)
{
	member(j, key);
	if (isnan(val) || isinf(val))
		fputs("null", j->out);
	else
		fprintf(j->out, "%.*f", decimals, val);
}

void kx_json_bool(struct kx_json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->out);
}

void kx_json_null(struct kx_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void kx_json_str_or_null(struct kx_json *j, const char *key, const char *val)
{
	if (val[0])
		kx_json_str(j, key, val);
	else
		kx_json_null(j, key);
}

void kx_json_finish(struct kx_json *j)
{
	fputc('\n', j->out);
}
