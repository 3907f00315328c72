/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_jsonread.h - a small strict JSON reader for saved reports (RFC 8259).
 * The document is validated and tokenised in place: one token array of
 * exactly the size the document needs, no allocation per token, strings
 * unescaped only when asked for. Nesting is limited to KX_JREAD_DEPTH and
 * documents to KX_JREAD_MAX bytes, so no input can exhaust the stack.
 */
#ifndef KX_JSONREAD_H
#define KX_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx.h"

#define KX_JREAD_DEPTH	64
#define KX_JREAD_MAX	(1u << 30)	/* 1 GiB: token offsets are 32-bit */

/* "No such token": what the lookups return for a missing member or element. */
#define KX_JNONE	UINT32_MAX

enum kx_jtype {
	KX_JABSENT,	/* the type of KX_JNONE */
	KX_JNULL,
	KX_JFALSE,
	KX_JTRUE,
	KX_JNUM,
	KX_JSTR,
	KX_JARR,
	KX_JOBJ,
};

/*
 * struct kx_jtok - one value or object member name.
 * @start/@len: the token's text (for strings: between the quotes, still escaped)
 * @end:        index of the first token after this one's subtree
 * @count:      elements of an array, members of an object
 */
struct kx_jtok {
	uint32_t start;
	uint32_t len;
	uint32_t end;
	uint32_t count;
	uint8_t type;
};

/*
 * struct kx_jdoc - a parsed document. Token 0 is the top-level value. The
 * children of an object alternate: member name (KX_JSTR), member value.
 * @text is borrowed: it must outlive the document.
 */
struct kx_jdoc {
	const char *text;
	size_t len;
	struct kx_jtok *tok;
	uint32_t ntok;
};

/**
 * kx_jdoc_parse() - validate @text (@len bytes, need not be NUL-terminated)
 * and tokenise it into @doc.
 * Return: 0 (free with kx_jdoc_free()), -KX_ECORRUPT with @diag naming the
 * byte offset of a syntax error, -E2BIG for a document over KX_JREAD_MAX,
 * or -ENOMEM.
 */
int kx_jdoc_parse(struct kx_jdoc *doc, const char *text, size_t len, struct kx_diag *diag);

/** kx_jdoc_free() - free the token array (NULL-safe, idempotent). */
void kx_jdoc_free(struct kx_jdoc *doc);

/**
 * kx_jdoc_get() - the value of member @name of object token @obj.
 * Return: its token index, or KX_JNONE when @obj is no object (or KX_JNONE)
 * or has no such member; lookups can be chained safely.
 */
uint32_t kx_jdoc_get(const struct kx_jdoc *doc, uint32_t obj, const char *name);

/**
 * kx_jdoc_child() - element @i of array @arr (or member value @i of an object).
 * Return: its token index, or KX_JNONE when out of range.
 */
uint32_t kx_jdoc_child(const struct kx_jdoc *doc, uint32_t arr, uint32_t i);

/**
 * kx_jdoc_next() - the element after array element @t (walks an array in
 * linear time: start at kx_jdoc_child(doc, arr, 0), stop after count).
 * Return: its token index, or KX_JNONE past the end of the document.
 */
uint32_t kx_jdoc_next(const struct kx_jdoc *doc, uint32_t t);

/** kx_jdoc_type() - type of token @t; KX_JABSENT for KX_JNONE. */
enum kx_jtype kx_jdoc_type(const struct kx_jdoc *doc, uint32_t t);

/**
 * kx_jdoc_u64() - token @t as an unsigned integer (exact, no fraction or
 * exponent). Return: 0, -EINVAL if it is not one, -ERANGE on overflow.
 */
int kx_jdoc_u64(const struct kx_jdoc *doc, uint32_t t, uint64_t *out);

/**
 * kx_jdoc_double() - token @t as a double; null gives NaN.
 * Return: 0 or -EINVAL if @t is neither a number nor null.
 */
int kx_jdoc_double(const struct kx_jdoc *doc, uint32_t t, double *out);

/**
 * kx_jdoc_str() - string token @t unescaped into @buf (NUL-terminated, UTF-8).
 * Return: its length, -EINVAL if @t is no string, -ERANGE if it does not fit
 * (or holds a NUL character).
 */
int kx_jdoc_str(const struct kx_jdoc *doc, uint32_t t, char *buf, size_t size);

#endif /* KX_JSONREAD_H */
