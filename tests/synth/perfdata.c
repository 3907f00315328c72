// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perfdata.c - kx-synth: write perf.data as `perf record -e kvm:...` (perf
 * 6.1) does, in file or pipe mode: one tracepoint attr per kvm event, the
 * tracing-data feature, COMM records, samples drained per CPU in batches
 * with FINISHED_ROUND after each pass, PERF_RECORD_LOST for `lost`. With
 * `perf-stagger`, a pass reads the CPUs one after another, each up to its
 * own time, as perf record's mmap reads do: rounds then overlap in time.
 */
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define ATTR_SIZE	128
#define SAMPLE_TYPE	0x10587ull	/* IP|TID|TIME|CPU|PERIOD|RAW|IDENTIFIER */
#define READ_FORMAT	0x14ull		/* ID|LOST */
#define ATTR_FLAGS	0xc0003ull	/* disabled inherit sample_id_all exclude_host */
#define ID_BASE		1000
#define BATCH		(48 * 1024)
#define HDR_FILE	104

enum { REC_LOST = 2, REC_COMM = 3, REC_SAMPLE = 9, REC_HEADER_ATTR = 64,
       REC_TRACING_DATA = 66, REC_FINISHED_ROUND = 68, REC_HEADER_FEATURE = 80 };
enum { F_TRACING = 1, F_HOSTNAME = 3, F_OSRELEASE = 4, F_VERSION = 5, F_ARCH = 6,
       F_NRCPUS = 7, F_CPUDESC = 8, F_CPUID = 9, F_EVENT_DESC = 12 };

struct batch {
	uint8_t *p;
	size_t used, cap;
	uint64_t pending_lost;
	/* perf-stagger: where each buffered record ends, and its time */
	size_t *end;
	uint64_t *ns;
	size_t nrec, caprec;
};

struct sy_perf {
	FILE *out;
	char *path;
	bool pipe;
	const struct sy_scenario *sc;
	const struct sy_formats *f;
	struct batch b[SY_MAX_CPUS];
	bool round_due;			/* perf-stagger: a pass started at @round_ns */
	uint64_t round_ns;
	uint64_t data_at, data_len;
	uint8_t rec[256];
};

static void wr(struct sy_perf *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->out) != n)
		sy_die("%s: write error", w->path);
	w->data_len += n;
}

static uint64_t sample_id(const struct sy_perf *w, int kind, uint32_t cpu)
{
	return ID_BASE + (uint64_t)kind * w->sc->ncpus + cpu;
}

static void attr(const struct sy_perf *w, int kind, uint8_t *a)
{
	memset(a, 0, ATTR_SIZE);
	sy_put32(a, 2);				/* PERF_TYPE_TRACEPOINT */
	sy_put32(a + 4, ATTR_SIZE);
	sy_put64(a + 8, w->f->ev[kind].id);
	sy_put64(a + 16, 1);
	sy_put64(a + 24, SAMPLE_TYPE);
	sy_put64(a + 32, READ_FORMAT);
	sy_put64(a + 40, ATTR_FLAGS);
}

static void hdr(uint8_t *p, uint32_t type, uint16_t misc, uint16_t size)
{
	sy_put32(p, type);
	sy_put16(p + 4, misc);
	sy_put16(p + 6, size);
}

/* sample_id_all trailer: pid,tid; time; cpu,res; identifier */
static size_t trailer(uint8_t *p, uint32_t pid, uint32_t tid, uint64_t time, uint32_t cpu,
		      uint64_t id)
{
	sy_put32(p, pid);
	sy_put32(p + 4, tid);
	sy_put64(p + 8, time);
	sy_put32(p + 16, cpu);
	sy_put32(p + 20, 0);
	sy_put64(p + 24, id);
	return 32;
}

static void drain(struct sy_perf *w)
{
	static const uint8_t round[8] = { REC_FINISHED_ROUND, 0, 0, 0, 0, 0, 8, 0 };
	bool any = false;

	for (uint32_t c = 0; c < w->sc->ncpus; c++) {
		if (!w->b[c].used)
			continue;
		wr(w, w->b[c].p, w->b[c].used);
		w->b[c].used = 0;
		w->b[c].nrec = 0;
		any = true;
	}
	if (any)
		wr(w, round, 8);
}

/*
 * perf-stagger: the pass that started at round_ns reads CPU c at round_ns +
 * c * stagger, so it holds CPU c's records up to that time; the rest stay
 * for the next pass. Written once the last CPU's read time has passed.
 */
static void staggered_pass(struct sy_perf *w)
{
	static const uint8_t round[8] = { REC_FINISHED_ROUND, 0, 0, 0, 0, 0, 8, 0 };

	for (uint32_t c = 0; c < w->sc->ncpus; c++) {
		struct batch *b = &w->b[c];
		uint64_t upto = w->round_ns + c * w->sc->perf_stagger_ns;
		size_t k = 0, bytes;

		while (k < b->nrec && b->ns[k] <= upto)
			k++;
		bytes = k ? b->end[k - 1] : 0;
		wr(w, b->p, bytes);
		memmove(b->p, b->p + bytes, b->used - bytes);
		b->used -= bytes;
		for (size_t i = k; i < b->nrec; i++) {
			b->end[i - k] = b->end[i] - bytes;
			b->ns[i - k] = b->ns[i];
		}
		b->nrec -= k;
	}
	wr(w, round, 8);
	w->round_due = false;
}

static uint8_t *reserve(struct sy_perf *w, uint32_t cpu, size_t n)
{
	struct batch *b = &w->b[cpu];

	if (b->used + n > BATCH && !w->sc->perf_stagger_ns)
		drain(w);
	if (b->used + n > b->cap) {
		b->cap = 2 * (b->used + n);
		b->p = sy_xrealloc(b->p, b->cap);
	}
	b->used += n;
	return b->p + b->used - n;
}

/* perf-stagger: note the record just reserved on @cpu (it ends the buffer) and its time. */
static void staggered_record(struct sy_perf *w, uint32_t cpu, uint64_t ns)
{
	struct batch *b = &w->b[cpu];

	if (!w->sc->perf_stagger_ns)
		return;
	if (b->nrec == b->caprec) {
		b->caprec = b->caprec ? 2 * b->caprec : 1024;
		b->end = sy_xrealloc(b->end, b->caprec * sizeof(*b->end));
		b->ns = sy_xrealloc(b->ns, b->caprec * sizeof(*b->ns));
	}
	b->end[b->nrec] = b->used;
	b->ns[b->nrec++] = ns;
	if (!w->round_due && b->used > BATCH) {
		w->round_due = true;
		w->round_ns = ns;
	}
}

void sy_perf_event(struct sy_perf *w, const struct sy_ev *ev)
{
	size_t rs, raw, n;
	uint8_t *p;

	if (w->round_due && ev->ns > w->round_ns + (w->sc->ncpus - 1) * w->sc->perf_stagger_ns)
		staggered_pass(w);
	if (ev->kind == SY_LOST) {
		w->b[ev->cpu].pending_lost += ev->v[0];
		return;
	}
	if (w->b[ev->cpu].pending_lost) {
		p = reserve(w, ev->cpu, 8 + 16 + 32);
		hdr(p, REC_LOST, 0, 56);
		sy_put64(p + 8, sample_id(w, SY_EXIT, ev->cpu));
		sy_put64(p + 16, w->b[ev->cpu].pending_lost);
		trailer(p + 24, ev->pid, ev->tid, ev->ns - 1, ev->cpu,
			sample_id(w, SY_EXIT, ev->cpu));
		w->b[ev->cpu].pending_lost = 0;
		staggered_record(w, ev->cpu, ev->ns - 1);
	}
	rs = w->f->ev[ev->kind].rec_size;
	raw = ((rs + 4 + 7) & ~(size_t)7) - 4;
	n = 8 + 48 + 4 + raw;
	p = reserve(w, ev->cpu, n);
	hdr(p, REC_SAMPLE, 1, n);
	sy_put64(p + 8, sample_id(w, ev->kind, ev->cpu));
	sy_put64(p + 16, 0xffffffff81e00000ull + ev->kind * 0x40);
	sy_put32(p + 24, ev->pid);
	sy_put32(p + 28, ev->tid);
	sy_put64(p + 32, ev->ns);
	sy_put32(p + 40, ev->cpu);
	sy_put32(p + 44, 0);
	sy_put64(p + 48, 1);
	sy_put32(p + 56, raw);
	sy_record(w->f, ev->kind, ev->tid, ev->v, p + 60);
	memset(p + 60 + rs, 0, raw - rs);
	staggered_record(w, ev->cpu, ev->ns);
}

static void comm_records(struct sy_perf *w)
{
	for (uint32_t t = 0; t < w->sc->nthreads; t++) {
		const struct sy_thread *th = &w->sc->th[t];
		size_t cl = (strlen(th->comm) + 1 + 7) & ~(size_t)7;
		uint8_t *p = reserve(w, th->cpu0, 8 + 8 + cl + 32);

		memset(p, 0, 16 + cl);
		hdr(p, REC_COMM, 0, 16 + cl + 32);
		sy_put32(p + 8, th->vm);
		sy_put32(p + 12, th->tid);
		memcpy(p + 16, th->comm, strlen(th->comm));
		trailer(p + 16 + cl, th->vm, th->tid, 0, th->cpu0, sample_id(w, SY_EXIT, th->cpu0));
	}
	drain(w);
}

/* A perf_header_string: u32 len (NUL padded to 64) + text. */
static size_t hstring(uint8_t *p, const char *s)
{
	size_t len = (strlen(s) + 1 + 63) & ~(size_t)63;

	sy_put32(p, len);
	memset(p + 4, 0, len);
	memcpy(p + 4, s, strlen(s));
	return 4 + len;
}

/* Feature @id's payload into @p (large enough); returns its size. */
static size_t feature(struct sy_perf *w, int id, uint8_t *p)
{
	const struct sy_scenario *sc = w->sc;
	size_t n = 0;

	switch (id) {
	case F_HOSTNAME:
		return hstring(p, "kx-synth");
	case F_OSRELEASE:
		return hstring(p, w->f->release);
	case F_VERSION:
		return hstring(p, "6.1.kx-synth");
	case F_ARCH:
		return hstring(p, "x86_64");
	case F_NRCPUS:
		sy_put32(p, sc->ncpus);
		sy_put32(p + 4, sc->ncpus);
		return 8;
	case F_CPUDESC:
		return hstring(p, sc->isa == 2 ? "AMD EPYC (kx-synth)" : "Intel(R) Xeon(R) (kx-synth)");
	case F_CPUID:
		return hstring(p, sc->isa == 2 ? "AuthenticAMD,25,1,1" : "GenuineIntel,6,85,4");
	case F_EVENT_DESC:
		sy_put32(p, SY_NKINDS);
		sy_put32(p + 4, ATTR_SIZE);
		n = 8;
		for (int k = 0; k < SY_NKINDS; k++) {
			char name[64];

			attr(w, k, p + n);
			n += ATTR_SIZE;
			sy_put32(p + n, sc->ncpus);
			n += 4;
			snprintf(name, sizeof(name), "kvm:%s", w->f->ev[k].name);
			n += hstring(p + n, name);
			for (uint32_t c = 0; c < sc->ncpus; c++, n += 8)
				sy_put64(p + n, sample_id(w, k, c));
		}
		return n;
	}
	return 0;
}

static const int features[] = { F_TRACING, F_HOSTNAME, F_OSRELEASE, F_VERSION, F_ARCH,
				F_NRCPUS, F_CPUDESC, F_CPUID, F_EVENT_DESC };
#define NFEAT (sizeof(features) / sizeof(features[0]))

struct sy_perf *sy_perf_open(const char *path, bool pipe, const struct sy_scenario *sc,
			     const struct sy_formats *f)
{
	struct sy_perf *w = sy_xmalloc(sizeof(*w));
	uint8_t *buf = sy_xmalloc(64 * 1024);

	w->path = strdup(path);
	w->pipe = pipe;
	w->sc = sc;
	w->f = f;
	w->out = !strcmp(path, "-") ? stdout : fopen(path, "wb");
	if (!w->out)
		sy_die("%s: cannot create", path);
	setvbuf(w->out, NULL, _IOFBF, 1 << 18);
	for (uint32_t c = 0; c < sc->ncpus; c++)
		w->b[c] = (struct batch){ .p = sy_xmalloc(BATCH), .cap = BATCH };
	if (pipe) {
		uint8_t *meta;
		size_t parts[6], mlen = sy_tracing_meta(sc, f, &meta, true, parts);
		size_t padded = (mlen + 7) & ~(size_t)7;

		wr(w, "PERFILE2\x10\0\0\0\0\0\0\0", 16);
		for (int k = 0; k < SY_NKINDS; k++) {
			size_t n = 8 + ATTR_SIZE + 8 * sc->ncpus;

			hdr(buf, REC_HEADER_ATTR, 0, n);
			attr(w, k, buf + 8);
			for (uint32_t c = 0; c < sc->ncpus; c++)
				sy_put64(buf + 8 + ATTR_SIZE + 8 * c, sample_id(w, k, c));
			wr(w, buf, n);
		}
		for (size_t i = 1; i < NFEAT; i++) {
			size_t body, n;

			if (features[i] == F_EVENT_DESC)
				continue;
			body = feature(w, features[i], buf + 16);
			memset(buf + 16 + body, 0, 8);
			n = (16 + body + 7) & ~(size_t)7;
			hdr(buf, REC_HEADER_FEATURE, 0, n);
			sy_put64(buf + 8, features[i]);
			wr(w, buf, n);
		}
		hdr(buf, REC_TRACING_DATA, 0, 16);
		sy_put32(buf + 8, padded);
		sy_put32(buf + 12, 0);
		wr(w, buf, 16);
		memset(buf, 0, 8);
		wr(w, meta, mlen);
		wr(w, buf, padded - mlen);
		free(meta);
	} else {
		size_t ids = 8 * SY_NKINDS * sc->ncpus;
		uint64_t attrs_at = HDR_FILE + ids;

		memset(buf, 0, HDR_FILE);
		wr(w, buf, HDR_FILE);
		for (int k = 0; k < SY_NKINDS; k++)
			for (uint32_t c = 0; c < sc->ncpus; c++) {
				uint64_t id = sample_id(w, k, c);

				wr(w, &id, 8);
			}
		for (int k = 0; k < SY_NKINDS; k++) {
			attr(w, k, buf);
			sy_put64(buf + ATTR_SIZE, HDR_FILE + 8 * k * sc->ncpus);
			sy_put64(buf + ATTR_SIZE + 8, 8 * sc->ncpus);
			wr(w, buf, ATTR_SIZE + 16);
		}
		w->data_at = attrs_at + SY_NKINDS * (ATTR_SIZE + 16);
	}
	w->data_len = 0;
	free(buf);
	comm_records(w);
	return w;
}

int sy_perf_close(struct sy_perf *w)
{
	drain(w);
	if (!w->pipe) {
		uint64_t data_len = w->data_len, pos, table[NFEAT][2];
		uint8_t head[HDR_FILE] = "PERFILE2";
		uint8_t *buf = sy_xmalloc(256 * 1024), *meta;
		size_t parts[6], mlen = sy_tracing_meta(w->sc, w->f, &meta, true, parts);

		pos = w->data_at + data_len + sizeof(table);
		for (size_t i = 0; i < NFEAT; i++) {
			table[i][0] = pos;
			table[i][1] = features[i] == F_TRACING ? mlen : feature(w, features[i], buf);
			pos += table[i][1];
		}
		wr(w, table, sizeof(table));
		wr(w, meta, mlen);
		for (size_t i = 1; i < NFEAT; i++)
			wr(w, buf, feature(w, features[i], buf));
		sy_put64(head + 8, HDR_FILE);
		sy_put64(head + 16, ATTR_SIZE + 16);
		sy_put64(head + 24, HDR_FILE + 8 * SY_NKINDS * w->sc->ncpus);
		sy_put64(head + 32, SY_NKINDS * (ATTR_SIZE + 16));
		sy_put64(head + 40, w->data_at);
		sy_put64(head + 48, data_len);
		{
			uint64_t bits = 0;

			for (size_t i = 0; i < NFEAT; i++)
				bits |= 1ull << features[i];
			sy_put64(head + 72, bits);
		}
		fseek(w->out, 0, SEEK_SET);
		wr(w, head, HDR_FILE);
		free(meta);
		free(buf);
	}
	if (w->out != stdout ? fclose(w->out) : fflush(w->out))
		sy_die("%s: write error", w->path);
	for (uint32_t c = 0; c < w->sc->ncpus; c++) {
		free(w->b[c].p);
		free(w->b[c].end);
		free(w->b[c].ns);
	}
	free(w->path);
	free(w);
	return 0;
}
