// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsonread.c - strict JSON validation and tokenisation for saved reports:
 * a counting pass sizes the token array, a second pass fills it; every
 * read is checked against the document length and nesting is bounded.
 * Values are converted (numbers, unescaped strings) only on request.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kx_jsonread.h"

struct jparser {
	const char *s;
	size_t len;
	size_t pos;
	struct kx_jtok *tok;	/* NULL in the counting pass */
	uint32_t n;
	struct kx_diag *diag;
};

static int syntax(struct jparser *p, const char *what)
{
	if (p->pos >= p->len)
		return kx_diag_set(p->diag, -KX_ECORRUPT, "JSON: %s at end of document", what);
	return kx_diag_set(p->diag, -KX_ECORRUPT, "JSON: %s at byte %zu", what, p->pos);
}

static void skip_ws(struct jparser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at @s[@pos] (bounds checked by the caller). Return: value or -1. */
static long hex4(const char *s, size_t pos)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexval(s[pos + i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static uint32_t new_token(struct jparser *p, enum kx_jtype type)
{
	uint32_t idx = p->n++;

	if (p->tok) {
		p->tok[idx].type = (uint8_t)type;
		p->tok[idx].start = (uint32_t)p->pos;
		p->tok[idx].len = 0;
		p->tok[idx].count = 0;
	}
	return idx;
}

static void close_token(struct jparser *p, uint32_t idx, size_t start, size_t end, uint32_t count)
{
	if (!p->tok)
		return;
	p->tok[idx].start = (uint32_t)start;
	p->tok[idx].len = (uint32_t)(end - start);
	p->tok[idx].end = p->n;
	p->tok[idx].count = count;
}

static int parse_string(struct jparser *p)
{
	uint32_t idx = new_token(p, KX_JSTR);
	size_t start = ++p->pos;

	for (;;) {
		unsigned char c;

		if (p->pos >= p->len)
			return syntax(p, "unterminated string");
		c = (unsigned char)p->s[p->pos];
		if (c == '"')
			break;
		if (c < 0x20)
			return syntax(p, "control character in string");
		if (c != '\\') {
			p->pos++;
			continue;
		}
		if (p->pos + 1 >= p->len)
			return syntax(p, "unterminated escape");
		c = (unsigned char)p->s[p->pos + 1];
		if (strchr("\"\\/bfnrt", c) && c) {
			p->pos += 2;
			continue;
		}
		if (c != 'u')
			return syntax(p, "bad escape");
		{
			long u, lo;

			if (p->pos + 6 > p->len || (u = hex4(p->s, p->pos + 2)) < 0)
				return syntax(p, "bad \\u escape");
			p->pos += 6;
			if (u >= 0xdc00 && u <= 0xdfff)
				return syntax(p, "lone low surrogate");
			if (u >= 0xd800 && u <= 0xdbff) {
				if (p->pos + 6 > p->len || p->s[p->pos] != '\\' ||
				    p->s[p->pos + 1] != 'u' ||
				    (lo = hex4(p->s, p->pos + 2)) < 0xdc00 || lo > 0xdfff)
					return syntax(p, "unpaired high surrogate");
				p->pos += 6;
			}
		}
	}
	close_token(p, idx, start, p->pos, 0);
	p->pos++;
	return 0;
}

static size_t digits(struct jparser *p)
{
	size_t n = 0;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
		p->pos++;
		n++;
	}
	return n;
}

static int parse_number(struct jparser *p)
{
	uint32_t idx = new_token(p, KX_JNUM);
	size_t start = p->pos;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (!digits(p))
		return syntax(p, "bad number");
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (!digits(p))
			return syntax(p, "bad fraction");
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (!digits(p))
			return syntax(p, "bad exponent");
	}
	close_token(p, idx, start, p->pos, 0);
	return 0;
}

static int parse_literal(struct jparser *p, const char *word, enum kx_jtype type)
{
	size_t n = strlen(word);
	uint32_t idx;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return syntax(p, "unexpected character");
	idx = new_token(p, type);
	close_token(p, idx, p->pos, p->pos + n, 0);
	p->pos += n;
	return 0;
}

static int parse_value(struct jparser *p, int depth);

/* An array or object after its opening bracket. */
static int parse_container(struct jparser *p, int depth, bool object)
{
	uint32_t idx = new_token(p, object ? KX_JOBJ : KX_JARR);
	char close = object ? '}' : ']';
	size_t start = p->pos;
	uint32_t count = 0;
	int err;

	if (depth >= KX_JREAD_DEPTH)
		return syntax(p, "nesting too deep");
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		close_token(p, idx, start, p->pos, 0);
		return 0;
	}
	for (;;) {
		skip_ws(p);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return syntax(p, "expected member name");
			err = parse_string(p);
			if (err)
				return err;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return syntax(p, "expected ':'");
			p->pos++;
		}
		err = parse_value(p, depth + 1);
		if (err)
			return err;
		count++;
		skip_ws(p);
		if (p->pos >= p->len)
			return syntax(p, "unterminated container");
		if (p->s[p->pos] == close)
			break;
		if (p->s[p->pos] != ',')
			return syntax(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
		p->pos++;
	}
	p->pos++;
	close_token(p, idx, start, p->pos, count);
	return 0;
}

static int parse_value(struct jparser *p, int depth)
{
	skip_ws(p);
	if (p->pos >= p->len)
		return syntax(p, "expected a value");
	if (p->n >= KX_JNONE - 1)
		return syntax(p, "too many tokens");
	switch (p->s[p->pos]) {
	case '{':
		return parse_container(p, depth, true);
	case '[':
		return parse_container(p, depth, false);
	case '"':
		return parse_string(p);
	case 't':
		return parse_literal(p, "true", KX_JTRUE);
	case 'f':
		return parse_literal(p, "false", KX_JFALSE);
	case 'n':
		return parse_literal(p, "null", KX_JNULL);
	default:
		if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
			return parse_number(p);
		return syntax(p, "unexpected character");
	}
}

static int parse_document(struct jparser *p)
{
	int err;

	p->pos = 0;
	p->n = 0;
	err = parse_value(p, 0);
	if (err)
		return err;
	skip_ws(p);
	if (p->pos != p->len)
		return syntax(p, "trailing characters after the document");
	return 0;
}

int kx_jdoc_parse(struct kx_jdoc *doc, const char *text, size_t len, struct kx_diag *diag)
{
	struct jparser p = { .s = text, .len = len, .diag = diag };
	int err;

	memset(doc, 0, sizeof(*doc));
	if (len > KX_JREAD_MAX)
		return kx_diag_set(diag, -E2BIG, "JSON document larger than %u bytes", KX_JREAD_MAX);
	err = parse_document(&p);
	if (err)
		return err;
	doc->tok = calloc(p.n, sizeof(*doc->tok));
	if (!doc->tok)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	p.tok = doc->tok;
	err = parse_document(&p);
	if (err) {
		kx_jdoc_free(doc);
		return err;
	}
	doc->text = text;
	doc->len = len;
	doc->ntok = p.n;
	return 0;
}

void kx_jdoc_free(struct kx_jdoc *doc)
{
	free(doc->tok);
	doc->tok = NULL;
	doc->ntok = 0;
}

enum kx_jtype kx_jdoc_type(const struct kx_jdoc *doc, uint32_t t)
{
	return t < doc->ntok ? (enum kx_jtype)doc->tok[t].type : KX_JABSENT;
}

/* Return: 1 when string token @t unescapes to exactly @s. */
static int str_equals(const struct kx_jdoc *doc, uint32_t t, const char *s)
{
	char buf[256];
	size_t n = strlen(s);

	if (n >= sizeof(buf) || doc->tok[t].len < n)
		return 0;
	if (doc->tok[t].len == n)	/* no escapes possible at equal length unless equal bytes */
		return memcmp(doc->text + doc->tok[t].start, s, n) == 0 &&
		       !memchr(s, '\\', n);
	return kx_jdoc_str(doc, t, buf, sizeof(buf)) == (int)n && memcmp(buf, s, n) == 0;
}

uint32_t kx_jdoc_get(const struct kx_jdoc *doc, uint32_t obj, const char *name)
{
	uint32_t i;

	if (obj >= doc->ntok || doc->tok[obj].type != KX_JOBJ)
		return KX_JNONE;
	i = obj + 1;
	for (uint32_t m = 0; m < doc->tok[obj].count; m++) {
		if (str_equals(doc, i, name))
			return i + 1;
		i = doc->tok[i + 1].end;
	}
	return KX_JNONE;
}

uint32_t kx_jdoc_child(const struct kx_jdoc *doc, uint32_t arr, uint32_t idx)
{
	uint32_t i;
	bool object;

	if (arr >= doc->ntok || idx >= doc->tok[arr].count)
		return KX_JNONE;
	object = doc->tok[arr].type == KX_JOBJ;
	if (!object && doc->tok[arr].type != KX_JARR)
		return KX_JNONE;
	i = arr + 1;
	for (uint32_t k = 0; k < idx; k++)
		i = doc->tok[i + object].end;
	return i + object;
}

uint32_t kx_jdoc_next(const struct kx_jdoc *doc, uint32_t t)
{
	if (t >= doc->ntok || doc->tok[t].end >= doc->ntok)
		return KX_JNONE;
	return doc->tok[t].end;
}

int kx_jdoc_u64(const struct kx_jdoc *doc, uint32_t t, uint64_t *out)
{
	const char *s;
	uint64_t v = 0;

	if (t >= doc->ntok || doc->tok[t].type != KX_JNUM)
		return -EINVAL;
	s = doc->text + doc->tok[t].start;
	for (uint32_t i = 0; i < doc->tok[t].len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int kx_jdoc_double(const struct kx_jdoc *doc, uint32_t t, double *out)
{
	char buf[64], *end;

	if (t >= doc->ntok)
		return -EINVAL;
	if (doc->tok[t].type == KX_JNULL) {
		*out = NAN;
		return 0;
	}
	if (doc->tok[t].type != KX_JNUM || doc->tok[t].len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, doc->text + doc->tok[t].start, doc->tok[t].len);
	buf[doc->tok[t].len] = '\0';
	/* the grammar was checked; strtod only converts (JSON numbers have no locale) */
	*out = strtod(buf, &end);
	return *end ? -EINVAL : 0;
}

/* Append code point @cp as UTF-8. Return: bytes written or -ERANGE. */
static int put_utf8(char *buf, size_t size, size_t at, unsigned long cp)
{
	unsigned char b[4];
	int n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (at + (size_t)n >= size)
		return -ERANGE;
	memcpy(buf + at, b, (size_t)n);
	return n;
}

int kx_jdoc_str(const struct kx_jdoc *doc, uint32_t t, char *buf, size_t size)
{
	const char *s;
	size_t at = 0, len;

	if (t >= doc->ntok || doc->tok[t].type != KX_JSTR || !size)
		return -EINVAL;
	s = doc->text + doc->tok[t].start;
	len = doc->tok[t].len;
	for (size_t i = 0; i < len; i++) {
		unsigned long cp = (unsigned char)s[i];
		int n;

		if (cp != '\\') {
			/* raw bytes, UTF-8 or not, are copied as they are */
			if (at + 1 >= size)
				return -ERANGE;
			buf[at++] = (char)cp;
			continue;
		}
		{
			/* escapes were validated by the parser */
			char e = s[++i];

			switch (e) {
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				cp = (unsigned long)hex4(s, i + 1);
				i += 4;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					unsigned long lo = (unsigned long)hex4(s, i + 3);

					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
				if (cp == 0)
					return -ERANGE;
				break;
			default: cp = (unsigned char)e; break;
			}
		}
		n = put_utf8(buf, size, at, cp);
		if (n < 0)
			return n;
		at += (size_t)n;
	}
	buf[at] = '\0';
	return at > INT32_MAX ? -ERANGE : (int)at;
}
