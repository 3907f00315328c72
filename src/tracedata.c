// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tracedata.c - parses the "tracing data" metadata blocks (header_page,
 * ftrace and event formats, kallsyms, printk formats, saved cmdlines) from a
 * bounded cursor into a libtraceevent handle, each format after a child
 * process parsed it first (kx_guard.h). Shared by the trace.dat v6/v7
 * and perf.data readers; every length is checked before it is used.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "kx_fmtcheck.h"
#include "kx_grow.h"
#include "kx_guard.h"
#include "kx_tracedata.h"

/* Largest single metadata text we accept (a format file, cmdlines, kallsyms). */
#define MAX_BLOCK (1ULL << 30)
/* Sanity limits on counts read from the file. */
#define MAX_FORMATS 65536
#define MAX_NAME 256
/* A child parsing that long is stuck in the parser: its format is unreadable. */
#define GUARD_TIMEOUT_MS 10000

int kx_tracedata_init(struct kx_tracedata *td, bool big_endian, unsigned long_size,
		      uint32_t page_size, const char *const *decoded)
{
	memset(td, 0, sizeof(*td));
	td->decoded = decoded;
	td->tep = tep_alloc();
	if (!td->tep)
		return -ENOMEM;
	td->big_endian = big_endian;
	td->kernel_long_size = long_size;
	td->page_size = page_size;
	tep_set_file_bigendian(td->tep, big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(td->tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(td->tep, (int)long_size);
	tep_set_page_size(td->tep, (int)page_size);
	return 0;
}

void kx_tracedata_trust(struct kx_tracedata *td, const struct kx_format_memo *memo)
{
	td->trusted = memo;
}

void kx_tracedata_fini(struct kx_tracedata *td)
{
	if (td->tep)
		tep_free(td->tep);
	td->tep = NULL;
	free(td->cmdlines);
	td->cmdlines = NULL;
	for (size_t i = 0; i < td->nr_counted; i++)
		free(td->counted[i].name);
	free(td->counted);
	td->counted = NULL;
	td->nr_counted = td->cap_counted = 0;
	for (size_t i = 0; i < td->nr_unreadable; i++)
		free(td->unreadable[i]);
	free(td->unreadable);
	td->unreadable = NULL;
	td->nr_unreadable = td->cap_unreadable = 0;
	for (size_t i = 0; i < td->parsed.nr; i++)
		free(td->parsed.texts[i].text);
	free(td->parsed.texts);
	td->parsed = (struct kx_format_memo){ 0 };
}

static int trunc_err(struct kx_diag *diag, const char *what, const struct kx_cursor *c)
{
	return kx_diag_set(diag, -KX_ETRUNC, "truncated %s at offset 0x%zx", what, c->pos);
}

/* A length-prefixed text block: borrow @size bytes after checking them. */
static int read_text(struct kx_cursor *c, uint64_t size, const char *what,
		     const unsigned char **text, struct kx_diag *diag)
{
	if (size > MAX_BLOCK)
		return kx_diag_set(diag, -KX_ECORRUPT, "%s size %llu at offset 0x%zx is too large",
				   what, (unsigned long long)size, c->pos);
	if (kx_cursor_bytes(c, (size_t)size, text))
		return trunc_err(diag, what, c);
	return 0;
}

/* The literal tag ("header_page") that precedes a header block. */
static int expect_tag(struct kx_cursor *c, const char *tag, struct kx_diag *diag)
{
	size_t len = strlen(tag) + 1;
	const unsigned char *p;

	if (kx_cursor_bytes(c, len, &p))
		return trunc_err(diag, "header info", c);
	if (memcmp(p, tag, len))
		return kx_diag_set(diag, -KX_ECORRUPT, "missing \"%s\" at offset 0x%zx", tag,
				   c->pos - len);
	return 0;
}

int kx_tracedata_header_info(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag)
{
	const unsigned char *text;
	uint64_t size;
	int page_long, err;

	err = expect_tag(c, "header_page", diag);
	if (err)
		return err;
	if (kx_cursor_u64(c, &size))
		return trunc_err(diag, "header_page", c);
	err = read_text(c, size, "header_page", &text, diag);
	if (err)
		return err;
	if (tep_parse_header_page(td->tep, (char *)text, (unsigned long)size,
				  (int)td->kernel_long_size))
		return kx_diag_set(diag, -KX_ECORRUPT, "cannot parse header_page");
	page_long = tep_get_header_page_size(td->tep);
	if (page_long != 4 && page_long != 8)
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "header_page commit field has size %d (want 4 or 8)", page_long);
	if (tep_get_header_timestamp_size(td->tep) != 8)
		return kx_diag_set(diag, -KX_ECORRUPT, "header_page timestamp is not 8 bytes");
	td->kernel_long_size = (unsigned)page_long;

	err = expect_tag(c, "header_event", diag);
	if (err)
		return err;
	if (kx_cursor_u64(c, &size))
		return trunc_err(diag, "header_event", c);
	return read_text(c, size, "header_event", &text, diag);
}

/* The value (not empty) of the line "@key VALUE" of format @text, as a pointer and length. */
static const char *format_line(const char *text, uint64_t size, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *at = text, *end = text + size, *nl;

	while (at < end) {
		nl = memchr(at, '\n', (size_t)(end - at));
		if (!nl)
			nl = end;
		if ((size_t)(nl - at) > klen && memcmp(at, key, klen) == 0) {
			*len = (size_t)(nl - at) - klen;
			return at + klen;
		}
		at = nl + 1;
	}
	return NULL;
}

static bool is_decoded(const struct kx_tracedata *td, const char *name, size_t len)
{
	for (const char *const *d = td->decoded; *d; d++)
		if (strlen(*d) == len && memcmp(*d, name, len) == 0)
			return true;
	return false;
}

/*
 * Name a kvm format without parsing it: @name (@nlen bytes, its "name:"
 * line, or NULL) and its "ID:" line. Return: 0, 1 if @text has no usable
 * pair (unreadable, as a format that does not parse), or -ENOMEM.
 */
static int count_format(struct kx_tracedata *td, const char *name, size_t nlen,
			const char *text, uint64_t size)
{
	size_t ilen;
	const char *idtext = format_line(text, size, "ID: ", &ilen);
	char digits[12], *stop;
	struct kx_format_id *f;
	long id;

	if (!name || nlen > MAX_NAME || !idtext || ilen >= sizeof(digits))
		return 1;
	memcpy(digits, idtext, ilen);
	digits[ilen] = '\0';
	id = strtol(digits, &stop, 10);
	if (*stop || id < 0 || id > UINT16_MAX)
		return 1;
	if (td->nr_counted == td->cap_counted) {
		f = kx_grow(td->counted, &td->cap_counted, sizeof(*f), 64);
		if (!f)
			return -ENOMEM;
		td->counted = f;
	}
	f = &td->counted[td->nr_counted];
	f->name = strndup(name, nlen);
	if (!f->name)
		return -ENOMEM;
	f->id = (int)id;
	td->nr_counted++;
	return 0;
}

/*
 * Name the event of unreadable format @text in @td->unreadable, once: its
 * "name:" line, bytes that do not print as '?', or "(no name)".
 * Return: 0 or -ENOMEM.
 */
static int note_unreadable(struct kx_tracedata *td, const char *text, uint64_t size)
{
	size_t len = 0;
	const char *name = format_line(text, size, "name: ", &len);
	char *copy;

	if (!name || len > MAX_NAME) {
		name = "(no name)";
		len = strlen(name);
	}
	copy = strndup(name, len);
	if (!copy)
		return -ENOMEM;
	for (char *c = copy; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	for (size_t i = 0; i < td->nr_unreadable; i++)
		if (!strcmp(td->unreadable[i], copy)) {
			free(copy);
			return 0;
		}
	if (td->nr_unreadable == td->cap_unreadable) {
		char **u = kx_grow(td->unreadable, &td->cap_unreadable, sizeof(*u), 4);

		if (!u) {
			free(copy);
			return -ENOMEM;
		}
		td->unreadable = u;
	}
	td->unreadable[td->nr_unreadable++] = copy;
	return 0;
}

/*
 * Decide what becomes of format @text: nothing (another system), only
 * counted (@td->decoded does not list it), or parsed.
 * Return: 1 to parse it, 0, or -ENOMEM.
 */
static int sort_format(struct kx_tracedata *td, const unsigned char *text, uint64_t size,
		       const char *system)
{
	const char *s = (const char *)text, *name;
	size_t len = 0;
	int ret;

	if (td->decoded && strcmp(system, "kvm") != 0)
		return 0;	/* nothing of other systems is decoded or counted */
	if (!kx_format_plausible((const char *)text, size))
		return note_unreadable(td, s, size);
	name = format_line(s, size, "name: ", &len);
	if (td->decoded && !(name && is_decoded(td, name, len))) {
		ret = count_format(td, name, len, s, size);
		return ret > 0 ? note_unreadable(td, s, size) : ret;
	}
	return 1;
}

/* The formats of one system to parse, in file order. */
struct to_parse {
	struct kx_tracedata *td;
	const char *system;
	struct format_text {
		const char *text;
		uint64_t size;
	} *formats;
	size_t nr, cap;
};

/* Return: 0 or -ENOMEM. */
static int keep_format(struct to_parse *tp, const unsigned char *text, uint64_t size)
{
	if (tp->nr == tp->cap) {
		struct format_text *f = kx_grow(tp->formats, &tp->cap, sizeof(*f), 16);

		if (!f)
			return -ENOMEM;
		tp->formats = f;
	}
	tp->formats[tp->nr++] = (struct format_text){ (const char *)text, size };
	return 0;
}

/* Return: 0 if format @i parsed. */
static int parse_one(const struct to_parse *tp, unsigned i)
{
	const struct format_text *f = &tp->formats[i];

	return tep_parse_event(tp->td->tep, f->text, (unsigned long)f->size, tp->system);
}

static void parse_step(unsigned i, void *ctx)
{
	parse_one(ctx, i);
}

static bool in_memo(const struct kx_format_memo *memo, const struct format_text *f)
{
	for (size_t i = 0; memo && i < memo->nr; i++) {
		const struct kx_format_copy *c = &memo->texts[i];

		if (c->size == f->size && !memcmp(c->text, f->text, f->size))
			return true;
	}
	return false;
}

/* Return: 0 or -ENOMEM. */
static int memo_add(struct kx_format_memo *memo, const struct format_text *f)
{
	char *copy;

	if (memo->nr == memo->cap) {
		struct kx_format_copy *t = kx_grow(memo->texts, &memo->cap, sizeof(*t), 16);

		if (!t)
			return -ENOMEM;
		memo->texts = t;
	}
	copy = malloc(f->size ? f->size : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, f->text, f->size);
	memo->texts[memo->nr++] = (struct kx_format_copy){ copy, f->size };
	return 0;
}

/*
 * Parse @tp's formats, each after a child process parsed it and the ones
 * before it without dying: one that ends the child is unreadable, as a
 * format that does not parse. No child when this process parsed every one
 * of them before (@td->trusted). Without a child (no process left to
 * start), they are parsed unguarded, as before the guard.
 * Return: 0 or -ENOMEM.
 */
static int parse_guarded(struct to_parse *tp)
{
	struct kx_tracedata *td = tp->td;
	bool *safe = malloc(tp->nr), trusted = true;
	int err = 0;

	if (!safe)
		return -ENOMEM;
	for (size_t i = 0; i < tp->nr && trusted; i++)
		trusted = in_memo(td->trusted, &tp->formats[i]);
	if (trusted)
		memset(safe, true, tp->nr);
	else
		kx_guard_run((unsigned)tp->nr, parse_step, tp, GUARD_TIMEOUT_MS, safe);
	for (unsigned i = 0; i < tp->nr && !err; i++) {
		if (safe[i])
			err = memo_add(&td->parsed, &tp->formats[i]);
		if (!err && (!safe[i] || parse_one(tp, i)))
			err = note_unreadable(td, tp->formats[i].text, tp->formats[i].size);
	}
	free(safe);
	return err;
}

/* @count format files of @system: a parse failure only makes that event unreadable. */
static int read_formats(struct kx_tracedata *td, struct kx_cursor *c, uint32_t count,
			const char *system, struct kx_diag *diag)
{
	struct to_parse tp = { .td = td, .system = system };
	const unsigned char *text;
	uint64_t size;
	int err = 0;

	if (count > MAX_FORMATS)
		return kx_diag_set(diag, -KX_ECORRUPT, "implausible count of %u event formats",
				   count);
	for (uint32_t i = 0; i < count && !err; i++) {
		if (kx_cursor_u64(c, &size))
			err = trunc_err(diag, "event formats", c);
		else if (!(err = read_text(c, size, "event format", &text, diag)))
			err = sort_format(td, text, size, system);
		if (err == 1)
			err = keep_format(&tp, text, size);
		if (err == -ENOMEM)
			err = kx_diag_set(diag, err, "out of memory reading event formats");
	}
	if (!err && tp.nr && parse_guarded(&tp))
		err = kx_diag_set(diag, -ENOMEM, "out of memory reading event formats");
	free(tp.formats);
	return err;
}

int kx_tracedata_ftrace_formats(struct kx_tracedata *td, struct kx_cursor *c,
				struct kx_diag *diag)
{
	uint32_t count;

	if (kx_cursor_u32(c, &count))
		return trunc_err(diag, "ftrace formats", c);
	return read_formats(td, c, count, "ftrace", diag);
}

int kx_tracedata_event_formats(struct kx_tracedata *td, struct kx_cursor *c,
			       struct kx_diag *diag)
{
	uint32_t nr_systems, count, i;
	char system[MAX_NAME + 1];
	const char *name;
	size_t len;
	int err;

	if (kx_cursor_u32(c, &nr_systems))
		return trunc_err(diag, "event formats", c);
	if (nr_systems > MAX_FORMATS)
		return kx_diag_set(diag, -KX_ECORRUPT, "implausible count of %u event systems",
				   nr_systems);
	for (i = 0; i < nr_systems; i++) {
		err = kx_cursor_str(c, MAX_NAME, &name, &len);
		if (err == -KX_ETRUNC)
			return trunc_err(diag, "event system name", c);
		if (err)
			return kx_diag_set(diag, err, "event system name too long at offset 0x%zx",
					   c->pos);
		memcpy(system, name, len + 1);
		if (kx_cursor_u32(c, &count))
			return trunc_err(diag, "event formats", c);
		err = read_formats(td, c, count, system, diag);
		if (err)
			return err;
	}
	return 0;
}

/* A u32-sized text block that only serves pretty printing: validate and skip. */
static int skip_text(struct kx_cursor *c, const char *what, struct kx_diag *diag)
{
	const unsigned char *text;
	uint32_t size;

	if (kx_cursor_u32(c, &size))
		return trunc_err(diag, what, c);
	return read_text(c, size, what, &text, diag);
}

int kx_tracedata_kallsyms(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag)
{
	return skip_text(c, "kallsyms", diag);
}

int kx_tracedata_printk(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag)
{
	return skip_text(c, "printk formats", diag);
}

int kx_tracedata_cmdlines(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag)
{
	const unsigned char *text;
	uint64_t size;
	char *copy;
	int err;

	if (kx_cursor_u64(c, &size))
		return trunc_err(diag, "saved cmdlines", c);
	err = read_text(c, size, "saved cmdlines", &text, diag);
	if (err || !size)
		return err;
	/* tep_parse_saved_cmdlines() wants a NUL-terminated string. */
	copy = malloc((size_t)size + 1);
	if (!copy)
		return kx_diag_set(diag, -ENOMEM, "out of memory reading saved cmdlines");
	memcpy(copy, text, (size_t)size);
	copy[size] = '\0';
	free(td->cmdlines);
	td->cmdlines = copy;
	return 0;
}

const char *kx_tracedata_comm(struct kx_tracedata *td, int32_t tid)
{
	if (!td->tep)
		return NULL;
	if (td->cmdlines) {
		/* A malformed line only loses that comm: not fatal. */
		tep_parse_saved_cmdlines(td->tep, td->cmdlines);
		free(td->cmdlines);
		td->cmdlines = NULL;
	}
	if (!tep_is_pid_registered(td->tep, tid))
		return NULL;
	return tep_data_comm_from_pid(td->tep, tid);
}
