// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * input_tracedat.c - the trace-cmd trace.dat reader (v6, v7 with
 * compression none/zlib/zstd). Reads the metadata and options of the mapped
 * file, then merges the per-CPU ring-buffer streams of every selected
 * buffer into one time-ordered stream of kvm events: one page per stream
 * (in a window of its region mapped or read on its own, or in one lazily
 * decompressed chunk read with pread), the inline page walker of
 * kx_rbpage.h (checked against kbuffer by the tests), a small heap ordered
 * by (ts, buffer, cpu). The streams never touch the whole-file mapping: a
 * fault there maps the kernel's whole large folio, megabytes per CPU
 * stream; windows keep memory flat in the trace's length and small in its
 * number of CPUs. Streams
 * are walked and decoded in batches of events, packed to what the analysis
 * reads (struct kx_packed_event); with --threads N > 1 worker
 * threads fill (decompress, walk, decode) the batches ahead while this
 * thread merges them and names exit reasons, in the same order whatever N.
 * When a stream it needs has no batch ready and no worker is on it, this
 * thread walks it itself rather than wait (the workers lag on zlib).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "kx_cursor.h"
#include "kx_decompress.h"
#include "kx_grow.h"
#include "kx_kvmdecode.h"
#include "kx_idmap.h"
#include "kx_packed_event.h"
#include "kx_rbpage.h"
#include "kx_reader.h"
#include "kx_tracedata.h"

static const unsigned char magic[10] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

/* Option and section ids (trace-cmd's enum, see formats.md §3.4). */
enum {
	OPT_DONE = 0,
	OPT_DATE = 1,
	OPT_BUFFER = 3,
	OPT_TRACECLOCK = 4,
	OPT_OFFSET = 7,
	OPT_CPUCOUNT = 8,
	OPT_TSC2NSEC = 14,
	OPT_HEADER_INFO = 16,
	OPT_FTRACE_EVENTS = 17,
	OPT_EVENT_FORMATS = 18,
	OPT_CMDLINES = 21,
	OPT_BUFFER_TEXT = 22,
	NR_SECTIONS = 22,
};

#define SEC_FL_COMPRESS		1
#define COMMIT_MASK		((1u << 27) - 1)
#define MISSED_EVENTS		(1u << 31)
#define MISSED_STORED		(1u << 30)
#define PAGE_SLACK		KX_RBPAGE_SLACK	/* the walker may peek past an event */
#define WINDOW_MAX		(1u << 20)	/* most bytes of one stream mapped at a time */
#define WINDOW_BUDGET		(16u << 20)	/* windows of all streams together */
/*
 * Windows up to this size are read, not mapped (kx_window_mode): 512 CPU
 * streams in two slices took 0.57 s instead of 0.98, 64 in two 0.34 s
 * instead of 0.40; 1 MiB windows map a little faster than they read.
 */
#define WINDOW_COPY_MAX		(256u << 10)
#define BATCH_EVENTS		1024		/* most events per batch */
#define BATCH_MIN_EVENTS	64
#define BATCH_BUDGET		(16u << 20)	/* bytes for all batches of all streams */
#define NSLOT_THREADED		8		/* batches a worker may fill ahead per stream */
#define MAX_WORKERS		64
#define MAX_PAGE_SIZE		(1u << 24)
#define MAX_CHUNK		(256u << 20)	/* largest decompressed chunk or section */
#define CHUNK_HEAD		8		/* u32 compressed size, u32 inflated size */
#define MAX_CPUS		65536
#define MAX_OPTION_SECTIONS	4096
#define MAX_BUFFERS		4096

struct cpu_data {
	uint64_t offset;	/* absolute file offset */
	uint64_t size;		/* on-disk bytes */
	uint32_t cpu;
};

struct tbuffer {
	char *name;		/* "" = top */
	char *clock;		/* "" if unknown */
	struct cpu_data *cpus;
	uint32_t nr_cpus;
	uint32_t page_size;
	uint64_t v6_offset;	/* v6 instance: offset of its flyrecord block */
};

/*
 * Consecutive decoded events of one stream (lost markers included), exit
 * reasons not yet named (KX_REASON_DEFERRED), and how the walk went on.
 */
struct batch {
	struct kx_packed_event *ev;	/* [t->batch_events] */
	uint32_t n;
	uint64_t records;		/* records walked for these events, of any event */
	int status;			/* after the n events: 0 more, 1 end, <0 error */
	bool unordered;			/* a timestamp went back, here or from the batch before */
	bool lost;			/* it holds a lost-events marker */
	char msg[KX_DIAG_MAX];		/* the error's message */
};

/*
 * Where a time slice of a stream begins or ends: the file offset of the
 * event (EDGE_END past the last; compressed: of its chunk) and the
 * lost-events marker due before it.
 * Two slices join when the one ends where the next begins.
 */
struct slice_edge {
	uint64_t pos;
	uint64_t sub;		/* compressed: the offset in the inflated chunk at @pos */
	uint64_t lost;		/* its count, KX_LOST_UNKNOWN, or 0 for none */
	bool lost_pending;
};

#define EDGE_END	UINT64_MAX

/* A compressed chunk's bytes and the chunk inflated, reused chunk after chunk. */
struct chunk_bufs {
	unsigned char *packed;
	size_t packed_cap;
	unsigned char *plain;
	size_t plain_cap;
};

/* One per-CPU ring-buffer stream of one buffer. */
struct stream {
	/* merge side (the thread calling next) */
	uint16_t buffer;
	int32_t cpu;
	struct batch *cur;		/* batch being merged */
	const struct kx_packed_event *at;	/* its current event */
	const struct kx_packed_event *end;	/* past its last */
	/*
	 * batches: a ring of nslot, the merge consumes at head (shared, under
	 * t->lock); each side on its own cache lines (no false sharing)
	 */
	_Alignas(64) struct batch *slots;
	uint32_t nslot, head, filled;
	bool fill_done;			/* the producer wrote a batch with status != 0 */
	bool busy;			/* a thread is walking it into a batch */
	/* producer side: the walk (main thread, or the stream's worker) */
	_Alignas(64) uint64_t ts;	/* the walk's current event */
	const unsigned char *rec;
	uint32_t rec_size;
	const char *buffer_name;	/* for messages; "" = top */
	bool done;
	bool started;		/* a page is loaded */
	bool held;		/* the current event is the next one (a slice's first) */
	uint64_t prev_ts;	/* of the event before: a slice needs them in order */
	bool unordered;		/* a timestamp went back: slices do not join */
	struct slice_edge first;	/* a slice's first event */
	struct slice_edge stop;		/* the event after the slice's last */
	bool lost_pending;	/* emit a KX_EV_LOST before the current event */
	uint64_t lost;		/* its count or KX_LOST_UNKNOWN */
	/* pages */
	struct kx_rbpage pg;
	uint32_t page_size;
	const unsigned char *page;	/* loaded page */
	uint64_t page_off;		/* file offset of the page or its chunk, for messages */
	/* uncompressed: the region in the file, mapped a window at a time */
	uint64_t data_off;
	uint64_t data_len;
	uint64_t pos;			/* next page offset in data / in chunk */
	struct kx_file_window win;	/* data [window_start, window_start + window_len) */
	uint64_t window_start;
	uint64_t window_len;
	uint32_t window_cap;		/* a whole number of pages */
	enum kx_window_mode window_mode;
	unsigned char *scratch;		/* page_size + PAGE_SLACK: copy of a partial page */
	struct kx_kvmdecode *dec;	/* of the thread walking it now; reasons deferred */
	/* compressed: the chunk stream and one decompressed chunk */
	struct kx_decompressor *dz;	/* of the thread walking it now */
	uint64_t chunk_off;		/* file offset of the next chunk's header */
	uint32_t chunks_left;
	uint64_t first_chunk_off;	/* the stream's first chunk ... */
	uint32_t nr_chunks;		/* ... and how many there are */
	struct chunk_bufs zbuf;		/* zbuf.plain: the inflated chunk */
	size_t chunk_len;
};

/* A stream in the merge heap, with its current event's timestamp at hand. */
struct heap_entry {
	uint64_t key;
	struct stream *s;
};

struct tracedat;

/* A thread that fills the batches of streams w, w + nw, w + 2 nw, ... */
struct worker {
	struct tracedat *t;
	pthread_t thread;
	bool started;
	unsigned index;
	struct kx_decompressor *dz;
	struct kx_kvmdecode *dec;
};

struct tracedat {
	struct kx_file *file;
	const unsigned char *map;	/* metadata only; streams map windows or pread */
	uint64_t size;
	int version;
	enum kx_compress compress;
	struct kx_decompressor *dz;
	struct kx_tracedata td;
	bool have_td;
	struct kx_kvmdecode *dec;	/* names exit reasons; holds the final counts */
	struct kx_kvmdecode *fill_dec;	/* this thread walking: no workers, or they lag */
	bool counted;			/* the walkers' counts were added to dec */
	struct kx_reader *r;
	char format_name[48];
	/* options */
	uint64_t sections[NR_SECTIONS + 1];
	bool have_traceclock;
	char *traceclock;		/* selected clock of TRACECLOCK / v6 trailer */
	bool have_tsc2nsec;
	uint32_t tsc_mult, tsc_shift;
	uint64_t ts_add;		/* OFFSET + DATE (ns), two's complement */
	uint32_t cpucount;
	bool latency;
	struct tbuffer *bufs;
	size_t nr_bufs, cap_bufs;
	/* delivery */
	uint64_t tsc_khz;		/* cycles -> ns conversion when set */
	const char **names;		/* [nr_sel] names of the delivered buffers */
	struct stream *streams;
	size_t nr_streams;
	struct heap_entry *heap;	/* the streams with events left */
	size_t heap_len;
	bool heap_stale;		/* windows moved the streams on: keys and order */
	bool windows;			/* deliver time windows (kx_source_opts.windows) */
	uint32_t batch_events;		/* events per batch: many CPUs, smaller batches */
	/* a time slice [slice_start, slice_end) of the trace (see kx_source_opts) */
	uint64_t slice_start;
	uint64_t slice_end;		/* UINT64_MAX: to the end */
	unsigned slices;		/* slices read at once: each maps its share of windows */
	bool unstarted;			/* a later slice, not entered yet (start_slice()) */
	/* worker threads (none: batches are filled on demand by next) */
	struct worker *workers;
	unsigned nw;
	pthread_mutex_t lock;
	pthread_cond_t filled;		/* a batch was filled */
	pthread_cond_t freed;		/* a batch was handed back, or stop */
	bool have_sync;
	bool stop;
};

/* ---- small helpers ---------------------------------------------------- */

static int trunc_at(struct kx_diag *diag, const char *what, uint64_t off)
{
	return kx_diag_set(diag, -KX_ETRUNC, "truncated %s at offset 0x%llx", what,
			   (unsigned long long)off);
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* The selected clock in "local global [x86-tsc] ..." (copy), or NULL. */
static char *bracketed_clock(const unsigned char *text, size_t len)
{
	const char *s = (const char *)text, *open, *close;

	open = memchr(s, '[', len);
	if (!open)
		return NULL;
	close = memchr(open, ']', len - (size_t)(open - s));
	if (!close)
		return NULL;
	return dup_n(open + 1, (size_t)(close - open - 1));
}

/* ts * mult >> shift as trace-cmd's mul_u64_u32_shr(). */
static inline uint64_t mul_u64_u32_shr(uint64_t a, uint32_t mul, unsigned shift)
{
	uint32_t ah = (uint32_t)(a >> 32), al = (uint32_t)a;
	uint64_t ret;

	ret = ((uint64_t)al * mul) >> shift;
	if (ah)
		ret += ((uint64_t)ah * mul) << (32 - shift);
	return ret;
}

static inline uint64_t convert_ts(const struct tracedat *t, uint64_t ts)
{
	if (t->have_tsc2nsec)
		ts = mul_u64_u32_shr(ts, t->tsc_mult, t->tsc_shift);
	else if (t->tsc_khz)
		ts = (uint64_t)((unsigned __int128)ts * 1000000u / t->tsc_khz);
	return ts + t->ts_add;
}

/* ---- options ---------------------------------------------------------- */

static struct tbuffer *add_buffer(struct tracedat *t, struct kx_diag *diag)
{
	struct tbuffer *b;

	if (t->nr_bufs == MAX_BUFFERS) {
		kx_diag_set(diag, -KX_ECORRUPT, "more than %d buffers", MAX_BUFFERS);
		return NULL;
	}
	if (t->nr_bufs == t->cap_bufs) {
		b = kx_grow(t->bufs, &t->cap_bufs, sizeof(*b), 4);
		if (!b) {
			kx_diag_set(diag, -ENOMEM, "out of memory");
			return NULL;
		}
		t->bufs = b;
	}
	b = &t->bufs[t->nr_bufs++];
	memset(b, 0, sizeof(*b));
	return b;
}

/* Parse an ASCII integer option (OFFSET, DATE) strictly enough to reject garbage. */
static bool ascii_s64(const unsigned char *data, uint32_t size, int64_t *out)
{
	char buf[64], *end;

	if (size == 0 || size >= sizeof(buf))
		return false;
	memcpy(buf, data, size);
	buf[size] = '\0';
	errno = 0;
	*out = strtoll(buf, &end, 0);
	return errno == 0 && end != buf;
}

/*
 * v7 BUFFER: u64 offset, name\0, clock\0, u32 page_size, u32 n,
 * n x {u32 cpu, u64 offset, u64 size}.
 */
static int buffer_option_v7(struct tracedat *t, struct kx_cursor *c, struct kx_diag *diag)
{
	const char *name, *clock;
	size_t name_len, clock_len;
	struct tbuffer *b;
	uint64_t section;
	uint32_t i, n;

	if (kx_cursor_u64(c, &section) || kx_cursor_str(c, 4096, &name, &name_len) ||
	    kx_cursor_str(c, 4096, &clock, &clock_len) || kx_cursor_u32(c, &i) ||
	    kx_cursor_u32(c, &n))
		return kx_diag_set(diag, -KX_ECORRUPT, "malformed BUFFER option");
	if (n > MAX_CPUS || (uint64_t)n * 20 > kx_cursor_left(c))
		return kx_diag_set(diag, -KX_ECORRUPT, "BUFFER option lists %u cpus in %zu bytes",
				   n, kx_cursor_left(c));
	b = add_buffer(t, diag);
	if (!b)
		return -ENOMEM;
	b->page_size = i;
	b->name = dup_n(name, name_len);
	b->clock = dup_n(clock, clock_len);
	b->cpus = calloc(n ? n : 1, sizeof(*b->cpus));
	if (!b->name || !b->clock || !b->cpus)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct cpu_data *cd = &b->cpus[b->nr_cpus];

		kx_cursor_u32(c, &cd->cpu);
		kx_cursor_u64(c, &cd->offset);
		kx_cursor_u64(c, &cd->size);
		if (cd->size)
			b->nr_cpus++;
	}
	return 0;
}

/* v6 BUFFER: u64 offset of the instance's flyrecord block, name\0. */
static int buffer_option_v6(struct tracedat *t, struct kx_cursor *c, struct kx_diag *diag)
{
	struct tbuffer *b;
	const char *name;
	size_t len;
	uint64_t off;

	if (kx_cursor_u64(c, &off) || kx_cursor_str(c, 4096, &name, &len))
		return kx_diag_set(diag, -KX_ECORRUPT, "malformed BUFFER option");
	b = add_buffer(t, diag);
	if (!b)
		return -ENOMEM;
	b->v6_offset = off;
	b->name = dup_n(name, len);
	if (!b->name)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	return 0;
}

/*
 * One option list. v6 ends with a bare id 0; v7 with DONE {u64 next}
 * (*@next = 0 when it is the last section). @in_instance: a v6
 * instance's own options (BUFFER options there would recurse: ignored).
 */
static int parse_options(struct tracedat *t, struct kx_cursor *c, uint64_t base, bool in_instance,
			 uint64_t *next, struct kx_diag *diag)
{
	const unsigned char *data;
	struct kx_cursor oc;
	uint16_t id;
	uint32_t size;
	int64_t v;
	int err;

	*next = 0;
	for (;;) {
		if (kx_cursor_u16(c, &id))
			return trunc_at(diag, "options", base + c->pos);
		if (id == OPT_DONE && t->version < 7)
			return 0;
		if (kx_cursor_u32(c, &size))
			return trunc_at(diag, "options", base + c->pos);
		if (kx_cursor_bytes(c, size, &data))
			return trunc_at(diag, "option data", base + c->pos);
		kx_cursor_init(&oc, data, size, c->big_endian);
		switch (id) {
		case OPT_DONE:
			if (kx_cursor_u64(&oc, next))
				return kx_diag_set(diag, -KX_ECORRUPT, "malformed DONE option");
			return 0;
		case OPT_DATE:
			/* microseconds between the trace clock and the wall clock */
			if (ascii_s64(data, size, &v))
				t->ts_add += (uint64_t)v * 1000u;
			break;
		case OPT_OFFSET:
			if (ascii_s64(data, size, &v))
				t->ts_add += (uint64_t)v;
			break;
		case OPT_TRACECLOCK:
			t->have_traceclock = true;
			if (!t->traceclock)
				t->traceclock = bracketed_clock(data, size);
			break;
		case OPT_CPUCOUNT:
			if (size >= 4)
				t->cpucount = kx_load32(data, c->big_endian);
			break;
		case OPT_TSC2NSEC:
			if (size < 16)
				break;
			t->tsc_mult = kx_load32(data, c->big_endian);
			t->tsc_shift = kx_load32(data + 4, c->big_endian);
			if (t->tsc_mult && t->tsc_shift <= 32)
				t->have_tsc2nsec = true;
			break;
		case OPT_BUFFER:
			if (in_instance)
				break;
			err = t->version >= 7 ? buffer_option_v7(t, &oc, diag) :
						buffer_option_v6(t, &oc, diag);
			if (err)
				return err;
			break;
		case OPT_BUFFER_TEXT:
			t->latency = true;
			break;
		default:
			if (t->version >= 7 && id >= OPT_HEADER_INFO && id <= OPT_CMDLINES) {
				if (kx_cursor_u64(&oc, &t->sections[id]))
					return kx_diag_set(diag, -KX_ECORRUPT,
							   "malformed section option %u", id);
			}
			break;	/* unknown options are skipped, as trace-cmd does */
		}
	}
}

/* ---- v7 sections -------------------------------------------------------- */

/*
 * The payload of the section at @off with id @want: borrowed from the map,
 * or decompressed into *@owned (caller frees).
 */
static int section_payload(struct tracedat *t, uint64_t off, uint16_t want,
			   struct kx_cursor *out, unsigned char **owned, struct kx_diag *diag)
{
	struct kx_cursor c;
	uint16_t id, flags;
	uint32_t desc;
	uint64_t size;
	size_t len;
	int err;

	*owned = NULL;
	kx_cursor_init(&c, t->map, (size_t)t->size, t->td.big_endian);
	if (off > t->size || kx_cursor_seek(&c, (size_t)off) || kx_cursor_u16(&c, &id) ||
	    kx_cursor_u16(&c, &flags) || kx_cursor_u32(&c, &desc) || kx_cursor_u64(&c, &size))
		return trunc_at(diag, "section header", off);
	if (id != want)
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "section at offset 0x%llx has id %u, expected %u",
				   (unsigned long long)off, id, want);
	if (size > kx_cursor_left(&c))
		return kx_diag_set(diag, -KX_ETRUNC, "truncated section at offset 0x%llx: "
				   "%llu bytes declared, %zu left in the file",
				   (unsigned long long)off, (unsigned long long)size,
				   kx_cursor_left(&c));
	kx_cursor_init(out, c.buf + c.pos, (size_t)size, t->td.big_endian);
	if (!(flags & SEC_FL_COMPRESS))
		return 0;
	if (t->compress == KX_COMPRESS_NONE)
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "compressed section at offset 0x%llx in an uncompressed file",
				   (unsigned long long)off);
	err = kx_decompress_alloc(t->dz, out, MAX_CHUNK, owned, &len, diag);
	if (err)
		return err;
	kx_cursor_init(out, *owned, len, t->td.big_endian);
	return 0;
}

static int read_options_v7(struct tracedat *t, uint64_t off, struct kx_diag *diag)
{
	unsigned n;

	for (n = 0; off; n++) {
		unsigned char *owned;
		struct kx_cursor c;
		uint64_t next;
		int err;

		if (n == MAX_OPTION_SECTIONS)
			return kx_diag_set(diag, -KX_ECORRUPT, "options sections form a loop");
		err = section_payload(t, off, OPT_DONE, &c, &owned, diag);
		if (err)
			return err;
		err = parse_options(t, &c, owned ? 0 : off + 16, false, &next, diag);
		free(owned);
		if (err)
			return err;
		off = next;
	}
	return 0;
}

/*
 * The metadata sections, in trace-cmd's order. kallsyms and printk formats
 * only serve pretty printing: their (large) sections are not even read.
 */
typedef int (*block_parser)(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag);

static int read_sections_v7(struct tracedat *t, struct kx_diag *diag)
{
	static const struct {
		unsigned id;
		bool required;
		block_parser parse;
		const char *name;
	} order[] = {
		{ OPT_HEADER_INFO, true, kx_tracedata_header_info, "header info" },
		{ OPT_FTRACE_EVENTS, false, kx_tracedata_ftrace_formats, "ftrace formats" },
		{ OPT_EVENT_FORMATS, true, kx_tracedata_event_formats, "event formats" },
		{ OPT_CMDLINES, false, kx_tracedata_cmdlines, "saved cmdlines" },
	};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned char *owned;
		struct kx_cursor c;
		int err;

		if (!t->sections[order[i].id]) {
			if (order[i].required)
				return kx_diag_set(diag, -KX_ECORRUPT, "no %s section",
						   order[i].name);
			continue;
		}
		err = section_payload(t, t->sections[order[i].id], (uint16_t)order[i].id, &c,
				      &owned, diag);
		if (!err)
			err = order[i].parse(&t->td, &c, diag);
		free(owned);
		if (err)
			return err;
	}
	return 0;
}

/* ---- v6 ----------------------------------------------------------------- */

/* "flyrecord\0" table: cpus x {u64 offset, u64 size}, then "[clock]" if TRACECLOCK. */
static int flyrecord_v6(struct tracedat *t, struct kx_cursor *c, uint32_t cpus, struct tbuffer *b,
			struct kx_diag *diag)
{
	const unsigned char *text;
	uint64_t len;
	uint32_t i;

	if ((uint64_t)cpus * 16 > kx_cursor_left(c))
		return trunc_at(diag, "flyrecord cpu table", c->pos);
	b->cpus = calloc(cpus ? cpus : 1, sizeof(*b->cpus));
	if (!b->cpus)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	for (i = 0; i < cpus; i++) {
		struct cpu_data *cd = &b->cpus[b->nr_cpus];

		kx_cursor_u64(c, &cd->offset);
		kx_cursor_u64(c, &cd->size);
		cd->cpu = i;
		if (cd->size)
			b->nr_cpus++;
	}
	b->page_size = t->td.page_size;
	if (t->have_traceclock) {
		if (kx_cursor_u64(c, &len) || len > 4096 || kx_cursor_bytes(c, (size_t)len, &text))
			return trunc_at(diag, "trace clock", c->pos);
		b->clock = bracketed_clock(text, (size_t)len);
	}
	if (!b->clock)
		b->clock = strdup(t->traceclock ? t->traceclock : "");
	return b->clock ? 0 : kx_diag_set(diag, -ENOMEM, "out of memory");
}

/* The 10-byte tag, then options (optional) and "flyrecord" or "latency". */
static int data_block_v6(struct tracedat *t, struct kx_cursor *c, uint32_t cpus, struct tbuffer *b,
			 bool in_instance, struct kx_diag *diag)
{
	const unsigned char *tag;
	uint64_t unused;
	int err;

	if (kx_cursor_bytes(c, 10, &tag))
		return trunc_at(diag, "flyrecord header", c->pos);
	if (memcmp(tag, "options  ", 10) == 0) {
		err = parse_options(t, c, 0, in_instance, &unused, diag);
		if (err)
			return err;
		if (kx_cursor_bytes(c, 10, &tag))
			return trunc_at(diag, "flyrecord header", c->pos);
	}
	if (memcmp(tag, "latency  ", 10) == 0) {
		t->latency = true;
		return 0;
	}
	if (memcmp(tag, "flyrecord", 10))
		return kx_diag_set(diag, -KX_ECORRUPT, "no flyrecord section at offset 0x%zx",
				   c->pos - 10);
	return flyrecord_v6(t, c, cpus, b, diag);
}

static int read_v6(struct tracedat *t, struct kx_cursor *c, struct kx_diag *diag)
{
	size_t nr_instances, i;
	struct tbuffer *top;
	uint32_t cpus;
	int err;

	err = kx_tracedata_header_info(&t->td, c, diag);
	if (!err)
		err = kx_tracedata_ftrace_formats(&t->td, c, diag);
	if (!err)
		err = kx_tracedata_event_formats(&t->td, c, diag);
	if (!err)
		err = kx_tracedata_kallsyms(&t->td, c, diag);
	if (!err)
		err = kx_tracedata_printk(&t->td, c, diag);
	if (!err)
		err = kx_tracedata_cmdlines(&t->td, c, diag);
	if (err)
		return err;
	if (kx_cursor_u32(c, &cpus))
		return trunc_at(diag, "cpu count", c->pos);
	if (cpus > MAX_CPUS)
		return kx_diag_set(diag, -KX_ECORRUPT, "implausible cpu count %u", cpus);
	t->cpucount = cpus;
	/* The top buffer goes first; instances are appended by BUFFER options. */
	top = add_buffer(t, diag);
	if (!top)
		return -ENOMEM;
	top->name = strdup("");
	if (!top->name)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	err = data_block_v6(t, c, cpus, top, false, diag);
	if (err || t->latency)
		return err;
	nr_instances = t->nr_bufs;
	for (i = 1; i < nr_instances; i++) {
		struct tbuffer *b = &t->bufs[i];

		if (b->v6_offset > t->size || kx_cursor_seek(c, (size_t)b->v6_offset))
			return trunc_at(diag, "instance flyrecord", b->v6_offset);
		err = data_block_v6(t, c, cpus, b, true, diag);
		if (err)
			return err;
	}
	return 0;
}

/* ---- streams -------------------------------------------------------------- */

static int stream_error(struct stream *s, struct kx_diag *diag, int err, const char *what)
{
	return kx_diag_set(diag, err, "%s (%s%s%scpu %d data at offset 0x%llx)", what,
			   *s->buffer_name ? "buffer " : "", s->buffer_name,
			   *s->buffer_name ? ", " : "", s->cpu, (unsigned long long)s->page_off);
}

/* Grow *@buf (of *@cap bytes) to hold @len. Return: 0 or -ENOMEM. */
static int reserve(unsigned char **buf, size_t *cap, size_t len)
{
	unsigned char *p;

	if (len <= *cap)
		return 0;
	p = realloc(*buf, len);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = len;
	return 0;
}

/*
 * Read the chunk whose header is at @at and inflate it with @dz into
 * @b->plain, grown to its size + @slack. Return: 0 and *@blk, or <0 with
 * *@what saying what failed (NULL: the decompressor's words in @diag).
 */
static int read_chunk(struct tracedat *t, struct kx_decompressor *dz, uint64_t at, size_t slack,
		      struct chunk_bufs *b, struct kx_zblock *blk, const char **what,
		      struct kx_diag *diag)
{
	unsigned char head[CHUNK_HEAD];
	int err;

	*what = "truncated compressed chunk";
	if (at > t->size || t->size - at < sizeof(head) ||
	    kx_file_pread(t->file, head, sizeof(head), at))
		return -KX_ETRUNC;
	blk->csize = kx_load32(head, t->td.big_endian);
	blk->usize = kx_load32(head + 4, t->td.big_endian);
	if (blk->csize > t->size - at - sizeof(head))
		return -KX_ETRUNC;
	*what = "oversized compressed chunk";
	if (blk->usize > MAX_CHUNK || blk->csize > MAX_CHUNK)
		return -KX_ECORRUPT;
	*what = "out of memory";
	if (reserve(&b->packed, &b->packed_cap, blk->csize) ||
	    reserve(&b->plain, &b->plain_cap, blk->usize + slack))
		return -ENOMEM;
	*what = "cannot read a compressed chunk";
	err = kx_file_pread(t->file, b->packed, blk->csize, at + sizeof(head));
	if (err)
		return err;
	*what = NULL;
	blk->data = b->packed;
	return kx_decompress(dz, blk, b->plain, diag);
}

/* Decompress the next chunk. Return: 1 loaded, 0 no more, <0 error. */
static int next_chunk(struct tracedat *t, struct stream *s, struct kx_diag *diag)
{
	const size_t slack = s->page_size + PAGE_SLACK;
	struct kx_zblock blk;
	uint64_t at = s->chunk_off;
	const char *what;
	int err;

	if (!s->chunks_left)
		return 0;
	s->page_off = at;
	err = read_chunk(t, s->dz, at, slack, &s->zbuf, &blk, &what, diag);
	if (err == -ENOMEM && what)
		return kx_diag_set(diag, err, "%s", what);
	if (err) {
		char msg[KX_DIAG_MAX];

		snprintf(msg, sizeof(msg), "%s",
			 what ? what : diag ? diag->msg : "corrupt compressed chunk");
		return stream_error(s, diag, err, msg);
	}
	/* A short last page reads zeros, never past the buffer (the rest stays untouched). */
	memset(s->zbuf.plain + blk.usize, 0,
	       (s->page_size - blk.usize % s->page_size) % s->page_size + PAGE_SLACK);
	s->chunk_len = blk.usize;
	s->pos = 0;
	s->chunk_off = at + CHUNK_HEAD + blk.csize;
	s->chunks_left--;
	return 1;
}

/*
 * Hold the window of @s's region that starts at s->pos: up to window_cap
 * bytes and the walker's slack after them where the file has it.
 */
static int load_window(struct tracedat *t, struct stream *s, struct kx_diag *diag)
{
	uint64_t n = s->data_len - s->pos;
	uint64_t off = s->data_off + s->pos;
	uint64_t span;
	int err;

	if (n > s->window_cap)
		n = s->window_cap;
	span = n + PAGE_SLACK < t->size - off ? n + PAGE_SLACK : t->size - off;
	err = kx_file_window_at(t->file, off, (size_t)span, s->window_mode, &s->win);
	if (err == -KX_ETRUNC)	/* as the fault handler words it for mapped windows */
		return stream_error(s, diag, err, "the file shrank while it was read");
	if (err)
		return stream_error(s, diag, err, "cannot read the ring-buffer data");
	s->window_start = s->pos;
	s->window_len = n;
	return 0;
}

/* Point s->page at the next page. Return: 1, 0 at the end, <0 error. */
static int next_page_ptr(struct tracedat *t, struct stream *s, struct kx_diag *diag)
{
	uint64_t avail;
	int ret;

	if (s->zbuf.plain || s->chunks_left) {
		while (s->pos >= s->chunk_len) {
			ret = next_chunk(t, s, diag);
			if (ret <= 0)
				return ret;
		}
		s->page = s->zbuf.plain + s->pos;
		s->pos += s->page_size;
		return 1;
	}
	if (s->pos >= s->data_len)
		return 0;
	s->page_off = s->data_off + s->pos;
	if (s->pos >= s->window_start + s->window_len) {
		ret = load_window(t, s, diag);
		if (ret)
			return ret;
	}
	avail = s->data_len - s->pos;
	s->page = s->win.data + (s->pos - s->window_start);
	/* A page cut short by its region or the file end is read from a zero-padded copy. */
	if (avail < s->page_size || s->page_off + s->page_size + PAGE_SLACK > t->size) {
		size_t n = avail < s->page_size ? (size_t)avail : s->page_size;

		memcpy(s->scratch, s->page, n);
		memset(s->scratch + n, 0, s->page_size + PAGE_SLACK - n);
		s->page = s->scratch;
	}
	s->pos += s->page_size;
	return 1;
}

/* Load the next non-empty page and read its first event. Return: 1, 0 end, <0. */
static int load_page(struct tracedat *t, struct stream *s, struct kx_diag *diag)
{
	unsigned lsize = t->td.kernel_long_size;
	uint64_t commit, need;
	int ret;

	for (;;) {
		ret = next_page_ptr(t, s, diag);
		if (ret <= 0)
			return ret;
		commit = lsize == 8 ? kx_load64(s->page + 8, t->td.big_endian) :
				      kx_load32(s->page + 8, t->td.big_endian);
		need = 8 + lsize + (commit & COMMIT_MASK);
		if (commit & MISSED_STORED)
			need += lsize;
		if (need > s->page_size)
			return stream_error(s, diag, -KX_ECORRUPT,
					    "page data size exceeds the page size");
		ret = kx_rbpage_load(&s->pg, s->page, s->page_size, lsize, t->td.big_endian);
		if (ret < 0)
			return stream_error(s, diag, -KX_ECORRUPT, "event overruns its page");
		if (s->pg.missed) {
			uint64_t n = s->pg.missed > 0 ? (uint64_t)s->pg.missed : KX_LOST_UNKNOWN;

			/* Lost before an empty page: merge into one marker. */
			if (s->lost_pending && (s->lost == KX_LOST_UNKNOWN || n == KX_LOST_UNKNOWN))
				s->lost = KX_LOST_UNKNOWN;
			else
				s->lost = s->lost_pending ? s->lost + n : n;
			s->lost_pending = true;
		}
		if (ret)
			return 1;
	}
}

/* Advance @s to its next event (or done). Return: 0 or <0 error. */
static inline __attribute__((always_inline)) int stream_advance(struct tracedat *t,
								struct stream *s,
								struct kx_diag *diag)
{
	int ret;

	if (s->held) {
		s->held = false;
		return 0;
	}
	ret = s->started ? kx_rbpage_next(&s->pg) : 0;
	if (ret == 0) {
		ret = load_page(t, s, diag);
		if (ret <= 0) {
			s->done = ret == 0;
			return ret;
		}
		s->started = true;
	} else if (ret < 0) {
		return stream_error(s, diag, -KX_ECORRUPT, "event overruns its page");
	}
	s->rec = s->pg.rec;
	s->rec_size = s->pg.rec_size;
	s->ts = convert_ts(t, s->pg.ts);
	return 0;
}

static inline bool stream_before(const struct heap_entry *a, const struct heap_entry *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (a->s->buffer != b->s->buffer)
		return a->s->buffer < b->s->buffer;
	return a->s->cpu < b->s->cpu;
}

static inline void heap_down(struct heap_entry *h, size_t n, size_t i)
{
	struct heap_entry s = h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && stream_before(&h[c + 1], &h[c]))
			c++;
		if (!stream_before(&h[c], &s))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = s;
}

/* ---- time slices ------------------------------------------------------------- */

/* The edge at @s's current event, or at its end. */
static struct slice_edge edge_here(const struct stream *s)
{
	if (s->done)
		return (struct slice_edge){ EDGE_END, 0, 0, false };
	if (s->zbuf.plain)	/* the chunk's file offset, the event's offset once inflated */
		return (struct slice_edge){ s->page_off, (uint64_t)(s->rec - s->zbuf.plain),
					    s->lost_pending ? s->lost : 0, s->lost_pending };
	return (struct slice_edge){ s->page_off + (uint64_t)(s->rec - s->page), 0,
				    s->lost_pending ? s->lost : 0, s->lost_pending };
}

/*
 * A stream as units a slice can start at: the pages of uncompressed data,
 * or the compressed chunks, whose file offsets only their headers tell.
 */
struct units {
	uint64_t n;
	uint64_t *chunk_off;		/* [n] for compressed data, else NULL */
	struct chunk_bufs zbuf;		/* one chunk, to read its first page's time */
};

#define HEADER_READ	(64u << 10)	/* chunk headers read this many bytes at a time */

/* The offsets of @s's chunks, walking their headers. Return: 0 or <0. */
static int find_chunks(struct tracedat *t, const struct stream *s, struct units *u)
{
	unsigned char *buf = malloc(HEADER_READ);
	uint64_t at = s->first_chunk_off, buf_at = 0, buf_len = 0;
	int err = 0;

	u->n = s->nr_chunks;
	u->chunk_off = calloc(u->n ? u->n : 1, sizeof(*u->chunk_off));
	if (!buf || !u->chunk_off) {
		free(buf);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < u->n && !err; i++) {
		if (at < buf_at || at + CHUNK_HEAD > buf_at + buf_len) {
			buf_at = at;
			buf_len = t->size - at < HEADER_READ ? t->size - at : HEADER_READ;
			if (buf_len < CHUNK_HEAD || kx_file_pread(t->file, buf, (size_t)buf_len, at))
				err = -KX_ETRUNC;
		}
		if (!err) {
			uint64_t csize = kx_load32(buf + (at - buf_at), t->td.big_endian);

			u->chunk_off[i] = at;
			at += CHUNK_HEAD + csize;
			if (at > t->size)
				err = -KX_ETRUNC;
		}
	}
	free(buf);
	return err;
}

static int units_of(struct tracedat *t, const struct stream *s, struct units *u)
{
	memset(u, 0, sizeof(*u));
	if (!s->nr_chunks) {
		u->n = s->data_len / s->page_size;
		return 0;
	}
	return find_chunks(t, s, u);
}

static void units_free(struct units *u)
{
	free(u->chunk_off);
	free(u->zbuf.packed);
	free(u->zbuf.plain);
}

/*
 * The converted time in the header of the first page of unit @i, and the
 * pages it holds. Return: 0 or <0.
 */
static int unit_time(struct tracedat *t, const struct stream *s, struct units *u, uint64_t i,
		     uint64_t *ts, double *pages)
{
	unsigned char head[8];
	struct kx_zblock blk;
	const char *what;
	int err;

	if (!u->chunk_off) {
		if (kx_file_pread(t->file, head, sizeof(head), s->data_off + i * s->page_size))
			return -KX_ETRUNC;
		*ts = convert_ts(t, kx_load64(head, t->td.big_endian));
		*pages = 1;
		return 0;
	}
	err = read_chunk(t, t->dz, u->chunk_off[i], 0, &u->zbuf, &blk, &what, NULL);
	if (err)
		return err;
	if (blk.usize < 8)
		return -KX_ECORRUPT;
	*ts = convert_ts(t, kx_load64(u->zbuf.plain, t->td.big_endian));
	*pages = (double)blk.usize / s->page_size;
	return 0;
}

/* Walk @s from unit @i on. */
static void start_at_unit(struct stream *s, const struct units *u, uint64_t i)
{
	if (!u->chunk_off) {
		s->pos = i * s->page_size;
		return;
	}
	s->chunk_off = u->chunk_off[i];
	s->chunks_left = (uint32_t)(u->n - i);
	s->chunk_len = 0;
	s->pos = 0;
}

/*
 * Move @s to its first event at or after t->slice_start: from the last
 * unit whose first page's header time is before it (a page's events are
 * no later than the next page's first), walking the events before it.
 */
static int seek_slice(struct tracedat *t, struct stream *s, struct kx_diag *diag)
{
	struct units u;
	uint64_t lo = 0, hi, ts;
	double pages;
	int err = units_of(t, s, &u);

	for (hi = u.n; !err && hi - lo > 1;) {
		uint64_t mid = lo + (hi - lo) / 2;

		err = unit_time(t, s, &u, mid, &ts, &pages);
		if (err)
			break;
		if (ts < t->slice_start)
			lo = mid;
		else
			hi = mid;
	}
	if (err) {
		units_free(&u);
		return err == -ENOMEM ? kx_diag_set(diag, err, "out of memory") :
					stream_error(s, diag, err, "cannot find the slice's start");
	}
	start_at_unit(s, &u, lo);
	units_free(&u);
	s->dz = t->dz;
	for (;;) {
		err = stream_advance(t, s, diag);
		if (err || s->done)
			break;
		if (s->ts >= t->slice_start) {
			s->held = true;
			break;
		}
		s->lost_pending = false;	/* due before an event of the slice before */
	}
	s->first = edge_here(s);
	s->prev_ts = s->ts;
	return err;
}

/*
 * Times that cut the events into @n slices of about the same size: the
 * first page times of units sampled evenly over every stream, each sample
 * weighing the units it stands for. Return: the number of cuts, 0 if the
 * trace is not cut.
 */
/*
 * Samples of a stream, and of all streams together: each is a read (a
 * page header, a chunk inflated, a page walked for the vCPU threads in
 * it), and 512 CPUs read as many as 8 do took 0.1 s before any slice began.
 */
#define SPLIT_SAMPLES		256	/* a page header each */
#define SPLIT_SAMPLES_ALL	8192
#define SPLIT_CHUNK_SAMPLES	32	/* a chunk inflated each */
#define SPLIT_CHUNK_SAMPLES_ALL	1024
#define CENSUS_PAGES		16	/* the first samples' pages, walked for their vCPU threads */
#define CENSUS_PAGES_ALL	1024
#define SPLIT_MIN_PAGES		64	/* per slice: less is not worth a thread */
#define SLICES_BUDGET		(16u << 20)	/* the slices' own, windows and batches aside */
#define SLICE_READER		(256u << 10)	/* a slice's reader: decoders, formats, tables */

struct split_sample {
	uint64_t ts;
	double weight;
};

static int cmp_sample(const void *a, const void *b)
{
	const struct split_sample *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/*
 * Add the threads of the kvm_exit and kvm_entry events of @page (of @s,
 * followed by PAGE_SLACK readable bytes) to @tids. Return: 0 or -ENOMEM.
 */
static int page_census(struct tracedat *t, const struct stream *s, const unsigned char *page,
		       struct kx_idmap *tids)
{
	struct kx_rbpage pg;
	struct kx_event ev;
	int ret = kx_rbpage_load(&pg, page, s->page_size, t->td.kernel_long_size,
				 t->td.big_endian);

	for (; ret > 0; ret = kx_rbpage_next(&pg)) {
		if (kx_kvmdecode_record(t->dec, pg.rec, pg.rec_size, pg.rec_size, &ev) &&
		    (ev.kind == KX_EV_EXIT || ev.kind == KX_EV_ENTRY) &&
		    kx_idmap_put(tids, kx_thread_key(s->buffer, ev.tid), 0))
			return -ENOMEM;
	}
	return 0;
}

/* Up to @most samples of each of @nr_streams streams, @all together; at least one. */
static uint64_t samples_each(uint64_t most, uint64_t all, size_t nr_streams)
{
	uint64_t n = all / (nr_streams ? nr_streams : 1);

	return n > most ? most : n ? n : 1;
}

/*
 * Sample @s's unit times into @smp; add to @bytes what a slice's reader
 * holds for @s (its partial-page copy, or its largest chunk sampled,
 * inflated and not), and to @tids (if not NULL: the analysis holds
 * something per vCPU thread) the vCPU threads of the first samples'
 * pages. Return: how many samples, or <0 (ENOMEM).
 */
static int sample_stream(struct tracedat *t, const struct stream *s, struct split_sample *smp,
			 uint64_t *bytes, struct kx_idmap *tids)
{
	unsigned char *page = malloc(s->page_size + PAGE_SLACK);
	uint64_t census = tids ? samples_each(CENSUS_PAGES, CENSUS_PAGES_ALL, t->nr_streams) : 0;
	struct units u;
	uint64_t m;
	int ns = 0, err = units_of(t, s, &u);

	if (err || !page) {
		units_free(&u);
		free(page);
		return err == -ENOMEM || !page ? -ENOMEM : 0;	/* unreadable headers: no samples */
	}
	m = u.chunk_off ? samples_each(SPLIT_CHUNK_SAMPLES, SPLIT_CHUNK_SAMPLES_ALL, t->nr_streams) :
			  samples_each(SPLIT_SAMPLES, SPLIT_SAMPLES_ALL, t->nr_streams);
	if (u.n < m)
		m = u.n;
	memset(page + s->page_size, 0, PAGE_SLACK);
	for (uint64_t j = 0; j < m && err != -ENOMEM; j++) {
		uint64_t i = j * u.n / m;
		double pages;

		err = unit_time(t, s, &u, i, &smp[ns].ts, &pages);
		if (err)
			continue;
		/* the pages of the units it stands for */
		smp[ns].weight = pages * (double)u.n / (double)m;
		ns++;
		if (j >= census)
			continue;
		if (u.chunk_off)
			memcpy(page, u.zbuf.plain, u.zbuf.plain_cap < s->page_size ?
			       u.zbuf.plain_cap : s->page_size);
		else if (kx_file_pread(t->file, page, s->page_size, s->data_off + i * s->page_size))
			continue;
		err = page_census(t, s, page, tids);
	}
	*bytes += u.chunk_off ? u.zbuf.plain_cap + u.zbuf.packed_cap : s->page_size + PAGE_SLACK;
	units_free(&u);
	free(page);
	return err == -ENOMEM ? err : ns;
}

/*
 * Are @n slices worth cutting? Compressed, two threads do better as a
 * pipeline (one inflates, one merges and pairs: zstd p5m 280 ms against
 * 320 ms in two slices); from three on slices win, the pipeline stopping
 * at its one merging thread.
 */
static bool slices_pay(const struct tracedat *t, unsigned n)
{
	return n >= 2 && (t->compress == KX_COMPRESS_NONE || n >= 3);
}

static unsigned tracedat_split(void *priv, unsigned n, uint64_t analysis_bytes,
			       uint64_t thread_bytes, struct kx_cut *cuts)
{
	struct tracedat *t = priv;
	struct kx_idmap tids = { 0 };
	struct split_sample *smp;
	double total = 0, acc = 0;
	uint64_t stream_bytes = 0, fit;
	size_t ns = 0;
	unsigned nc = 0;

	if (!slices_pay(t, n))
		return 0;
	/* a stream's page samples are at least as many as its chunk samples */
	smp = calloc(t->nr_streams * samples_each(SPLIT_SAMPLES, SPLIT_SAMPLES_ALL, t->nr_streams),
		     sizeof(*smp));
	if (!smp)
		return 0;
	for (size_t i = 0; i < t->nr_streams; i++) {
		int got = sample_stream(t, &t->streams[i], smp + ns, &stream_bytes,
					thread_bytes ? &tids : NULL);

		if (got < 0) {
			free(smp);
			kx_idmap_fini(&tids);
			return 0;
		}
		ns += (size_t)got;
	}
	/*
	 * Every slice holds its analysis (with --by vcpu, that of each vCPU
	 * thread the sampled pages show) and a chunk or page buffer per stream
	 * (64 CPUs of zstd chunks: ~3 MiB a slice): no more slices than the
	 * budget holds, whatever --threads says, so that windows, batches and
	 * slices stay under 64 MiB together. Compressed data maps no windows:
	 * its slices take that budget too.
	 */
	fit = (SLICES_BUDGET + (t->compress != KX_COMPRESS_NONE ? WINDOW_BUDGET : 0)) /
	      (SLICE_READER + analysis_bytes + thread_bytes * tids.nr + stream_bytes);
	kx_idmap_fini(&tids);
	if (n > fit)
		n = (unsigned)fit;
	for (size_t i = 0; i < ns; i++)
		total += smp[i].weight;
	if (!slices_pay(t, n) || total < (double)n * SPLIT_MIN_PAGES) {
		free(smp);
		return 0;
	}
	qsort(smp, ns, sizeof(*smp), cmp_sample);
	for (size_t i = 0; i < ns && nc < n - 1; i++) {
		acc += smp[i].weight;
		if (acc >= total * (nc + 1) / n && (!nc || smp[i].ts > cuts[nc - 1].ts) && smp[i].ts)
			cuts[nc++] = (struct kx_cut){ smp[i].ts, 0 };
	}
	free(smp);
	return nc;
}

/* Does the slice of @priv end, in every stream, where the slice of @next_priv begins? */
static bool tracedat_joins(const void *priv, const void *next_priv)
{
	const struct tracedat *a = priv, *b = next_priv;

	if (a->nr_streams != b->nr_streams)
		return false;
	for (size_t i = 0; i < a->nr_streams; i++) {
		const struct slice_edge *x = &a->streams[i].stop, *y = &b->streams[i].first;

		if (a->streams[i].unordered || b->streams[i].unordered || x->pos != y->pos ||
		    (x->pos != EDGE_END && (x->sub != y->sub || x->lost_pending != y->lost_pending ||
					    x->lost != y->lost)))
			return false;
	}
	return true;
}

/* ---- batches ---------------------------------------------------------------- */

/*
 * Walk and decode @s into @b: up to t->batch_events events, a lost-events
 * marker before the event it precedes. Runs on the stream's walking
 * thread; an error or the end is recorded in b->status.
 */
static void fill_batch(struct tracedat *t, struct stream *s, struct batch *b)
{
	const uint32_t cap = t->batch_events;
	const uint64_t end = t->slice_end;
	const bool sliced = t->slice_start || end != UINT64_MAX;
	uint64_t prev_ts = s->prev_ts;
	bool unordered = false;
	struct kx_event ev;
	struct kx_diag d = { "" };
	uint64_t records = 0;
	uint32_t n = 0;
	int err = 0;

	b->lost = false;
	while (n + 2 <= cap) {
		err = stream_advance(t, s, &d);
		if (err || s->done)
			break;
		kx_read_ahead(s->rec);
		unordered |= s->ts < prev_ts;
		prev_ts = s->ts;
		if (sliced) {
			if (s->ts >= end) {
				s->stop = edge_here(s);
				s->done = true;
				break;
			}
		}
		if (s->lost_pending) {
			struct kx_packed_event *lost = &b->ev[n++];

			memset(lost, 0, sizeof(*lost));
			lost->kind = KX_EV_LOST;
			lost->ts = s->ts;
			lost->tid = -1;
			lost->vcpu = KX_VCPU_UNKNOWN;
			lost->u.lost = s->lost;
			s->lost_pending = false;
			b->lost = true;
		}
		records++;
		if (kx_kvmdecode_record(s->dec, s->rec, s->rec_size, s->rec_size + PAGE_SLACK, &ev)) {
			ev.ts = s->ts;
			kx_event_pack(&b->ev[n++], &ev);
		}
	}
	if (s->window_mode == KX_WINDOW_FAULT && s->rec)
		kx_file_window_release(&s->win, s->rec);	/* it may be held: kept */
	s->prev_ts = prev_ts;
	s->unordered |= unordered;
	b->unordered = unordered;
	b->n = n;
	b->records = records;
	b->status = err ? err : s->done ? 1 : 0;
	if (err)
		snprintf(b->msg, sizeof(b->msg), "%s", d.msg);
}

/* The stream of @w with the fewest filled batches that can take one, or NULL. */
static struct stream *hungriest(struct tracedat *t, const struct worker *w, bool *all_done)
{
	struct stream *best = NULL;

	*all_done = true;
	for (size_t i = w->index; i < t->nr_streams; i += t->nw) {
		struct stream *s = &t->streams[i];

		if (s->fill_done)
			continue;
		*all_done = false;
		if (!s->busy && s->filled < s->nslot && (!best || s->filled < best->filled))
			best = s;
	}
	return best;
}

/*
 * Walk @s into the free slot after its filled ones, with the calling
 * thread's decoder and decompressor. Called and returns with t->lock
 * held; s->busy keeps the other thread off @s meanwhile.
 */
static void fill_next_slot(struct tracedat *t, struct stream *s, struct kx_kvmdecode *dec,
			   struct kx_decompressor *dz)
{
	struct batch *b = &s->slots[(s->head + s->filled) % s->nslot];

	s->busy = true;
	pthread_mutex_unlock(&t->lock);
	s->dec = dec;
	s->dz = dz;
	fill_batch(t, s, b);
	pthread_mutex_lock(&t->lock);
	s->busy = false;
	s->filled++;
	if (b->status)
		s->fill_done = true;
	pthread_cond_broadcast(&t->filled);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct tracedat *t = w->t;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		bool all_done;
		struct stream *s = hungriest(t, w, &all_done);

		if (all_done)
			break;
		if (!s) {
			pthread_cond_wait(&t->freed, &t->lock);
			continue;
		}
		fill_next_slot(t, s, w->dec, w->dz);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/*
 * Move @s to its next batch: 1 at an event, 0 at the end of the stream,
 * <0 the error the walk met after the last event.
 */
static int next_batch(struct tracedat *t, struct stream *s, struct kx_diag *diag)
{
	for (;;) {
		struct batch *b = s->cur;

		if (b && b->status < 0)
			return kx_diag_set(diag, b->status, "%s", b->msg);
		if (b && b->status > 0)
			return 0;
		if (!t->nw) {
			b = &s->slots[0];
			fill_batch(t, s, b);
		} else {
			pthread_mutex_lock(&t->lock);
			if (b) {
				s->head = (s->head + 1) % s->nslot;
				/* wake a sleeping worker only when half the ring is free */
				if (s->filled-- == s->nslot / 2 + 1)
					pthread_cond_broadcast(&t->freed);
			}
			while (!s->filled) {
				/* the workers are behind (e.g. inflating): walk it here, not wait */
				if (!s->busy && !s->fill_done)
					fill_next_slot(t, s, t->fill_dec, t->dz);
				else
					pthread_cond_wait(&t->filled, &t->lock);
			}
			b = &s->slots[s->head];
			pthread_mutex_unlock(&t->lock);
		}
		s->cur = b;
		s->at = b->ev;
		s->end = b->ev + b->n;
		t->r->info.records += b->records;
		if (b->n)
			return 1;
	}
}

static void stop_workers(struct tracedat *t)
{
	if (!t->have_sync)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_broadcast(&t->freed);
	pthread_mutex_unlock(&t->lock);
	for (unsigned i = 0; i < t->nw; i++)
		if (t->workers[i].started)
			pthread_join(t->workers[i].thread, NULL);
	for (unsigned i = 0; i < t->nw; i++) {
		kx_decompressor_free(t->workers[i].dz);
		kx_kvmdecode_free(t->workers[i].dec);
	}
	free(t->workers);
	t->workers = NULL;
	pthread_cond_destroy(&t->filled);
	pthread_cond_destroy(&t->freed);
	pthread_mutex_destroy(&t->lock);
	t->have_sync = false;
}

/* @nslot batches per stream, their size bounded by BATCH_BUDGET in all (of all slices). */
static int alloc_batches(struct tracedat *t, unsigned nslot, struct kx_diag *diag)
{
	uint64_t per_batch = BATCH_BUDGET / ((uint64_t)nslot * t->slices *
					     (t->nr_streams ? t->nr_streams : 1));

	t->batch_events = (uint32_t)(per_batch / sizeof(struct kx_packed_event));
	if (t->batch_events > BATCH_EVENTS)
		t->batch_events = BATCH_EVENTS;
	if (t->batch_events < BATCH_MIN_EVENTS)
		t->batch_events = BATCH_MIN_EVENTS;
	for (size_t i = 0; i < t->nr_streams; i++) {
		struct stream *s = &t->streams[i];

		s->slots = calloc(nslot, sizeof(*s->slots));
		if (!s->slots)
			return kx_diag_set(diag, -ENOMEM, "out of memory");
		s->nslot = nslot;
		for (unsigned k = 0; k < nslot; k++) {
			s->slots[k].ev = malloc(t->batch_events * sizeof(struct kx_packed_event));
			if (!s->slots[k].ev)
				return kx_diag_set(diag, -ENOMEM, "out of memory");
		}
		s->dz = t->dz;
	}
	return 0;
}

/*
 * Batches for every stream and, with @threads > 1, the workers that fill
 * them: threads - 1 of them (at most one per stream), this thread merges.
 */
static int start_batches(struct tracedat *t, unsigned threads, struct kx_diag *diag)
{
	unsigned nw = threads > 1 ? threads - 1 : 0;
	size_t i;
	int err;

	if (nw > t->nr_streams)
		nw = (unsigned)t->nr_streams;
	if (nw > MAX_WORKERS)
		nw = MAX_WORKERS;
	err = alloc_batches(t, nw ? NSLOT_THREADED : 1, diag);
	if (err)
		return err;
	/* this thread's decoder: it walks every stream without workers, else when they lag */
	if (kx_kvmdecode_new(t->td.tep, t->td.counted, t->td.nr_counted, NULL, &t->fill_dec))
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	for (i = 0; i < t->nr_streams; i++)
		t->streams[i].dec = t->fill_dec;
	if (!nw)
		return 0;
	t->workers = calloc(nw, sizeof(*t->workers));
	if (!t->workers)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	if (pthread_mutex_init(&t->lock, NULL))
		return kx_diag_set(diag, -ENOMEM, "cannot create a lock");
	pthread_cond_init(&t->filled, NULL);
	pthread_cond_init(&t->freed, NULL);
	t->have_sync = true;
	t->nw = nw;
	for (unsigned k = 0; k < nw; k++) {
		struct worker *w = &t->workers[k];

		w->t = t;
		w->index = k;
		if (t->compress != KX_COMPRESS_NONE) {
			err = kx_decompressor_new(t->compress, &w->dz, diag);
			if (err)
				return err;
		}
		if (kx_kvmdecode_new(t->td.tep, t->td.counted, t->td.nr_counted, NULL, &w->dec))
			return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	for (unsigned k = 0; k < nw; k++) {
		struct worker *w = &t->workers[k];

		err = pthread_create(&w->thread, NULL, worker_main, w);
		if (err)
			return kx_diag_set(diag, -err, "cannot start a decode thread");
		w->started = true;
	}
	return 0;
}

/*
 * Bytes a stream reads at a time: whole pages, WINDOW_BUDGET for all
 * @nr_streams (of all slices); *@mode, how its window holds them. When not
 * even one page fits the share (large sub-buffers on many CPUs), a page is
 * mapped, faulted in as read and given back as the walk goes.
 */
static uint32_t window_cap(uint32_t page_size, size_t nr_streams, enum kx_window_mode *mode)
{
	uint64_t cap = WINDOW_BUDGET / (nr_streams ? nr_streams : 1);

	if (cap > WINDOW_MAX)
		cap = WINDOW_MAX;
	cap -= cap % page_size;
	*mode = !cap ? KX_WINDOW_FAULT : cap <= WINDOW_COPY_MAX ? KX_WINDOW_COPY : KX_WINDOW_POPULATE;
	return cap ? (uint32_t)cap : page_size;
}

/* Build the streams of the selected buffers. */
static int setup_streams(struct tracedat *t, const bool *selected, struct kx_diag *diag)
{
	struct kx_cursor chunks;
	size_t i, n = 0, nsel = 0;
	uint32_t j;

	if (tep_is_old_format(t->td.tep))
		return kx_diag_set(diag, -KX_EVERSION, "ring-buffer pages of kernels before "
				   "2.6.31 (no header_page format) are not supported");
	for (i = 0; i < t->nr_bufs; i++)
		if (selected[i])
			n += t->bufs[i].nr_cpus;
	/* cache-line aligned: struct stream keeps merge and walk fields apart */
	t->streams = aligned_alloc(64, (n ? n : 1) * sizeof(*t->streams));
	if (t->streams)
		memset(t->streams, 0, (n ? n : 1) * sizeof(*t->streams));
	t->heap = calloc(n ? n : 1, sizeof(*t->heap));
	if (!t->streams || !t->heap)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	for (i = 0; i < t->nr_bufs; i++) {
		struct tbuffer *b = &t->bufs[i];

		if (!selected[i])
			continue;
		if (b->page_size < 64 || b->page_size > MAX_PAGE_SIZE ||
		    b->page_size < 8 + 2 * t->td.kernel_long_size)
			return kx_diag_set(diag, -KX_ECORRUPT, "buffer '%s' has page size %u",
					   b->name, b->page_size);
		for (j = 0; j < b->nr_cpus; j++) {
			struct cpu_data *cd = &b->cpus[j];
			struct stream *s = &t->streams[t->nr_streams++];

			s->buffer = (uint16_t)nsel;
			s->buffer_name = b->name;
			s->first = s->stop = (struct slice_edge){ EDGE_END, 0, 0, false };
			s->cpu = (int32_t)cd->cpu;
			s->page_size = b->page_size;
			s->page_off = cd->offset;
			if (cd->offset > t->size || cd->size > t->size - cd->offset)
				return stream_error(s, diag, -KX_ETRUNC,
						    "data extends past the end of the file");
			if (t->compress == KX_COMPRESS_NONE) {
				s->data_off = cd->offset;
				s->data_len = cd->size;
				s->window_cap = window_cap(b->page_size, n * t->slices, &s->window_mode);
				s->scratch = malloc(b->page_size + PAGE_SLACK);
				if (!s->scratch)
					return kx_diag_set(diag, -ENOMEM, "out of memory");
				continue;
			}
			/*
			 * The chunk stream is bounded by the file, not by the
			 * option's size: trace-cmd 3.1 writers leave the 4-byte
			 * chunk count out of it.
			 */
			kx_cursor_init(&chunks, t->map + cd->offset, (size_t)(t->size - cd->offset),
				       t->td.big_endian);
			if (kx_cursor_u32(&chunks, &s->chunks_left))
				return stream_error(s, diag, -KX_ETRUNC, "truncated chunk count");
			s->chunk_off = cd->offset + chunks.pos;
			s->first_chunk_off = s->chunk_off;
			s->nr_chunks = s->chunks_left;
		}
		nsel++;
	}
	return 0;
}

static int prime_heap(struct tracedat *t, struct kx_diag *diag)
{
	size_t i;
	int ret;

	for (i = 0; i < t->nr_streams; i++) {
		struct stream *s = &t->streams[i];

		ret = next_batch(t, s, diag);
		if (ret < 0)
			return ret;
		if (ret)
			t->heap[t->heap_len++] = (struct heap_entry){ s->at->ts, s };
	}
	for (i = t->heap_len / 2; i-- > 0;)
		heap_down(t->heap, t->heap_len, i);
	return 0;
}

/*
 * A slice after the first is entered at its first read, on the thread that
 * reads it: walking chunk headers and inflating chunks to find the start
 * runs in parallel then, not in the opening thread.
 */
static int start_slice(struct tracedat *t, struct kx_diag *diag)
{
	int err = 0;

	t->unstarted = false;
	for (size_t i = 0; i < t->nr_streams && !err; i++)
		err = seek_slice(t, &t->streams[i], diag);
	return err ? err : prime_heap(t, diag);
}

/* ---- reader callbacks ------------------------------------------------------ */

/* Event counts: the walking threads' decoders' once every stream ended. */
static void finish_counts(struct tracedat *t, bool at_end)
{
	if (at_end && !t->counted) {
		if (t->fill_dec)
			kx_kvmdecode_add_counts(t->dec, t->fill_dec);
		for (unsigned i = 0; i < t->nw; i++)
			kx_kvmdecode_add_counts(t->dec, t->workers[i].dec);
		t->counted = true;
	}
	t->r->info.event_counts = kx_kvmdecode_event_counts(t->dec, &t->r->info.nr_event_counts);
}

/* Add the per-event counts of @other_priv's slice to ours. */
static int tracedat_absorb(void *priv, const void *other_priv)
{
	struct tracedat *t = priv;
	const struct tracedat *o = other_priv;

	kx_kvmdecode_add_counts(t->dec, o->dec);
	finish_counts(t, false);
	return 0;
}

/* @p of @s out to @ev: exit reasons named here, in delivery order (not by the threads). */
static inline void deliver(struct tracedat *t, const struct stream *s,
			   const struct kx_packed_event *p, struct kx_event *ev)
{
	struct kx_source_info *info = &t->r->info;

	kx_event_unpack(ev, p, s->cpu, s->buffer, -1);
	if (ev->kind == KX_EV_EXIT) {
		ev->u.exit.reason = kx_kvmdecode_reason(t->dec, ev->u.exit.isa, ev->u.exit.code);
	} else if (ev->kind == KX_EV_LOST) {
		kx_lost_count(&info->lost, ev->u.lost);
	}
}

/* Each stream's batches: heap[] lists the streams that have events left. */
static int next_batches(struct tracedat *t, struct kx_diag *diag)
{
	for (size_t i = t->heap_len; i-- > 0;) {
		struct stream *s = t->heap[i].s;
		int ret;

		if (s->at < s->end)
			continue;
		ret = next_batch(t, s, diag);
		if (ret < 0)
			return ret;
		if (!ret)
			t->heap[i] = t->heap[--t->heap_len];
	}
	return 0;
}

/*
 * The events of every stream before a time, stream by stream, each in
 * its own order (kx_source_opts.windows), laid out in t->r->window: no
 * merge. The time is the least of the streams' k-th next timestamps, so
 * a window holds at most k events of each; a stream whose batch has
 * fewer left bounds it by its last, whose equals may follow in the next
 * batch. Only for batches whose times never go back, where such a
 * window holds just what the merge would deliver next.
 * Return: the number of events; 0 where no window can be cut: merge then,
 * up to *@upto (the time a window stopped at before its first event).
 */
static unsigned next_window(struct tracedat *t, struct kx_event *evs, unsigned max,
			    uint64_t *upto)
{
	struct kx_window *w = &t->r->window;
	const unsigned k = max / t->heap_len;
	uint64_t end = UINT64_MAX;
	unsigned n = 0;

	if (t->heap_len > KX_WINDOW_STREAMS)
		return 0;
	for (size_t i = 0; i < t->heap_len; i++) {
		const struct stream *s = t->heap[i].s;
		size_t left = (size_t)(s->end - s->at);
		uint64_t bound;

		if (s->cur->unordered)
			return 0;
		if (left > k)
			bound = s->at[k].ts;
		else
			bound = s->cur->status > 0 ? UINT64_MAX : s->end[-1].ts;
		end = bound < end ? bound : end;
	}
	kx_window_open(w, NULL);
	for (size_t i = 0; i < t->heap_len; i++) {
		struct stream *s = t->heap[i].s;
		const struct kx_packed_event *p = s->at;
		unsigned from = n;

		for (; p < s->end && p->ts < end; p++)
			deliver(t, s, p, &evs[n++]);
		if (n == from)
			continue;
		kx_window_add(w, from, n, s->at->ts, p[-1].ts, s->cur->lost);
		s->at = p;
	}
	t->heap_stale |= n != 0;
	if (!n)
		*upto = end;
	return n;
}

static void rebuild_heap(struct tracedat *t)
{
	for (size_t i = 0; i < t->heap_len; i++)
		t->heap[i].key = t->heap[i].s->at->ts;
	for (size_t i = t->heap_len / 2; i-- > 0;)
		heap_down(t->heap, t->heap_len, i);
	t->heap_stale = false;
}

static int tracedat_next_batch(void *priv, struct kx_event *evs, unsigned max,
			       struct kx_diag *diag)
{
	struct tracedat *t = priv;
	uint64_t upto = UINT64_MAX;
	unsigned n = 0;
	int ret;

	if (t->unstarted && (ret = start_slice(t, diag)) < 0)
		return ret;
	t->r->windowed = false;
	if (t->windows && t->heap_len) {
		n = next_window(t, evs, max, &upto);
		t->r->windowed = n != 0;
		if (n)
			return (ret = next_batches(t, diag)) < 0 ? ret : (int)n;
	}
	if (!t->heap_len) {
		finish_counts(t, true);
		return 0;
	}
	if (t->heap_stale)
		rebuild_heap(t);
	while (n < max && t->heap_len && t->heap[0].key <= upto) {
		struct heap_entry *top = &t->heap[0];
		struct stream *s = top->s;
		const struct kx_packed_event *p = s->at;

		deliver(t, s, p, &evs[n++]);
		if (++p < s->end) {
			s->at = p;
			top->key = p->ts;
			/* batches were written by another core: ask for the next lines early */
			__builtin_prefetch(p + 3);
		} else {
			ret = next_batch(t, s, diag);
			if (ret < 0)
				return ret;
			if (ret)
				top->key = s->at->ts;
			else
				t->heap[0] = t->heap[--t->heap_len];
		}
		if (t->heap_len > 1)
			heap_down(t->heap, t->heap_len, 0);
	}
	return (int)n;
}

static const char *tracedat_comm(void *priv, int32_t tid)
{
	struct tracedat *t = priv;

	return t->have_td ? kx_tracedata_comm(&t->td, tid) : NULL;
}

static void tracedat_close(void *priv)
{
	struct tracedat *t = priv;
	size_t i;

	if (!t)
		return;
	stop_workers(t);
	for (i = 0; i < t->nr_streams; i++) {
		struct stream *s = &t->streams[i];

		free(s->zbuf.plain);
		free(s->zbuf.packed);
		free(s->scratch);
		kx_file_window_free(&s->win);
		for (uint32_t k = 0; s->slots && k < s->nslot; k++)
			free(s->slots[k].ev);
		free(s->slots);
	}
	free(t->streams);
	free(t->heap);
	for (i = 0; i < t->nr_bufs; i++) {
		free(t->bufs[i].name);
		free(t->bufs[i].clock);
		free(t->bufs[i].cpus);
	}
	free(t->bufs);
	free(t->names);
	free(t->traceclock);
	kx_kvmdecode_free(t->dec);
	kx_kvmdecode_free(t->fill_dec);
	if (t->have_td)
		kx_tracedata_fini(&t->td);
	kx_decompressor_free(t->dz);
	free(t);
}

/* ---- open --------------------------------------------------------------------- */

static bool tracedat_probe(const struct kx_file *f)
{
	return f->head_len >= sizeof(magic) && memcmp(f->head, magic, sizeof(magic)) == 0;
}

static int read_prelude(struct tracedat *t, struct kx_cursor *c, struct kx_diag *diag)
{
	uint8_t endian, long_size;
	uint32_t page_size;
	const char *ver;
	char *end;
	size_t len;
	long v;
	int err;

	if (kx_cursor_skip(c, sizeof(magic)))
		return trunc_at(diag, "file header", 0);
	err = kx_cursor_str(c, 16, &ver, &len);
	if (err)
		return err == -KX_ETRUNC ? trunc_at(diag, "file header", c->pos) :
			kx_diag_set(diag, -KX_EVERSION, "unreadable trace.dat version");
	v = strtol(ver, &end, 10);
	if (end == ver || *end)
		return kx_diag_set(diag, -KX_EVERSION, "unreadable trace.dat version '%s'", ver);
	if (v < 6 || v > 7)
		return kx_diag_set(diag, -KX_EVERSION,
				   "trace.dat version %ld is not supported (only 6 and 7)", v);
	t->version = (int)v;
	if (kx_cursor_u8(c, &endian) || kx_cursor_u8(c, &long_size))
		return trunc_at(diag, "file header", c->pos);
	if (endian > 1 || (long_size != 4 && long_size != 8))
		return kx_diag_set(diag, -KX_ECORRUPT, "bad file header (endian %u, long size %u)",
				   endian, long_size);
	c->big_endian = endian;
	if (kx_cursor_u32(c, &page_size))
		return trunc_at(diag, "file header", c->pos);
	if (page_size < 64 || page_size > MAX_PAGE_SIZE)
		return kx_diag_set(diag, -KX_ECORRUPT, "implausible page size %u", page_size);
	if (kx_tracedata_init(&t->td, endian, long_size, page_size, kx_kvmdecode_events))
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	t->have_td = true;
	return 0;
}

static int read_v7(struct tracedat *t, struct kx_cursor *c, struct kx_diag *diag)
{
	const char *name, *ver;
	uint64_t first;
	int err;

	if (kx_cursor_str(c, 64, &name, NULL) || kx_cursor_str(c, 64, &ver, NULL) ||
	    kx_cursor_u64(c, &first))
		return trunc_at(diag, "file header", c->pos);
	err = kx_compress_parse(name, &t->compress, diag);
	if (err)
		return err;
	if (t->compress != KX_COMPRESS_NONE) {
		err = kx_decompressor_new(t->compress, &t->dz, diag);
		if (err)
			return err;
	}
	snprintf(t->format_name, sizeof(t->format_name), "trace.dat v7 (%s)",
		 t->compress == KX_COMPRESS_NONE ? "uncompressed" : name);
	err = read_options_v7(t, first, diag);
	if (err || t->latency)
		return err;
	return read_sections_v7(t, diag);
}

/* Mark the buffers to deliver. Return: number selected, or <0 (unknown name). */
static int select_buffers(struct tracedat *t, const char *want, bool *selected,
			  struct kx_diag *diag)
{
	char list[KX_DIAG_MAX / 2] = "";
	size_t i, used = 0;
	int n = 0;

	for (i = 0; i < t->nr_bufs; i++) {
		if (want ? strcmp(t->bufs[i].name, want) == 0 : t->bufs[i].nr_cpus > 0) {
			selected[i] = true;
			n++;
		}
	}
	if (n || !want)
		return n;
	for (i = 0; i < t->nr_bufs && used < sizeof(list); i++) {
		const char *name = *t->bufs[i].name ? t->bufs[i].name : "(top)";

		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
					 i ? ", " : "", name);
	}
	return kx_diag_set(diag, -KX_EUSAGE, "no buffer named '%s' (buffers: %s)", want, list);
}

static void tracedat_setup_info(struct tracedat *t, const struct kx_source_opts *opts,
				const bool *selected)
{
	struct kx_source_info *info = &t->r->info;
	const char *clock = NULL;
	uint32_t max_cpu = 0;
	size_t i, n = 0;
	uint32_t j;

	for (i = 0; i < t->nr_bufs; i++) {
		if (!selected[i])
			continue;
		if (!clock)
			clock = t->bufs[i].clock;
		t->names[n++] = t->bufs[i].name;
		for (j = 0; j < t->bufs[i].nr_cpus; j++)
			if (t->bufs[i].cpus[j].cpu + 1 > max_cpu)
				max_cpu = t->bufs[i].cpus[j].cpu + 1;
	}
	if (!clock)
		clock = t->traceclock ? t->traceclock : "";
	info->format = KX_FMT_TRACEDAT;
	info->format_name = t->format_name;
	info->clock = clock;
	info->unit = KX_UNIT_NS;
	info->resolution = 1;
	if (!t->have_tsc2nsec && (strcmp(clock, "x86-tsc") == 0 ||
				  strcmp(clock, "counter") == 0 ||
				  strcmp(clock, "tsc2nsec") == 0)) {
		if (opts->tsc_khz) {
			t->tsc_khz = opts->tsc_khz;
			info->tsc_khz = opts->tsc_khz;
		} else {
			info->unit = KX_UNIT_CYCLES;
		}
	}
	info->nr_cpus = t->cpucount > max_cpu ? t->cpucount : max_cpu;
	info->nr_buffers = (unsigned)n;
	info->buffer_names = t->names;
	info->unreadable = (const char *const *)t->td.unreadable;
	info->nr_unreadable = t->td.nr_unreadable;
	info->formats = &t->td.parsed;
}

static int tracedat_open(struct kx_file *f, const struct kx_source_opts *opts,
			 struct kx_reader *r, struct kx_diag *diag)
{
	struct kx_cursor c;
	struct tracedat *t;
	bool *selected = NULL;
	int err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	t->r = r;
	err = kx_file_map(f, diag);
	if (err)
		goto fail;
	t->file = f;
	t->map = f->map;
	t->size = f->size;
	kx_cursor_init(&c, t->map, (size_t)t->size, false);
	err = read_prelude(t, &c, diag);
	if (err)
		goto fail;
	kx_tracedata_trust(&t->td, opts->formats);
	if (t->version == 6) {
		snprintf(t->format_name, sizeof(t->format_name), "trace.dat v6");
		err = read_v6(t, &c, diag);
	} else {
		err = read_v7(t, &c, diag);
	}
	if (err)
		goto fail;
	if (t->latency) {
		err = kx_diag_set(diag, -KX_EVERSION, "latency-format trace.dat (recorded "
				  "without flyrecord buffers) is not supported");
		goto fail;
	}
	err = kx_kvmdecode_new(t->td.tep, t->td.counted, t->td.nr_counted, r->names, &t->dec);
	if (err) {
		kx_diag_set(diag, err, "out of memory");
		goto fail;
	}
	selected = calloc(t->nr_bufs ? t->nr_bufs : 1, sizeof(*selected));
	t->names = calloc(t->nr_bufs ? t->nr_bufs : 1, sizeof(*t->names));
	if (!selected || !t->names) {
		err = kx_diag_set(diag, -ENOMEM, "out of memory");
		goto fail;
	}
	err = select_buffers(t, opts->buffer, selected, diag);
	if (err < 0)
		goto fail;
	tracedat_setup_info(t, opts, selected);
	t->slices = opts->slices ? opts->slices : 1;
	err = setup_streams(t, selected, diag);
	/* the metadata is read: the streams read the file, not the mapping */
	kx_file_unmap_pages(f);
	t->slice_start = opts->slice_start;
	t->slice_end = opts->slice_end ? opts->slice_end : UINT64_MAX;
	t->windows = opts->windows;
	t->unstarted = t->slice_start != 0;
	/* a slice is read by the thread that reads it, no workers */
	if (!err)
		err = start_batches(t, t->slice_start || opts->slice_end ? 1 :
				    kx_source_threads(opts), diag);
	if (!err && !t->unstarted)
		err = prime_heap(t, diag);
	if (err)
		goto fail;
	free(selected);
	finish_counts(t, false);
	r->priv = t;
	r->next_batch = tracedat_next_batch;
	r->close = tracedat_close;
	r->comm = tracedat_comm;
	r->split = tracedat_split;
	r->joins = tracedat_joins;
	r->absorb = tracedat_absorb;
	return 0;
fail:
	free(selected);
	tracedat_close(t);
	return err;
}

const struct kx_reader_ops kx_tracedat_reader = {
	.name = "tracedat",
	.probe = tracedat_probe,
	.open = tracedat_open,
};
