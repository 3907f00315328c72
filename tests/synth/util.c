// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c - kx-synth: fatal errors, scratch files, the
 * APIC register name table and the tracing-metadata blocks (header info,
 * event formats, cmdlines) shared by the trace.dat and perf.data writers.
 */
#define _GNU_SOURCE	/* memmem() */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth.h"

void sy_die(const char *fmt, ...)
{
	va_list ap;

	fputs("kx-synth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *sy_xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		sy_die("out of memory");
	return p;
}

void *sy_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		sy_die("out of memory");
	return p;
}

int sy_scratch_fd(const char *near)
{
	char tmpl[4096];
	const char *slash = strrchr(near, '/');
	int fd;

	if (slash)
		snprintf(tmpl, sizeof(tmpl), "%.*s/.kx-synth.XXXXXX", (int)(slash - near), near);
	else
		snprintf(tmpl, sizeof(tmpl), ".kx-synth.XXXXXX");
	fd = mkstemp(tmpl);
	if (fd < 0)
		sy_die("cannot create a scratch file %s", tmpl);
	unlink(tmpl);
	return fd;
}

const char *const sy_apic_regs[64] = {
	[0x2] = "ID", [0x3] = "LVR", [0x8] = "TASKPRI", [0x9] = "ARBPRI", [0xa] = "PROCPRI",
	[0xb] = "EOI", [0xc] = "RRR", [0xd] = "LDR", [0xe] = "DFR", [0xf] = "SPIV",
	[0x10] = "ISR", [0x18] = "TMR", [0x20] = "IRR", [0x28] = "ESR", [0x30] = "ICR",
	[0x31] = "ICR2", [0x32] = "LVTT", [0x33] = "LVTTHMR", [0x34] = "LVTPC", [0x35] = "LVT0",
	[0x36] = "LVT1", [0x37] = "LVTERR", [0x38] = "TMICT", [0x39] = "TMCCT", [0x3e] = "TDCR",
	[0x3f] = "SELF_IPI",
};

struct gbuf {
	uint8_t *p;
	size_t len, cap;
};

static void gput(struct gbuf *b, const void *src, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			sy_die("out of memory");
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void gput32(struct gbuf *b, uint32_t v)
{
	gput(b, &v, 4);
}

static void gput64(struct gbuf *b, uint64_t v)
{
	gput(b, &v, 8);
}

/*
 * header_page as the kernel prints it for @subbuf-byte sub-buffers: its
 * "data" field spans the rest of the sub-buffer (the real text says 4080
 * for 4 KiB). Appended to @b.
 */
static void put_header_page(struct gbuf *b, const struct sy_formats *f, uint32_t subbuf)
{
	const char *text = (const char *)f->header_page, *end = text + f->hp_len;
	const char *data = memmem(text, f->hp_len, "char data;", 10);
	const char *eol = data ? memchr(data, '\n', (size_t)(end - data)) : NULL;
	const char *off = data ? memmem(data, (size_t)((eol ? eol : end) - data), "offset:", 7) : NULL;
	const char *size = data ? memmem(data, (size_t)((eol ? eol : end) - data), "size:", 5) : NULL;
	char num[16];
	size_t digits;
	int n;

	if (!off || !size || subbuf == SY_PAGE_SIZE) {
		gput64(b, f->hp_len);
		gput(b, f->header_page, f->hp_len);
		return;
	}
	size += 5;
	digits = strspn(size, "0123456789");
	n = snprintf(num, sizeof(num), "%u", subbuf - (uint32_t)strtoul(off + 7, NULL, 10));
	gput64(b, f->hp_len - digits + (size_t)n);
	gput(b, text, (size_t)(size - text));
	gput(b, num, (size_t)n);
	gput(b, size + digits, (size_t)(end - size - digits));
}

/*
 * The tracing-data metadata in trace.dat v6 order. With @perf it is the
 * HEADER_TRACING_DATA feature (own "0.6" prelude, no flyrecord); else the
 * blocks that follow the trace.dat prelude. @parts receives the offsets of
 * header info, ftrace formats, event formats, kallsyms, printk, cmdlines
 * (v7 cuts its sections there).
 */
size_t sy_tracing_meta(const struct sy_scenario *sc, const struct sy_formats *f, uint8_t **out,
		       bool perf, size_t parts[6])
{
	struct gbuf b = { 0 };
	char line[96];
	int n;

	if (perf) {
		uint8_t pre[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g', '0', '.', '6',
				  0, 0, 8 };
		uint32_t ps = SY_PAGE_SIZE;

		gput(&b, pre, sizeof(pre));
		gput(&b, &ps, 4);
	}
	parts[0] = b.len;
	gput(&b, "header_page", 12);
	put_header_page(&b, f, perf ? SY_PAGE_SIZE : sc->subbuf_size);
	gput(&b, "header_event", 13);
	gput64(&b, f->he_len);
	gput(&b, f->header_event, f->he_len);
	parts[1] = b.len;
	gput32(&b, 0);				/* ftrace formats */
	parts[2] = b.len;
	gput32(&b, 1);
	gput(&b, "kvm", 4);
	gput32(&b, SY_NKINDS);
	for (int k = 0; k < SY_NKINDS; k++) {
		gput64(&b, f->ev[k].text_len);
		gput(&b, f->ev[k].text, f->ev[k].text_len);
	}
	parts[3] = b.len;
	gput32(&b, 0);				/* kallsyms */
	parts[4] = b.len;
	gput32(&b, 0);				/* printk formats */
	parts[5] = b.len;
	{
		struct gbuf cl = { 0 };

		for (uint32_t t = 0; t < sc->nthreads; t++) {
			n = snprintf(line, sizeof(line), "%u %s\n", sc->th[t].tid, sc->th[t].comm);
			gput(&cl, line, n);
		}
		gput64(&b, cl.len);
		if (cl.len)
			gput(&b, cl.p, cl.len);
		free(cl.p);
	}
	*out = b.p;
	return b.len;
}

