// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for jsonread.c: RFC 8259 documents accepted and rejected,
 * lookups and conversions, the depth limit, and every truncation of a
 * valid document failing cleanly (each prefix in an exact-size buffer, so
 * ASan sees any read past the end).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kx_jsonread.h"
#include "tap.h"

static int parses(const char *s)
{
	struct kx_jdoc doc;
	struct kx_diag diag = { "" };
	int err = kx_jdoc_parse(&doc, s, strlen(s), &diag);

	kx_jdoc_free(&doc);
	return err;
}

static const char sample[] =
	"{ \"schema\": 1, \"unit\": \"ns\", \"neg\": -2.5e3, \"big\": 18446744073709551615,\n"
	"  \"over\": 18446744073709551616, \"esc\": \"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\",\n"
	"  \"exits\": [ { \"reason\": \"MSR_WRITE\", \"hist\": [[1000, 3], [1008, 1]] }, 7, null, true, false ],\n"
	"  \"empty\": {}, \"none\": [], \"n\": null }";

/* The one string document @json unescaped, or "(error)". */
static const char *unescaped(const char *json, char *buf, size_t size)
{
	struct kx_jdoc doc;
	struct kx_diag diag = { "" };
	int parsed = kx_jdoc_parse(&doc, json, strlen(json), &diag) == 0 &&
		 kx_jdoc_str(&doc, 0, buf, size) >= 0;

	kx_jdoc_free(&doc);
	return parsed ? buf : "(error)";
}

/*
 * The edges of \u escapes (hex digits a, f, A, F; the surrogate ranges'
 * first and last values), of UTF-8 lengths, of literals ending the
 * document and of the output buffer; blanks inside empty containers and
 * before a colon.
 */
static void test_edges(void)
{
	char buf[16];

	is_str(unescaped("\"\\u00af\\u00AF\"", buf, sizeof(buf)), "\xc2\xaf\xc2\xaf",
	       "\\u00af and \\u00AF: U+00AF twice");
	is_str(unescaped("\"\\u00fa\\u00FA\"", buf, sizeof(buf)), "\xc3\xba\xc3\xba",
	       "\\u00fa and \\u00FA: U+00FA twice");
	is_str(unescaped("\"\\ud800\\udc00\"", buf, sizeof(buf)), "\xf0\x90\x80\x80",
	       "the first surrogate pair: U+10000");
	is_str(unescaped("\"\\udbff\\udfff\"", buf, sizeof(buf)), "\xf4\x8f\xbf\xbf",
	       "the last surrogate pair: U+10FFFF");
	ok(parses("[\"\\udfff\"]") == -KX_ECORRUPT, "the last low surrogate alone rejected");
	ok(parses("[\"\\udbff\"]") == -KX_ECORRUPT, "the last high surrogate alone rejected");
	ok(parses("[\"\\ud800\\n\"]") == -KX_ECORRUPT, "a high surrogate before \\n rejected");
	ok(parses("[\"\\ud800x\\udc00\"]") == -KX_ECORRUPT,
	   "a high surrogate before another character rejected");
	ok(parses("[\"\\ud800\\ue000\"]") == -KX_ECORRUPT,
	   "a high surrogate before a non-surrogate rejected");
	ok(parses("true") == 0 && parses("false") == 0 && parses("null") == 0,
	   "a literal that ends the document");
	ok(parses("[ ]") == 0 && parses("{ }") == 0 && parses("{\n\t}") == 0,
	   "blanks inside empty containers");
	ok(parses("{\"a\" : 1}") == 0, "a blank before the colon");
	/* UTF-8 lengths change at U+0080, U+0800 and U+10000 */
	is_str(unescaped("\"\\u007f\\u0080\"", buf, sizeof(buf)), "\x7f\xc2\x80",
	       "U+007F in one byte, U+0080 in two");
	is_str(unescaped("\"\\u07ff\\u0800\"", buf, sizeof(buf)), "\xdf\xbf\xe0\xa0\x80",
	       "U+07FF in two bytes, U+0800 in three");
	is_str(unescaped("\"\\uffff\"", buf, sizeof(buf)), "\xef\xbf\xbf", "U+FFFF in three bytes");
	/* a buffer takes the string and its NUL, or nothing */
	ok(strcmp(unescaped("\"ns\"", buf, 3), "ns") == 0 &&
	   strcmp(unescaped("\"ns\"", buf, 2), "(error)") == 0, "\"ns\" fits 3 bytes, not 2");
	ok(strcmp(unescaped("\"\\u00e9\"", buf, 3), "\xc3\xa9") == 0 &&
	   strcmp(unescaped("\"\\u00e9\"", buf, 2), "(error)") == 0,
	   "\"\\u00e9\" (two bytes) fits 3 bytes, not 2");
}

/* Lookups: a member name spelt with an escape, members by index, long numbers. */
static void test_lookups(void)
{
	static const char text[] =
		"{\"\\u0074ool\": \"kvmexit-stat\", \"n\": 2, \"d63\": "
		"100000000000000000000000000000000000000000000000000000000000000, \"d64\": "
		"1000000000000000000000000000000000000000000000000000000000000000}";
	struct kx_diag diag = { "" };
	struct kx_jdoc doc;
	char buf[16];
	uint64_t u;
	double d;

	ok(kx_jdoc_parse(&doc, text, strlen(text), &diag) == 0, "lookups: parses");
	ok(kx_jdoc_type(&doc, kx_jdoc_get(&doc, 0, "tool")) == KX_JSTR,
	   "a member named with an escape (\\u0074ool) is found as tool");
	ok(kx_jdoc_u64(&doc, kx_jdoc_child(&doc, 0, 1), &u) == 0 && u == 2,
	   "kx_jdoc_child() of an object: the second member's value");
	ok(kx_jdoc_type(&doc, kx_jdoc_child(&doc, 0, 0)) == KX_JSTR &&
	   kx_jdoc_child(&doc, 0, 4) == KX_JNONE, "its first member's value; none past the last");
	ok(kx_jdoc_double(&doc, kx_jdoc_get(&doc, 0, "d63"), &d) == 0 && d == 1e62,
	   "a number of 63 characters converts");
	ok(kx_jdoc_double(&doc, kx_jdoc_get(&doc, 0, "d64"), &d) == -EINVAL,
	   "one of 64 is refused (longer than the conversion buffer)");
	/* the token one past the last is no token for any accessor */
	ok(kx_jdoc_type(&doc, doc.ntok) == KX_JABSENT && kx_jdoc_get(&doc, doc.ntok, "n") == KX_JNONE &&
	   kx_jdoc_child(&doc, doc.ntok, 0) == KX_JNONE && kx_jdoc_next(&doc, doc.ntok) == KX_JNONE &&
	   kx_jdoc_u64(&doc, doc.ntok, &u) == -EINVAL && kx_jdoc_double(&doc, doc.ntok, &d) == -EINVAL &&
	   kx_jdoc_str(&doc, doc.ntok, buf, sizeof(buf)) == -EINVAL,
	   "token %u, one past the last: absent to every accessor", doc.ntok);
	kx_jdoc_free(&doc);
}

int main(void)
{
	struct kx_diag diag = { "" };
	struct kx_jdoc doc;
	char buf[64];
	uint64_t u;
	double d;
	uint32_t t, e, h;
	char deep[2 * KX_JREAD_DEPTH + 8];
	size_t n;
	int bad = 0;

	ok(kx_jdoc_parse(&doc, sample, strlen(sample), &diag) == 0, "sample parses: %s", diag.msg);
	ok(kx_jdoc_type(&doc, 0) == KX_JOBJ, "top level is an object");
	t = kx_jdoc_get(&doc, 0, "schema");
	ok(kx_jdoc_u64(&doc, t, &u) == 0 && u == 1, "schema is 1");
	ok(kx_jdoc_u64(&doc, kx_jdoc_get(&doc, 0, "big"), &u) == 0 && u == UINT64_MAX, "2^64-1 exact");
	ok(kx_jdoc_u64(&doc, kx_jdoc_get(&doc, 0, "over"), &u) == -ERANGE, "2^64 overflows");
	ok(kx_jdoc_u64(&doc, kx_jdoc_get(&doc, 0, "neg"), &u) == -EINVAL, "negative is no u64");
	ok(kx_jdoc_double(&doc, kx_jdoc_get(&doc, 0, "neg"), &d) == 0 && d == -2500, "-2.5e3 as double");
	ok(kx_jdoc_double(&doc, kx_jdoc_get(&doc, 0, "n"), &d) == 0 && isnan(d), "null is NaN");
	ok(kx_jdoc_double(&doc, kx_jdoc_get(&doc, 0, "unit"), &d) == -EINVAL, "a string is no number");
	ok(kx_jdoc_str(&doc, kx_jdoc_get(&doc, 0, "unit"), buf, sizeof(buf)) == 2 &&
	   strcmp(buf, "ns") == 0, "unit is ns");
	ok(kx_jdoc_str(&doc, kx_jdoc_get(&doc, 0, "esc"), buf, sizeof(buf)) > 0 &&
	   strcmp(buf, "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80") == 0, "escapes and surrogate pair unescaped");
	ok(kx_jdoc_str(&doc, kx_jdoc_get(&doc, 0, "esc"), buf, 5) == -ERANGE, "too small a buffer: -ERANGE");
	e = kx_jdoc_get(&doc, 0, "exits");
	ok(kx_jdoc_type(&doc, e) == KX_JARR && doc.tok[e].count == 5, "exits has 5 elements");
	ok(kx_jdoc_type(&doc, kx_jdoc_child(&doc, e, 1)) == KX_JNUM, "element 1 is a number");
	ok(kx_jdoc_type(&doc, kx_jdoc_child(&doc, e, 2)) == KX_JNULL, "element 2 is null");
	ok(kx_jdoc_type(&doc, kx_jdoc_child(&doc, e, 3)) == KX_JTRUE, "element 3 is true");
	ok(kx_jdoc_type(&doc, kx_jdoc_child(&doc, e, 4)) == KX_JFALSE, "element 4 is false");
	ok(kx_jdoc_child(&doc, e, 5) == KX_JNONE, "element 5 does not exist");
	t = kx_jdoc_child(&doc, e, 0);
	for (int i = 1; i < 5; i++)
		t = kx_jdoc_next(&doc, t);
	ok(t == kx_jdoc_child(&doc, e, 4), "kx_jdoc_next walks to the same element as kx_jdoc_child");
	ok(kx_jdoc_next(&doc, 0) == KX_JNONE, "nothing after the top-level value");
	h = kx_jdoc_get(&doc, kx_jdoc_child(&doc, e, 0), "hist");
	ok(kx_jdoc_u64(&doc, kx_jdoc_child(&doc, kx_jdoc_child(&doc, h, 1), 0), &u) == 0 && u == 1008,
	   "nested [[1000,3],[1008,1]][1][0] is 1008");
	ok(kx_jdoc_get(&doc, 0, "missing") == KX_JNONE, "missing member: KX_JNONE");
	ok(kx_jdoc_get(&doc, kx_jdoc_get(&doc, 0, "missing"), "x") == KX_JNONE &&
	   kx_jdoc_type(&doc, KX_JNONE) == KX_JABSENT, "lookups through a missing member stay absent");
	ok(kx_jdoc_get(&doc, e, "reason") == KX_JNONE, "member lookup on an array: KX_JNONE");
	ok(kx_jdoc_get(&doc, kx_jdoc_get(&doc, 0, "empty"), "x") == KX_JNONE, "empty object");
	ok(doc.tok[kx_jdoc_get(&doc, 0, "none")].count == 0, "empty array");

	/* every proper prefix of the sample is incomplete: a clean error, never a read past it */
	for (n = 0; n < strlen(sample); n++) {
		char *cut = malloc(n ? n : 1);
		struct kx_jdoc d2;

		memcpy(cut, sample, n);
		if (kx_jdoc_parse(&d2, cut, n, &diag) != -KX_ECORRUPT)
			bad++;
		kx_jdoc_free(&d2);
		free(cut);
	}
	ok(bad == 0, "all %zu truncations rejected with -KX_ECORRUPT", strlen(sample));
	kx_jdoc_free(&doc);

	ok(parses("  [1, 2.5, -0, 1e10, 1E-2, 0.5e+3]  ") == 0, "number forms");
	ok(parses("\"\\u0041\"") == 0, "a string at top level");
	ok(parses("{\"a\":1,}") == -KX_ECORRUPT, "trailing comma rejected");
	ok(parses("[01]") == -KX_ECORRUPT, "leading zero rejected");
	ok(parses("[1.]") == -KX_ECORRUPT, "fraction without digits rejected");
	ok(parses("[.5]") == -KX_ECORRUPT, "number without integer part rejected");
	ok(parses("[+1]") == -KX_ECORRUPT, "plus sign rejected");
	ok(parses("[1e]") == -KX_ECORRUPT, "empty exponent rejected");
	ok(parses("[NaN]") == -KX_ECORRUPT, "NaN rejected");
	ok(parses("{'a':1}") == -KX_ECORRUPT, "single quotes rejected");
	ok(parses("{\"a\" 1}") == -KX_ECORRUPT, "missing colon rejected");
	ok(parses("{1:1}") == -KX_ECORRUPT, "non-string member name rejected");
	ok(parses("[\"a\tb\"]") == -KX_ECORRUPT, "raw control character in a string rejected");
	ok(parses("[\"\\x\"]") == -KX_ECORRUPT, "bad escape rejected");
	ok(parses("[\"\\u12g4\"]") == -KX_ECORRUPT, "bad \\u escape rejected");
	ok(parses("[\"\\ud800\"]") == -KX_ECORRUPT, "lone high surrogate rejected");
	ok(parses("[\"\\udc00\"]") == -KX_ECORRUPT, "lone low surrogate rejected");
	ok(parses("[tru]") == -KX_ECORRUPT, "truncated literal rejected");
	ok(parses("[1] [2]") == -KX_ECORRUPT, "two documents rejected");
	ok(parses("") == -KX_ECORRUPT, "empty input rejected");
	ok(parses("[1,\n 2,\n x]") == -KX_ECORRUPT, "garbage value rejected");
	kx_jdoc_parse(&doc, "[1,\n 2,\n x]", 11, &diag);
	ok(strstr(diag.msg, "byte 9") != NULL, "the message names the byte offset: %s", diag.msg);

	memset(deep, '[', KX_JREAD_DEPTH);
	memset(deep + KX_JREAD_DEPTH, ']', KX_JREAD_DEPTH);
	deep[2 * KX_JREAD_DEPTH] = '\0';
	ok(parses(deep) == 0, "%d levels of nesting accepted", KX_JREAD_DEPTH);
	memset(deep, '[', KX_JREAD_DEPTH + 1);
	memset(deep + KX_JREAD_DEPTH + 1, ']', KX_JREAD_DEPTH + 1);
	deep[2 * KX_JREAD_DEPTH + 2] = '\0';
	ok(parses(deep) == -KX_ECORRUPT, "%d levels rejected", KX_JREAD_DEPTH + 1);
	test_edges();
	test_lookups();
	return done_testing();
}
