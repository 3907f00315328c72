// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tracedat.c - kx-synth: write trace.dat v6 or v7 (compression none, zlib,
 * zstd). Events are packed into kernel ring-buffer sub-buffers per buffer
 * instance and CPU as they arrive and streamed to scratch files; the file is
 * assembled at the end (metadata, options, flyrecord/BUFFER sections, data).
 */
#define _GNU_SOURCE	/* copy_file_range */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#if KX_HAVE_ZSTD
#include <zstd.h>
#endif

#include "synth.h"

#define PAGE_HEADER	16		/* timestamp, commit */
#define CHUNK_PAGES	10
#define STREAM_BYTES	(256u << 10)	/* a stream's pages written at once */
#define TS_BITS		27
#define COMMIT_FLAGS	0xffffffffc0000000ull	/* MISSED_EVENTS|MISSED_STORED, sign-extended */

/*
 * One buffer instance's CPU: pages are built in place in @buf and written
 * out @cap at a time (compressed files: one chunk of CHUNK_PAGES pages).
 * The first CPU of the top buffer in a v6 file goes straight to its final
 * place in the output; every other stream goes to a scratch file that is
 * copied behind it at the end.
 */
struct cstream {
	int fd;				/* scratch file, or the output when @direct */
	bool direct;
	uint64_t base;			/* file offset of the data when @direct */
	uint8_t *buf, *page;
	uint32_t npages, cap;
	size_t used;
	size_t limit;			/* most data bytes the open page takes; 0: open a new one */
	bool open, missed;
	uint64_t page_ts, last_ts, missed_count, pending_lost;
	uint64_t ondisk;		/* bytes written so far */
	uint32_t nchunks;
};

struct sy_tdat {
	char *path;
	int kind;
	const struct sy_scenario *sc;
	const struct sy_formats *f;
	FILE *out;
	uint32_t rec_size[SY_NKINDS];
	struct cstream cs[SY_MAX_BUFS][SY_MAX_CPUS];
	uint8_t *zbuf;
	size_t zcap;
#if KX_HAVE_ZSTD
	ZSTD_CCtx *zc;
#endif
};

static bool compressed(const struct sy_tdat *w)
{
	return w->kind == SY_OUT_V7_ZLIB || w->kind == SY_OUT_V7_ZSTD;
}

/* One compressed block: the whole of @src into w->zbuf; returns its size. */
static size_t compress_block(struct sy_tdat *w, const uint8_t *src, size_t len)
{
	size_t need = len + len / 8 + 1024;

	if (need > w->zcap) {
		free(w->zbuf);
		w->zcap = need;
		w->zbuf = sy_xmalloc(need);
	}
	if (w->kind == SY_OUT_V7_ZLIB) {
		uLongf out = w->zcap;

		if (compress2(w->zbuf, &out, src, len, Z_BEST_COMPRESSION) != Z_OK)
			sy_die("zlib compress failed");
		return out;
	}
#if KX_HAVE_ZSTD
	{
		size_t r = ZSTD_compress2(w->zc, w->zbuf, w->zcap, src, len);

		if (ZSTD_isError(r))
			sy_die("zstd: %s", ZSTD_getErrorName(r));
		return r;
	}
#else
	sy_die("built without libzstd");
#endif
}

static void write_all(const struct sy_tdat *w, struct cstream *c, const void *p, size_t n)
{
	ssize_t r;

	if (c->fd < 0)
		c->fd = sy_scratch_fd(w->path);
	while (n) {
		r = c->direct ? pwrite(c->fd, p, n, c->base + c->ondisk) : write(c->fd, p, n);
		if (r <= 0)
			sy_die("write error: %s", strerror(errno));
		p = (const uint8_t *)p + r;
		n -= r;
		c->ondisk += r;
	}
}

/* Write the complete pages held in the stream's buffer. */
static void spill(struct sy_tdat *w, struct cstream *c)
{
	size_t n = (size_t)c->npages * w->sc->subbuf_size;

	if (!n)
		return;
	if (compressed(w)) {
		uint32_t hdr[2] = { compress_block(w, c->buf, n), n };

		write_all(w, c, hdr, 8);
		write_all(w, c, w->zbuf, hdr[0]);
		c->nchunks++;
	} else {
		write_all(w, c, c->buf, n);
	}
	c->npages = 0;
}

static void flush_page(struct sy_tdat *w, struct cstream *c)
{
	uint64_t commit = c->used | (c->missed ? COMMIT_FLAGS : 0);
	size_t end = 16 + c->used;

	if (!c->open)
		return;
	sy_put64(c->page, c->page_ts);
	sy_put64(c->page + 8, commit);
	if (c->missed) {
		sy_put64(c->page + end, c->missed_count);
		end += 8;
	}
	/* the page was not cleared when opened: zero only what no record filled */
	memset(c->page + end, 0, w->sc->subbuf_size - end);
	c->open = false;
	c->limit = 0;
	if (++c->npages == c->cap)
		spill(w, c);
}

static void new_page(struct sy_tdat *w, struct cstream *c, uint64_t ts)
{
	flush_page(w, c);
	if (!c->buf) {
		c->cap = compressed(w) ? CHUNK_PAGES : STREAM_BYTES / w->sc->subbuf_size;
		if (!c->cap)
			c->cap = 1;
		/* slack: copy_rec() may write a few bytes past the last page */
		c->buf = sy_xmalloc((size_t)c->cap * w->sc->subbuf_size + 64);
	}
	c->page = c->buf + (size_t)c->npages * w->sc->subbuf_size;
	c->open = true;
	c->used = 0;
	c->page_ts = c->last_ts = ts;
	c->missed = c->pending_lost != 0;
	c->missed_count = c->pending_lost;
	c->pending_lost = 0;
	c->limit = w->sc->subbuf_size - PAGE_HEADER - (c->missed ? 8 : 0);	/* the lost count follows the data */
}

/* Room for a @len-byte record at @ts in the stream's current page; returns where it goes. */
static inline uint8_t *append(struct sy_tdat *w, struct cstream *c, uint64_t ts, size_t len)
{
	uint64_t delta = ts - c->last_ts;
	size_t need = 4 + len + (delta >> TS_BITS ? 8 : 0);
	uint8_t *p;

	if (c->used + need > c->limit) {
		new_page(w, c, ts);
		delta = 0;
	}
	p = c->page + 16 + c->used;
	if (delta >> TS_BITS) {
		sy_put32(p, 30 | (uint32_t)(delta & ((1u << TS_BITS) - 1)) << 5);
		sy_put32(p + 4, delta >> TS_BITS);
		p += 8;
		c->used += 8;
		delta = 0;
	}
	sy_put32(p, (uint32_t)(len / 4) | (uint32_t)delta << 5);
	c->used += 4 + len;
	c->last_ts = ts;
	return p + 4;
}

static void v6_layout(const struct sy_tdat *w, const uint64_t size[SY_MAX_BUFS][SY_MAX_CPUS],
		      uint64_t at[SY_MAX_BUFS][SY_MAX_CPUS]);

struct sy_tdat *sy_tdat_open(const char *path, int kind, const struct sy_scenario *sc,
			     const struct sy_formats *f)
{
	struct sy_tdat *w = sy_xmalloc(sizeof(*w));

	w->path = strdup(path);
	w->kind = kind;
	w->sc = sc;
	w->f = f;
	for (int k = 0; k < SY_NKINDS; k++)
		w->rec_size[k] = f->ev[k].rec_size;
	for (uint32_t b = 0; b < SY_MAX_BUFS; b++)
		for (uint32_t c = 0; c < SY_MAX_CPUS; c++)
			w->cs[b][c].fd = -1;
	w->out = fopen(path, "w+b");
	if (!w->out)
		sy_die("%s: cannot create", path);
	setvbuf(w->out, NULL, _IOFBF, 1 << 18);
	if (kind == SY_OUT_V6) {
		uint64_t zero[SY_MAX_BUFS][SY_MAX_CPUS] = { { 0 } }, at[SY_MAX_BUFS][SY_MAX_CPUS];

		v6_layout(w, zero, at);
		w->cs[0][0].direct = true;
		w->cs[0][0].fd = fileno(w->out);
		w->cs[0][0].base = at[0][0];
	}
#if KX_HAVE_ZSTD
	if (kind == SY_OUT_V7_ZSTD) {
		w->zc = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, 3);
		ZSTD_CCtx_setParameter(w->zc, ZSTD_c_contentSizeFlag, 0);
	}
#else
	if (kind == SY_OUT_V7_ZSTD)
		sy_die("v7-zstd: kx-synth was built without libzstd");
#endif
	return w;
}

/*
 * Copy a record as one or two fixed 64-byte blocks (inlined, no call): up to
 * 60 bytes past its end get overwritten later by the next record or zeroed by
 * flush_page() (the page buffer has slack after its last page), and the
 * sources are SY_REC_MAX-byte buffers.
 */
_Static_assert(SY_REC_MAX == 128, "copy_rec copies 64 or 128 bytes");

static inline void copy_rec(uint8_t *dst, const uint8_t *src, size_t len)
{
	memcpy(dst, src, 64);
	if (len > 64)
		memcpy(dst + 64, src + 64, 64);
}

/* Any event: markers, records to encode, a new page, a TIME_EXTEND. */
static void __attribute__((noinline)) event_slow(struct sy_tdat *w, struct cstream *c,
						 const struct sy_ev *ev)
{
	uint8_t *rec;
	size_t size;

	if (ev->kind == SY_LOST) {
		c->pending_lost += ev->v[0];
		c->limit = 0;		/* the next event starts a flagged page */
		return;
	}
	size = w->rec_size[ev->kind];
	rec = append(w, c, ev->ts, size);
	if (ev->rec)
		copy_rec(rec, ev->rec, size);
	else
		sy_record(w->f, ev->kind, ev->tid, ev->v, rec);
}

static inline void tdat_event(struct sy_tdat *w, const struct sy_ev *ev)
{
	struct cstream *c = &w->cs[ev->buf][ev->cpu];
	uint64_t delta = ev->ts - c->last_ts;
	size_t used = c->used, len;
	uint8_t *p;

	/* inline only the common case: an encoded record that fits the open page, a small delta */
	if (!ev->rec || delta >> TS_BITS) {
		event_slow(w, c, ev);
		return;
	}
	len = w->rec_size[ev->kind];
	if (used + 4 + len > c->limit) {
		event_slow(w, c, ev);
		return;
	}
	p = c->page + 16 + used;
	c->used = used + 4 + len;
	c->last_ts = ev->ts;
	sy_put32(p, (uint32_t)(len / 4) | (uint32_t)delta << 5);
	copy_rec(p + 4, ev->rec, len);
}

void sy_tdat_events(struct sy_tdat *w, const struct sy_ev *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tdat_event(w, &ev[i]);
}

/* ---- assembling the file ---- */

static void wr(FILE *out, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, out) != n)
		sy_die("write error");
}

static void wr16(FILE *out, uint16_t v)
{
	wr(out, &v, 2);
}

static void wr32(FILE *out, uint32_t v)
{
	wr(out, &v, 4);
}

static void wr64(FILE *out, uint64_t v)
{
	wr(out, &v, 8);
}

static void pad_to(FILE *out, uint64_t align)
{
	static const uint8_t zero[SY_PAGE_SIZE];
	long pos = ftell(out);
	uint64_t pad = pos % align ? align - pos % align : 0;

	for (; pad; pad -= pad < sizeof(zero) ? pad : sizeof(zero))
		wr(out, zero, pad < sizeof(zero) ? pad : sizeof(zero));
}

/* Append a scratch stream to the output (in the kernel when it can). */
static void copy_data(FILE *out, struct cstream *c)
{
	loff_t in = 0, at;
	uint64_t left = c->ondisk;

	if (c->direct || !left)
		return;
	if (fflush(out))
		sy_die("write error");
	at = ftell(out);
	while (left) {
		ssize_t n = copy_file_range(c->fd, &in, fileno(out), &at, left, 0);

		if (n <= 0) {
			uint8_t buf[1 << 16];

			n = pread(c->fd, buf, left < sizeof(buf) ? left : sizeof(buf), in);
			if (n <= 0 || pwrite(fileno(out), buf, n, at) != n)
				sy_die("copy error: %s", strerror(errno));
			in += n;
			at += n;
		}
		left -= n;
	}
	fseek(out, at, SEEK_SET);
}

static const char *clock_text(const struct sy_scenario *sc)
{
	return sc->tsc ? "local global counter uptime perf mono mono_raw boot tai [x86-tsc]\n"
		       : "[local] global counter uptime perf mono mono_raw boot tai x86-tsc\n";
}

static void opt(FILE *out, uint16_t id, const void *data, uint32_t len)
{
	wr16(out, id);
	wr32(out, len);
	wr(out, data, len);
}

static void common_options(FILE *out, const struct sy_tdat *w)
{
	char uname[128];
	const char *ver = "3.1.6 kx-synth";

	opt(out, 4, clock_text(w->sc), strlen(clock_text(w->sc)) + 1);
	snprintf(uname, sizeof(uname), "Linux kx-synth %s x86_64", w->f->release);
	opt(out, 5, uname, strlen(uname) + 1);
	opt(out, 9, ver, strlen(ver) + 1);
	/* DATE (1) and OFFSET (7) are ASCII integers that readers add to every timestamp */
	if (w->sc->date_opt[0])
		opt(out, 1, w->sc->date_opt, strlen(w->sc->date_opt) + 1);
	if (w->sc->offset_opt[0])
		opt(out, 7, w->sc->offset_opt, strlen(w->sc->offset_opt) + 1);
	if (w->sc->tsc && w->sc->tsc2nsec) {
		uint8_t t[16] = { 0 };

		sy_put32(t, w->sc->mult);
		sy_put32(t + 4, w->sc->shift);
		opt(out, 14, t, 16);
	}
}

static uint64_t data_size(const struct sy_tdat *w, const struct cstream *c)
{
	if (!c->ondisk)
		return 0;
	return compressed(w) ? 4 + c->ondisk : c->ondisk;
}

/* Where each v6 block goes, for the given per-stream data sizes. */
struct v6_pos {
	uint64_t opts_len, inst_at, table, data_at[SY_MAX_BUFS][SY_MAX_CPUS];
};

static uint64_t v6_header_len(const struct sy_tdat *w, size_t mlen, size_t *opts_common)
{
	char *mb = NULL;
	size_t ms = 0;
	FILE *m = open_memstream(&mb, &ms);

	common_options(m, w);
	fclose(m);
	free(mb);
	*opts_common = ms;
	return 14 + 4 + mlen + 4;		/* prelude, metadata, cpus */
}

static void v6_place(const struct sy_tdat *w, size_t mlen, struct v6_pos *p,
		     const uint64_t size[SY_MAX_BUFS][SY_MAX_CPUS])
{
	const struct sy_scenario *sc = w->sc;
	const uint64_t ps = sc->subbuf_size;
	size_t common;
	uint64_t pos = v6_header_len(w, mlen, &common);

	p->table = 10 + 16 * sc->ncpus + 8 + strlen(clock_text(sc));
	p->opts_len = 10 + common + 2;
	for (uint32_t b = 1; b < sc->nbufs; b++)
		p->opts_len += 6 + 8 + strlen(sc->bufname[b]) + 1;
	p->inst_at = pos + p->opts_len + p->table;	/* instance tables follow the top one */
	pos = p->inst_at + (sc->nbufs - 1) * p->table;
	for (uint32_t b = 0; b < sc->nbufs; b++) {
		for (uint32_t c = 0; c < sc->ncpus; c++) {
			pos = (pos + ps - 1) / ps * ps;
			p->data_at[b][c] = pos;
			pos += size[b][c];
		}
	}
}

static void v6_layout(const struct sy_tdat *w, const uint64_t size[SY_MAX_BUFS][SY_MAX_CPUS],
		      uint64_t at[SY_MAX_BUFS][SY_MAX_CPUS])
{
	uint8_t *meta;
	size_t parts[6], mlen = sy_tracing_meta(w->sc, w->f, &meta, false, parts);
	struct v6_pos p;

	free(meta);
	v6_place(w, mlen, &p, size);
	memcpy(at, p.data_at, sizeof(p.data_at));
}

static int close_v6(struct sy_tdat *w, FILE *out, const uint8_t *meta, size_t mlen)
{
	const struct sy_scenario *sc = w->sc;
	const char *clk = clock_text(sc);
	uint64_t size[SY_MAX_BUFS][SY_MAX_CPUS];
	struct v6_pos p;

	for (uint32_t b = 0; b < SY_MAX_BUFS; b++)
		for (uint32_t c = 0; c < SY_MAX_CPUS; c++)
			size[b][c] = data_size(w, &w->cs[b][c]);
	v6_place(w, mlen, &p, size);
	if (p.data_at[0][0] != w->cs[0][0].base)
		sy_die("internal: v6 layout moved");
	fseek(out, 0, SEEK_SET);
	wr(out, "\x17\x08\x44tracing6", 11);
	wr(out, "\0\0\x08", 3);
	wr32(out, w->sc->subbuf_size);
	wr(out, meta, mlen);
	wr32(out, sc->ncpus);
	wr(out, "options  ", 10);
	common_options(out, w);
	for (uint32_t b = 1; b < sc->nbufs; b++) {
		uint8_t o[8 + 32];
		size_t nl = strlen(sc->bufname[b]) + 1;

		sy_put64(o, p.inst_at + (b - 1) * p.table);
		memcpy(o + 8, sc->bufname[b], nl);
		opt(out, 3, o, 8 + nl);
	}
	wr16(out, 0);
	for (uint32_t b = 0; b < sc->nbufs; b++) {
		wr(out, "flyrecord", 10);
		for (uint32_t c = 0; c < sc->ncpus; c++) {
			wr64(out, p.data_at[b][c]);
			wr64(out, size[b][c]);
		}
		wr64(out, strlen(clk));
		wr(out, clk, strlen(clk));
	}
	for (uint32_t b = 0; b < sc->nbufs; b++) {
		for (uint32_t c = 0; c < sc->ncpus; c++) {
			if (w->cs[b][c].direct) {
				fseek(out, p.data_at[b][c] + size[b][c], SEEK_SET);
				continue;
			}
			pad_to(out, w->sc->subbuf_size);
			if ((uint64_t)ftell(out) != p.data_at[b][c])
				sy_die("internal: v6 layout mismatch");
			copy_data(out, &w->cs[b][c]);
		}
	}
	return 0;
}

/* v7 section: header + payload (compressed as one block when the file is). */
static void section(struct sy_tdat *w, FILE *out, uint16_t id, uint32_t desc, const void *p,
		    size_t n)
{
	bool z = compressed(w);

	wr16(out, id);
	wr16(out, z);
	wr32(out, desc);
	if (z) {
		size_t cl = compress_block(w, p, n);

		wr64(out, 8 + cl);
		wr32(out, cl);
		wr32(out, n);
		wr(out, w->zbuf, cl);
	} else {
		wr64(out, n);
		wr(out, p, n);
	}
}

static const char v7_strings[] =
	"headers\0ftrace events\0events format\0kallsyms\0printk\0command lines\0options\0"
	"buffer flyrecord\0strings";
enum { DS_HEADERS = 0, DS_FTRACE = 8, DS_EVENTS = 22, DS_KALLSYMS = 36, DS_PRINTK = 45,
       DS_CMDLINES = 52, DS_OPTIONS = 66, DS_BUFFER = 74, DS_STRINGS = 91 };

static void v7_options(struct sy_tdat *w, FILE *m, const uint64_t sec[6],
		       const uint64_t bufsec[SY_MAX_BUFS],
		       const uint64_t data_at[SY_MAX_BUFS][SY_MAX_CPUS])
{
	const struct sy_scenario *sc = w->sc;

	for (int i = 0; i < 6; i++)
		opt(m, 16 + i, &sec[i], 8);
	common_options(m, w);
	for (uint32_t b = 0; b < sc->nbufs; b++) {
		uint8_t o[256];
		size_t p = 0;
		uint32_t n = 0;
		const char *clk = sc->tsc ? "x86-tsc" : "local";

		sy_put64(o, bufsec[b]);
		p = 8;
		memcpy(o + p, sc->bufname[b], strlen(sc->bufname[b]) + 1);
		p += strlen(sc->bufname[b]) + 1;
		memcpy(o + p, clk, strlen(clk) + 1);
		p += strlen(clk) + 1;
		sy_put32(o + p, w->sc->subbuf_size);
		for (uint32_t c = 0; c < sc->ncpus; c++)
			n += data_size(w, &w->cs[b][c]) != 0;
		sy_put32(o + p + 4, n);
		p += 8;
		wr16(m, 3);
		wr32(m, p + n * 20);
		wr(m, o, p);
		for (uint32_t c = 0; c < sc->ncpus; c++) {
			if (!data_size(w, &w->cs[b][c]))
				continue;
			wr32(m, c);
			wr64(m, data_at[b][c]);
			wr64(m, data_size(w, &w->cs[b][c]));
		}
	}
	wr16(m, 0);
	wr32(m, 8);
	wr64(m, 0);
}

static int close_v7(struct sy_tdat *w, FILE *out, const uint8_t *meta, size_t mlen,
		    const size_t parts[6])
{
	const struct sy_scenario *sc = w->sc;
	static const char *const names[] = { "none", "zlib", "zstd" };
	const char *alg = names[w->kind - SY_OUT_V7_NONE];
	const char *ver = "";
	uint64_t sec[6], bufsec[SY_MAX_BUFS] = { 0 }, data_at[SY_MAX_BUFS][SY_MAX_CPUS] = { { 0 } };
	uint64_t first_opt_pos, opt_at;
	static const uint32_t descs[6] = { DS_HEADERS, DS_FTRACE, DS_EVENTS, DS_KALLSYMS,
					   DS_PRINTK, DS_CMDLINES };
	char *mb = NULL;
	size_t ms = 0;
	FILE *m;

	if (w->kind == SY_OUT_V7_ZLIB)
		ver = zlibVersion();
#if KX_HAVE_ZSTD
	if (w->kind == SY_OUT_V7_ZSTD)
		ver = ZSTD_versionString();
#endif
	wr(out, "\x17\x08\x44tracing7", 11);
	wr(out, "\0\0\x08", 3);
	wr32(out, w->sc->subbuf_size);
	wr(out, alg, strlen(alg) + 1);
	wr(out, ver, strlen(ver) + 1);
	first_opt_pos = ftell(out);
	wr64(out, 0);
	section(w, out, 15, DS_STRINGS, v7_strings, sizeof(v7_strings));
	for (int i = 0; i < 6; i++) {
		size_t end = i < 5 ? parts[i + 1] : mlen;

		sec[i] = ftell(out);
		section(w, out, 16 + i, descs[i], meta + parts[i], end - parts[i]);
	}
	/* options section size does not depend on the offsets: lay out with zeros first */
	opt_at = ftell(out);
	m = open_memstream(&mb, &ms);
	v7_options(w, m, sec, bufsec, data_at);
	fclose(m);
	{
		const uint64_t ps = sc->subbuf_size;
		uint64_t pos = opt_at + 16 + ms;

		for (uint32_t b = 0; b < sc->nbufs; b++) {
			bufsec[b] = pos;
			pos += 16;
			for (uint32_t c = 0; c < sc->ncpus; c++) {
				uint64_t sz = data_size(w, &w->cs[b][c]);

				if (!sz)
					continue;
				pos = (pos + ps - 1) / ps * ps;
				data_at[b][c] = pos;
				pos += sz;
			}
		}
	}
	free(mb);
	mb = NULL;
	m = open_memstream(&mb, &ms);
	v7_options(w, m, sec, bufsec, data_at);
	fclose(m);
	wr16(out, 0);
	wr16(out, 0);
	wr32(out, DS_OPTIONS);
	wr64(out, ms);
	wr(out, mb, ms);
	free(mb);
	for (uint32_t b = 0; b < sc->nbufs; b++) {
		uint64_t start = ftell(out), end = start + 16;

		for (uint32_t c = 0; c < sc->ncpus; c++)
			if (data_size(w, &w->cs[b][c]))
				end = data_at[b][c] + data_size(w, &w->cs[b][c]);
		if (start != bufsec[b])
			sy_die("internal: v7 layout mismatch");
		wr16(out, 3);
		wr16(out, compressed(w));
		wr32(out, DS_BUFFER);
		wr64(out, end - start - 16);
		for (uint32_t c = 0; c < sc->ncpus; c++) {
			struct cstream *cs = &w->cs[b][c];

			if (!data_size(w, cs))
				continue;
			pad_to(out, w->sc->subbuf_size);
			if (compressed(w))
				wr32(out, cs->nchunks);
			copy_data(out, cs);
		}
	}
	fseek(out, first_opt_pos, SEEK_SET);
	wr64(out, opt_at);
	return 0;
}

int sy_tdat_close(struct sy_tdat *w)
{
	uint8_t *meta;
	size_t parts[6], mlen = sy_tracing_meta(w->sc, w->f, &meta, false, parts);
	int ret;

	for (uint32_t b = 0; b < w->sc->nbufs; b++) {
		for (uint32_t c = 0; c < w->sc->ncpus; c++) {
			flush_page(w, &w->cs[b][c]);
			spill(w, &w->cs[b][c]);
		}
	}
	if (w->kind == SY_OUT_V6)
		ret = close_v6(w, w->out, meta, mlen);
	else
		ret = close_v7(w, w->out, meta, mlen, parts);
	if (fclose(w->out))
		sy_die("%s: write error", w->path);
	free(meta);
	for (uint32_t b = 0; b < SY_MAX_BUFS; b++) {
		for (uint32_t c = 0; c < SY_MAX_CPUS; c++) {
			if (w->cs[b][c].fd >= 0 && !w->cs[b][c].direct)
				close(w->cs[b][c].fd);
			free(w->cs[b][c].buf);
		}
	}
#if KX_HAVE_ZSTD
	ZSTD_freeCCtx(w->zc);
#endif
	free(w->zbuf);
	free(w->path);
	free(w);
	return ret;
}
