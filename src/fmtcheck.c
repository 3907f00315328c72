// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fmtcheck.c - whether an event format text may be handed to
 * libtraceevent (kx_fmtcheck.h): checks of the text alone, each written
 * after a damaged format that crashed libtraceevent 1.7.1.
 */
#define _GNU_SOURCE	/* memmem() */
#include <ctype.h>
#include <string.h>

#include "kx_fmtcheck.h"

/*
 * The print fmt expression has balanced (), {} and quotes: libtraceevent
 * 1.7.1 dereferences NULL on some unterminated expressions.
 */
static bool balanced_print_fmt(const char *p, const char *end)
{
	int depth = 0;
	char quote = 0;

	for (; p < end; p++) {
		if (quote) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '(' || *p == '{' || *p == '[') {
			depth++;
		} else if (*p == ')' || *p == '}' || *p == ']') {
			if (--depth < 0)
				return false;
		}
	}
	return !quote && !depth;
}

static bool is_ident(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Does the format part [@p, @end) declare a field named @name (@len bytes)? */
static bool field_declared(const char *p, const char *end, const char *name, size_t len)
{
	while ((p = memmem(p, (size_t)(end - p), "field:", 6))) {
		const char *semi = memchr(p, ';', (size_t)(end - p)), *q;

		if (!semi)
			return false;
		q = semi;
		if (q > p && q[-1] == ']')	/* array: name[N] */
			while (q > p && *q != '[')
				q--;
		if ((size_t)(q - p) > len && memcmp(q - len, name, len) == 0 && !is_ident(q[-len - 1]))
			return true;
		p = semi;
	}
	return false;
}

/*
 * Every REC->field the print fmt uses is declared: libtraceevent 1.7.1
 * dereferences NULL when a print fmt names a field the format lacks.
 */
static bool print_fmt_fields_declared(const char *s, const char *fmt, const char *end)
{
	const char *p = fmt;

	while ((p = memmem(p, (size_t)(end - p), "REC->", 5))) {
		const char *name = p + 5, *q = name;

		while (q < end && is_ident(*q))
			q++;
		if (q == name || !field_declared(s, fmt, name, (size_t)(q - name)))
			return false;
		p = q;
	}
	return true;
}

/* A token of a print fmt expression, and what it says about the next one. */
enum token_kind {
	TOK_END,
	TOK_STRING,	/* "..." or '.' */
	TOK_NUMBER,
	TOK_IDENT,
	TOK_PUNCT,	/* an operator or bracket, one or two characters */
};

struct token {
	enum token_kind kind;
	const char *at;
	size_t len;
};

static const char *const two_char_ops[] = {
	"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--",
};

/* The token at @p (before @end), white space skipped. */
static struct token next_token(const char *p, const char *end)
{
	struct token t = { TOK_END, p, 0 };

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	t.at = p;
	if (p == end)
		return t;
	if (*p == '"' || *p == '\'') {
		const char *q = p + 1;

		while (q < end && *q != *p)
			q += *q == '\\' && q + 1 < end ? 2 : 1;
		t.kind = TOK_STRING;
		t.len = (size_t)(q < end ? q + 1 - p : end - p);
		return t;
	}
	if (is_ident(*p)) {
		const char *q = p;

		while (q < end && is_ident(*q))
			q++;
		t.kind = *p >= '0' && *p <= '9' ? TOK_NUMBER : TOK_IDENT;
		t.len = (size_t)(q - p);
		return t;
	}
	t.kind = TOK_PUNCT;
	t.len = 1;
	for (size_t i = 0; i < sizeof(two_char_ops) / sizeof(*two_char_ops); i++)
		if (end - p >= 2 && memcmp(p, two_char_ops[i], 2) == 0)
			t.len = 2;
	return t;
}

static bool punct_is(const struct token *t, const char *op)
{
	return t->kind == TOK_PUNCT && t->len == strlen(op) && memcmp(t->at, op, t->len) == 0;
}

/* Whether number @t (0x-prefixed or decimal, maybe with a suffix) is not 0, read within it. */
static bool nonzero_number(const struct token *t)
{
	size_t i = t->len > 2 && t->at[0] == '0' && (t->at[1] == 'x' || t->at[1] == 'X') ? 2 : 0;

	for (; i < t->len && isxdigit((unsigned char)t->at[i]); i++)
		if (t->at[i] != '0')
			return true;
	return false;
}

/*
 * What may divide: a number that is not 0, or a call or a bracket.
 * libtraceevent folds a division of two plain words at parse time, and a
 * word that is not a number counts as 0 there.
 */
static bool divisor_ok(const struct token *t, const char *end)
{
	struct token after = next_token(t->at + t->len, end);

	if (t->kind == TOK_NUMBER)
		return nonzero_number(t);
	if (t->kind == TOK_IDENT)
		return punct_is(&after, "(");
	return punct_is(t, "(");
}

/*
 * The print fmt's expression, [@p, @end), is a sequence of operands and
 * operators: every binary operator has an operand before and after it,
 * and the expression does not end in one. Adjacent words (type names of a
 * cast), adjacent strings (concatenation) and an operand after ')' (a
 * cast) are C too. '->' follows REC or a ')', and ';' and '=' are only
 * inside braces (a statement expression, as kvmmmu's formats have):
 * kernels write no other.
 */
static bool well_formed_print_fmt(const char *p, const char *end)
{
	struct token prev = { TOK_PUNCT, "(", 1 }, t;
	bool operand = false;	/* the tokens so far end in an operand */
	int braces = 0;

	for (; (t = next_token(p, end)).kind != TOK_END; prev = t, p = t.at + t.len) {
		braces += punct_is(&t, "{") - punct_is(&t, "}");
		if (t.kind != TOK_PUNCT) {
			if (operand && !(t.kind == TOK_STRING && prev.kind == TOK_STRING) &&
			    !(t.kind == TOK_IDENT && prev.kind == TOK_IDENT) && !punct_is(&prev, ")"))
				return false;
			operand = true;
		} else if (punct_is(&t, ")") || punct_is(&t, "]")) {
			/* an empty call or subscript, or the end of a cast's pointer type */
			if (!operand && !punct_is(&prev, "(") && !punct_is(&prev, "[") &&
			    !punct_is(&prev, "*"))
				return false;
			operand = true;
		} else if (punct_is(&t, "}")) {
			operand = true;	/* ends a list, or a statement expression's block */
		} else if (punct_is(&t, ";") && !braces) {
			return false;
		} else if (punct_is(&t, "(") || punct_is(&t, "[") || punct_is(&t, "{") ||
			   punct_is(&t, ";") || punct_is(&t, ".") || punct_is(&t, "++") ||
			   punct_is(&t, "--")) {
			operand = punct_is(&t, "++") || punct_is(&t, "--") ? operand : false;
		} else if (punct_is(&t, "-") || punct_is(&t, "+") || punct_is(&t, "*") ||
			   punct_is(&t, "&")) {
			operand = false;	/* binary after an operand, unary before one */
		} else if (punct_is(&t, "!") || punct_is(&t, "~")) {
			if (operand)
				return false;
		} else {
			struct token next = next_token(t.at + t.len, end);

			if (!operand)
				return false;	/* a binary operator with nothing before it */
			if ((punct_is(&t, "/") || punct_is(&t, "%")) && !divisor_ok(&next, end))
				return false;
			/* a field of the record, or of a pointer a cast made */
			if (punct_is(&t, "->") && !punct_is(&prev, ")") &&
			    !(prev.kind == TOK_IDENT && prev.len == 3 && memcmp(prev.at, "REC", 3) == 0))
				return false;
			if (punct_is(&t, "=") && !braces)
				return false;	/* assigns only in a statement expression */
			operand = false;
		}
	}
	return operand;
}

/*
 * Every conversion of the print fmt's format string (the string literal
 * that begins it, [@p, @end)) ends in a letter or is "%%", after flags,
 * width, precision and length: libtraceevent divides by zero on "%\t".
 */
static bool conversions_ok(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != '"')
		return false;
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p != '%')
			continue;
		for (p++; p < end && strchr("-+ #0123456789.*", *p); p++)
			;
		if (p == end || !(*p == '%' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	}
	return p < end;
}

/*
 * A format file is printable text with a name, a format and a balanced,
 * well-formed print fmt that uses only declared fields. libtraceevent
 * 1.7.1 crashed on damaged formats that broke each rule (a control byte
 * in a field type, an unterminated print fmt, an operator with nothing
 * after it, a division by a word, "R4C->reason", "%\t", "a=f(...)").
 */
bool kx_format_plausible(const char *text, size_t size)
{
	const char *end = text + size, *fmt;

	if (size < 6 || memcmp(text, "name: ", 6))
		return false;
	for (size_t i = 0; i < size; i++)
		if (((unsigned char)text[i] < 0x20 && text[i] != '\t' && text[i] != '\n') ||
		    (unsigned char)text[i] >= 0x7f)
			return false;
	fmt = memmem(text, size, "\nprint fmt: ", 12);
	return memmem(text, size, "\nformat:\n", 9) && fmt && balanced_print_fmt(fmt + 12, end) &&
	       conversions_ok(fmt + 12, end) && well_formed_print_fmt(fmt + 12, end) &&
	       print_fmt_fields_declared(text, fmt + 12, end);
}

