// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * input_perfdata.c - the perf.data reader, file mode (mapped: header, attrs,
 * feature sections, data section) and pipe mode (sequential records from a
 * file or stdin), `perf record -z` streams through kx_perf_inflate. It turns
 * the RAW data of tracepoint samples into kvm events through kx_kvmdecode and
 * PERF_RECORD_LOST into lost markers, and hands them out in timestamp order
 * through kx_perf_order. The walk over the records fills batches of decoded
 * events and FINISHED_ROUND marks, in file order; next() feeds them to the
 * orderer and names exit reasons. With --threads > 1 the walk runs on a
 * thread of its own, a few batches ahead: the records are one stream, so
 * one walking thread is all that helps. Either way next() sees the same
 * batches, so the output does not depend on the threads. A file can also
 * be read as time slices in parallel (kx_slices.h): see "time slices".
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "kx.h"
#include "kx_cursor.h"
#include "kx_grow.h"
#include "kx_kvmdecode.h"
#include "kx_perf.h"
#include "kx_idmap.h"
#include "kx_perf_inflate.h"
#include "kx_perf_order.h"
#include "kx_reader.h"
#include "kx_tracedata.h"

/* "PERFILE2" read as a little-endian u64 */
#define PERF_MAGIC		0x32454c4946524550ULL
#define FILE_HEADER_SIZE	104
#define PIPE_HEADER_SIZE	16
#define HEADER_FLAGS_OFF	0x48		/* 256-bit feature bitmap */
#define NR_FEATURE_BITS		256
#define REC_HEADER_SIZE		8
#define PIPE_BUF_SIZE		(256u << 10)	/* read-ahead; a record is <= 64 KiB */
#define MAX_ATTR_SIZE		4096		/* far above any perf_event_attr */
#define MAX_TRACING_DATA	(512u << 20)	/* sanity bound on HEADER_TRACING_DATA */
#define DEFAULT_SORT_MEM	(256ULL << 20)
#define MAX_INFLATE		(64u << 20)	/* decompressed bytes pending at once */
#define RELEASE_STEP		(8u << 20)	/* give back mapped data pages every 8 MiB */
#define SLICE_RELEASE_STEP	(1u << 20)	/* ... every 1 MiB in a slice: many read at once */
#define COMM_LEN		16		/* TASK_COMM_LEN */

/* feature bits (perf header.h) */
enum {
	FEAT_TRACING_DATA = 1,
	FEAT_NRCPUS = 7,
	FEAT_DIR_FORMAT = 24,
	FEAT_CLOCK_DATA = 29,
};

#define BATCH_EVENTS		4096	/* a batch is handed over at this many events */
#define BATCH_MARKS		256	/* ... or marks (files of mostly other samples) */
#define NR_BATCHES		4	/* ring between the walking thread and next() */

/* A direct-mapped cache of id lookups: perf numbers ids consecutively. */
#define ID_CACHE		64

struct id_cached {
	uint64_t id;
	uint32_t idx_plus1;	/* 0: empty */
};

struct id_info {
	uint32_t attr;		/* index into attrs */
	int32_t cpu;		/* from ID_INDEX, -1 unknown */
};

/* What the orderer is told between two events of a batch. */
enum mark_kind {
	MARK_ROUND,		/* FINISHED_ROUND */
	MARK_FINISH,		/* end of input: release everything */
};

struct mark {
	uint32_t at;		/* events of the batch before the mark */
	uint32_t kind;		/* enum mark_kind */
	uint64_t saw;		/* largest sample time since the previous mark */
};

/*
 * struct batch - a stretch of the walk, in file order: the decoded events
 * (exit reasons not named yet) and the marks among them. The walk fills
 * it, next() reads it; the orderer is next()'s alone.
 */
struct batch {
	struct kx_event *ev;
	size_t cap;
	uint32_t n;
	struct mark *marks;
	size_t cap_marks;
	uint32_t nmarks;
	uint64_t saw;		/* largest sample time after the last mark */
	int status;		/* 0 more follows, 1 end of input, < 0 error (diag) */
	struct kx_diag diag;
	uint32_t idx, mark_idx;	/* next()'s position */
};

/* The walk's counters of records and losses (a slice keeps those up to its cut). */
struct walk_counts {
	uint64_t records, lost_events, lost_markers;
	uint64_t lost_records, unknown_id, lost_samples_sum, lost_samples_records;
};

/*
 * struct perf_slice - a time slice of a perf.data file (see "time slices").
 * @start, @end:       deliver the events with start <= ts < end (end 0: none)
 * @first_pos:         P: where it starts, just after a FINISHED_ROUND
 * @cut_pos:           where the next slice starts (0: this is the last)
 * @marks:             FINISHED_ROUNDs read since first_pos
 * @marks_past_cut:    ... since cut_pos: at two the slice has read enough
 * @prologue_end:      the first FINISHED_ROUND's offset: metadata past it breaks slices
 * @met_cut:           the walk came to cut_pos exactly, two rounds in
 * @broken:            why the slice cannot stand for its part of one pass, NULL if it can
 * @own:               the counters at the cut (of records before it only)
 * @past_dec:          decodes the records past the cut: its counts are the next slice's
 */
struct perf_slice {
	bool on;
	uint64_t start, end;
	uint64_t end_or_max;	/* end, or UINT64_MAX for the last slice */
	/* a record's time outside [saw_from, saw_below) breaks the slice (slice_saw()) */
	uint64_t saw_from, saw_below;
	uint64_t first_pos, cut_pos;
	uint32_t marks, marks_past_cut;
	uint64_t prologue_end;
	bool past_cut, met_cut;
	bool end_marker;	/* it delivered the end-of-run losses (the last slice) */
	const char *broken;
	struct walk_counts own;
	struct kx_kvmdecode *past_dec;
};

struct perf_reader {
	struct kx_file *f;
	struct kx_source_info *info;
	struct kx_names *names;
	bool pipe;
	bool done;		/* end of input reached, orderer finished */
	int err;		/* sticky failure of next() */
	struct kx_diag err_diag;

	/* file mode: records come from the mapping */
	uint64_t data_off, data_end;
	uint64_t released;	/* mapping pages below this offset were given back */
	/* both: offset of the next record (file offset; stream offset in pipe mode) */
	uint64_t pos;
	/* pipe mode: read-ahead buffer, unread bytes at [buf_start, buf_end) */
	unsigned char *buf;
	size_t buf_start, buf_end;
	bool buf_eof;

	struct kx_perf_attr *attrs;
	struct kx_perf_layout *layouts;	/* [nr_attrs]: SAMPLE field offsets of each attr */
	size_t nr_attrs;
	struct kx_idmap id_map;	/* sample id -> index into ids */
	struct id_cached id_cache[ID_CACHE];	/* recent hits of id_map */
	struct id_info *ids;
	size_t nr_ids, ids_alloc;
	int sample_id_pos;	/* common id position of all attrs, -1 none */
	int trailer_id_pos;
	bool id_pos_differs;	/* attrs locate their id differently */

	struct kx_tracedata td;
	bool have_td;
	struct kx_kvmdecode *dec;	/* counts the records that are ours (info's event counts) */
	struct kx_kvmdecode *walk_dec;	/* decodes the walk: dec, or a slice's past_dec past its cut */
	struct kx_perf_inflate *zin;	/* perf record -z streams, created on first use */
	struct kx_perf_order *order;
	uint64_t sort_mem_cap;
	uint64_t max_ts;	/* largest sample time seen, for records without a time */

	struct kx_idmap comm_map;	/* tid -> index into comms */
	char (*comms)[COMM_LEN];
	size_t nr_comms, comms_alloc;

	uint64_t lost_records;		/* PERF_RECORD_LOST */
	uint64_t lost_samples_sum;	/* end-of-run PERF_RECORD_LOST_SAMPLES */
	uint64_t lost_samples_records;
	uint64_t unknown_id;		/* samples whose id matches no attr */
	bool nr_cpus_known;
	char clock[32];
	char note[320];
	const char *buffer_names[1];

	struct perf_slice sl;

	/* the walk's batches: a ring, next() reads at head */
	struct batch batches[NR_BATCHES];
	struct batch *fill;		/* the batch the walk writes */
	struct batch *take;		/* the batch next() reads; NULL before the first */
	struct kx_kvmdecode *name_dec;	/* next()'s: names exit reasons, in file order */
	bool ended;			/* next() returned the end */
	bool windows;			/* kx_source_opts.windows */
	const struct kx_format_memo *trusted_formats;	/* kx_source_opts.formats */
	struct kx_reader *reader;	/* its windowed and window, for each batch */
	uint64_t tie[KX_SOURCE_BATCH];	/* a window's events' file order */
	/* with a walking thread */
	bool threaded;
	uint32_t head, filled;		/* filled: batches handed over, not given back */
	bool stop;			/* next() is done: set under lock, read atomically */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t handed;		/* a batch was filled */
	pthread_cond_t freed;		/* a batch was given back, or stop */
};

static bool probe_perfdata(const struct kx_file *f)
{
	uint64_t magic;

	if (f->head_len < 16)
		return false;
	magic = kx_load64(f->head, false);
	return magic == PERF_MAGIC || magic == __builtin_bswap64(PERF_MAGIC);
}

/* --- attrs and ids --------------------------------------------------------- */

static int add_attr(struct perf_reader *p, const struct kx_perf_attr *a, struct kx_diag *diag)
{
	struct kx_perf_attr *attrs;
	struct kx_perf_layout *layouts;
	int pos = kx_perf_sample_id_pos(a->sample_type);
	int tpos = kx_perf_trailer_id_pos(a->sample_type);

	if (a->type == KX_PERF_TYPE_TRACEPOINT && !(a->sample_type & KX_PERF_S_TIME))
		return kx_diag_set(diag, -KX_EVERSION,
				   "tracepoint %llu is recorded without timestamps (no TIME in sample_type)",
				   (unsigned long long)a->config);
	attrs = realloc(p->attrs, (p->nr_attrs + 1) * sizeof(*attrs));
	if (!attrs)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	p->attrs = attrs;
	layouts = realloc(p->layouts, (p->nr_attrs + 1) * sizeof(*layouts));
	if (!layouts)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	p->layouts = layouts;
	kx_perf_layout_init(a, &p->layouts[p->nr_attrs]);
	if (!p->nr_attrs) {
		p->sample_id_pos = pos;
		p->trailer_id_pos = tpos;
	} else if (pos != p->sample_id_pos || tpos != p->trailer_id_pos) {
		p->id_pos_differs = true;
	}
	p->attrs[p->nr_attrs++] = *a;
	return 0;
}

static int add_id(struct perf_reader *p, uint64_t id, uint32_t attr, int32_t cpu,
		  struct kx_diag *diag)
{
	uint32_t idx;

	memset(p->id_cache, 0, sizeof(p->id_cache));
	if (kx_idmap_get(&p->id_map, id, &idx)) {
		p->ids[idx].attr = attr;
		if (cpu >= 0)
			p->ids[idx].cpu = cpu;
		return 0;
	}
	if (p->nr_ids == p->ids_alloc) {
		struct id_info *ids = kx_grow(p->ids, &p->ids_alloc, sizeof(*ids), 64);

		if (!ids)
			return kx_diag_set(diag, -ENOMEM, "out of memory");
		p->ids = ids;
	}
	p->ids[p->nr_ids] = (struct id_info){ .attr = attr, .cpu = cpu };
	if (kx_idmap_put(&p->id_map, id, (uint32_t)p->nr_ids))
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	p->nr_ids++;
	return 0;
}

/* Several attrs whose samples carry no id at one place: a sample's attr is unknowable. */
static bool ids_ambiguous(const struct perf_reader *p)
{
	return p->nr_attrs > 1 && (p->id_pos_differs || p->sample_id_pos < 0);
}

static int check_id_layout(const struct perf_reader *p, struct kx_diag *diag)
{
	if (ids_ambiguous(p))
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "%zu events whose samples carry no common IDENTIFIER/ID: cannot tell them apart",
				   p->nr_attrs);
	return 0;
}

/* The id_info of sample id @id, NULL if unknown. */
static inline const struct id_info *find_id(struct perf_reader *p, uint64_t id)
{
	struct id_cached *c = &p->id_cache[id & (ID_CACHE - 1)];
	uint32_t idx;

	if (c->idx_plus1 && c->id == id)
		return &p->ids[c->idx_plus1 - 1];
	if (!kx_idmap_get(&p->id_map, id, &idx))
		return NULL;
	*c = (struct id_cached){ .id = id, .idx_plus1 = idx + 1 };
	return &p->ids[idx];
}

/* The id recorded at @id_off (from the start, or from the end if @from_end). */
static inline const struct id_info *lookup_id(struct perf_reader *p, const unsigned char *body,
					      uint32_t len, int id_off, bool from_end)
{
	if (id_off < 0 || (uint32_t)id_off + (from_end ? 0 : 8) > len)
		return NULL;
	return find_id(p, kx_load64(body + (from_end ? len - (uint32_t)id_off : (uint32_t)id_off),
				    false));
}

/*
 * The attr of the SAMPLE body @body in *@ai: its id's (*@idi), or the only
 * one (*@idi NULL). Return: false when the id matches no attr.
 */
static inline bool sample_attr(struct perf_reader *p, const unsigned char *body, uint32_t len,
			       const struct id_info **idi, uint32_t *ai)
{
	const struct id_info *found = lookup_id(p, body, len, p->sample_id_pos, false);

	*idi = found;
	if (found) {
		*ai = found->attr;
		return true;
	}
	*ai = 0;
	return p->nr_attrs == 1;
}

/* @body as a SAMPLE of attr @ai, by its layout. Return: 0 or -KX_ETRUNC. */
static inline __attribute__((always_inline)) int parse_sample(const struct perf_reader *p,
							      uint32_t ai,
							      const unsigned char *body,
							      uint32_t len,
							      struct kx_perf_sample *s)
{
	const struct kx_perf_layout *l = &p->layouts[ai];
	struct kx_perf_sample any;
	int err;

	if (l->fixed)
		return kx_perf_sample_fixed(l, body, len, s);
	/* parsed apart so that the caller's sample stays a local the compiler can take apart */
	err = kx_perf_sample_parse(body, len, false, &p->attrs[ai], &any);
	*s = any;
	return err;
}

/* --- tracing data and features -------------------------------------------- */

static int parse_tracing_data(struct perf_reader *p, const unsigned char *buf, size_t len,
			      uint64_t off, struct kx_diag *diag)
{
	static const unsigned char magic[10] = {
		0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g'
	};
	const unsigned char *m;
	unsigned major = 0, minor = 0;
	const char *version;
	uint8_t endian = 0, long_size = 0;
	uint32_t page_size;
	struct kx_cursor c;
	size_t vlen;
	int err;

	if (p->have_td)
		return 0;	/* a second copy (concatenated pipe files): keep the first */
	kx_cursor_init(&c, buf, len, false);
	if (kx_cursor_bytes(&c, sizeof(magic), &m) || kx_cursor_str(&c, 16, &version, &vlen) ||
	    kx_cursor_u8(&c, &endian) || kx_cursor_u8(&c, &long_size))
		return kx_diag_set(diag, -KX_ETRUNC, "truncated tracing data at offset 0x%llx",
				   (unsigned long long)off);
	if (memcmp(m, magic, sizeof(magic)) || sscanf(version, "%u.%u", &major, &minor) != 2)
		return kx_diag_set(diag, -KX_ECORRUPT, "bad tracing data signature at offset 0x%llx",
				   (unsigned long long)off);
	c.big_endian = endian;
	if (kx_cursor_u32(&c, &page_size))
		return kx_diag_set(diag, -KX_ETRUNC, "truncated tracing data at offset 0x%llx",
				   (unsigned long long)off);
	err = kx_tracedata_init(&p->td, endian, long_size, page_size, kx_kvmdecode_events);
	if (err)
		return kx_diag_set(diag, err, "out of memory");
	kx_tracedata_trust(&p->td, p->trusted_formats);
	p->have_td = true;
	err = kx_tracedata_header_info(&p->td, &c, diag);
	err = err ?: kx_tracedata_ftrace_formats(&p->td, &c, diag);
	err = err ?: kx_tracedata_event_formats(&p->td, &c, diag);
	err = err ?: kx_tracedata_kallsyms(&p->td, &c, diag);
	err = err ?: kx_tracedata_printk(&p->td, &c, diag);
	if (!err && (major > 0 || minor >= 6))
		err = kx_tracedata_cmdlines(&p->td, &c, diag);
	if (err)
		return err;
	p->info->unreadable = (const char *const *)p->td.unreadable;
	p->info->nr_unreadable = p->td.nr_unreadable;
	p->info->formats = &p->td.parsed;
	/* the walk decodes, next() names the reasons: ids in one order whatever the threads */
	err = kx_kvmdecode_new(p->td.tep, p->td.counted, p->td.nr_counted, NULL, &p->dec);
	err = err ?: kx_kvmdecode_new(p->td.tep, p->td.counted, p->td.nr_counted, p->names,
				      &p->name_dec);
	if (err)
		return kx_diag_set(diag, err, "out of memory");
	p->walk_dec = p->dec;
	return 0;
}

static const char *clock_name(uint32_t clockid, char *buf, size_t len)
{
	switch (clockid) {
	case 0:		return "realtime";
	case 1:		return "monotonic";
	case 4:		return "monotonic_raw";
	case 7:		return "boottime";
	case 11:	return "tai";
	default:
		snprintf(buf, len, "clockid %u", clockid);
		return buf;
	}
}

/* One feature section (file mode) or HEADER_FEATURE payload (pipe mode). */
static int handle_feature(struct perf_reader *p, unsigned bit, const unsigned char *buf,
			  size_t len, uint64_t off, struct kx_diag *diag)
{
	struct kx_cursor c;
	char name[24];
	uint32_t a, b;

	kx_cursor_init(&c, buf, len, false);
	switch (bit) {
	case FEAT_TRACING_DATA:
		return parse_tracing_data(p, buf, len, off, diag);
	case FEAT_NRCPUS:
		/* { u32 nr_cpus_available; u32 nr_cpus_online } */
		if (kx_cursor_u32(&c, &a) || kx_cursor_u32(&c, &b))
			return kx_diag_set(diag, -KX_ETRUNC, "truncated NRCPUS feature at offset 0x%llx",
					   (unsigned long long)off);
		if (a > p->info->nr_cpus)
			p->info->nr_cpus = a;
		p->nr_cpus_known = true;
		return 0;
	case FEAT_CLOCK_DATA:
		/* { u32 version; u32 clockid; u64 wall_ns; u64 clockid_ns } */
		if (kx_cursor_u32(&c, &a) || kx_cursor_u32(&c, &b))
			return kx_diag_set(diag, -KX_ETRUNC, "truncated CLOCK_DATA feature at offset 0x%llx",
					   (unsigned long long)off);
		snprintf(p->clock, sizeof(p->clock), "%s", clock_name(b, name, sizeof(name)));
		return 0;
	case FEAT_DIR_FORMAT:
		return kx_diag_set(diag, -KX_EVERSION,
				   "directory-format perf.data ('perf record --threads') is not supported");
	default:
		return 0;
	}
}

/* --- records ---------------------------------------------------------------- */

/* A failure @err of the orderer as a diagnostic. */
static int queue_failure(struct perf_reader *p, int err, struct kx_diag *diag)
{
	unsigned long long cap = (unsigned long long)p->sort_mem_cap;
	const char *unit = "bytes";

	if (err == -E2BIG) {
		if (cap >= 1 << 20 && !(cap & ((1 << 20) - 1))) {
			cap >>= 20;
			unit = "MiB";
		} else if (cap >= 1 << 10 && !(cap & ((1 << 10) - 1))) {
			cap >>= 10;
			unit = "KiB";
		}
		return kx_diag_set(diag, -KX_ESORTMEM,
				   "sorting the events %s needs more than %llu %s; raise the limit with --sort-mem",
				   kx_perf_order_rounds(p->order) ?
				   "between two FINISHED_ROUND markers" :
				   "before the first FINISHED_ROUND marker (or in a file without them)",
				   cap, unit);
	}
	return kx_diag_set(diag, err, "out of memory");
}

/* ---- the walk's batches ---- */

/* The batch being filled is full. Out of line: the walk's loop stays lean. */
static __attribute__((noinline, cold)) int grow_batch(struct batch *b)
{
	struct kx_event *ev = kx_grow(b->ev, &b->cap, sizeof(*ev), 64);

	if (!ev)
		return -ENOMEM;
	b->ev = ev;
	return 0;
}

/*
 * Room for the next event of the batch being filled; it counts once
 * walk_commit()ed. Inline: the walk asks for every sample.
 */
static inline __attribute__((always_inline)) struct kx_event *walk_slot(struct perf_reader *p)
{
	struct batch *b = p->fill;

	if (b->n == b->cap && grow_batch(b))
		return NULL;
	return &b->ev[b->n];
}

static void walk_commit(struct perf_reader *p)
{
	p->fill->n++;
}

static int push_event(struct perf_reader *p, const struct kx_event *ev, struct kx_diag *diag)
{
	struct kx_event *slot = walk_slot(p);

	if (!slot)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	*slot = *ev;
	walk_commit(p);
	return 0;
}

static void walk_saw(struct perf_reader *p, uint64_t ts)
{
	if (ts > p->fill->saw)
		p->fill->saw = ts;
}

static int walk_mark(struct perf_reader *p, enum mark_kind kind, struct kx_diag *diag)
{
	struct batch *b = p->fill;

	if (b->nmarks == b->cap_marks) {
		struct mark *marks = kx_grow(b->marks, &b->cap_marks, sizeof(*marks), 64);

		if (!marks)
			return kx_diag_set(diag, -ENOMEM, "out of memory");
		b->marks = marks;
	}
	b->marks[b->nmarks++] = (struct mark){ .at = b->n, .kind = kind, .saw = b->saw };
	b->saw = 0;
	return 0;
}

/* ---- time slices: what a slice checks as it walks ---------------------------- */

/*
 * perf.data is one stream of records, only roughly in time order: perf
 * copies each CPU's ring buffer once a round and writes FINISHED_ROUND
 * after it, so an event can come a round late. Slice k starts at P_k, the
 * record after a FINISHED_ROUND, reads on to two rounds past P_{k+1} and
 * delivers the events with T_k <= ts < T_{k+1}. It stands for its part of
 * the one pass only if what it read shows:
 *  - every record before P_{k+1} is older than T_{k+1} (with the slices
 *    before: every record before P_k older than T_k);
 *  - from two rounds past P_k on, none is older than T_k (those before
 *    that, the slice before read and delivered);
 *  - it met P_{k+1} exactly (a record starts there), two rounds in;
 *  - no event it delivers is below its orderer's release limit (which,
 *    with T_k - 1 standing for all before P_k, bounds the one pass's): so
 *    the one pass raises no timestamp and delivers every event in (ts,
 *    file order), as the slices do, each its time range;
 *  - every record has a time; no compressed records, no metadata past the
 *    first round (a later slice reads the prologue's first).
 * The losses perf counts at the end of the run make a marker in one pass
 * only if the file has no LOST record: the last slice decides on its own,
 * and joining the slices checks the others (perf_absorb()).
 * Its counters count the records before P_{k+1} only.
 */

static void slice_break(struct perf_reader *p, const char *why)
{
	if (p->sl.on && !p->sl.broken)
		p->sl.broken = why;
}

/*
 * A record's time (@has_time false: it has none) on the slice's rules:
 * before the cut, older than the cut's time; two rounds in, not older
 * than the start. Inline, on bounds kept by slice_bounds(): it runs for
 * every record.
 */
static inline void slice_saw(struct perf_reader *p, bool has_time, uint64_t ts)
{
	const struct perf_slice *s = &p->sl;

	if (!has_time)
		slice_break(p, "a record without a time");
	else if (ts >= s->saw_below)
		slice_break(p, "a record before the cut is not older than the cut's time");
	else if (ts < s->saw_from)
		slice_break(p, "a record two rounds into the slice is older than its start");
}

/* slice_saw()'s bounds, whenever the rounds seen or the cut passed change. */
static void slice_bounds(struct perf_slice *s)
{
	s->saw_below = s->past_cut ? UINT64_MAX : s->end_or_max;
	s->saw_from = s->marks >= 2 ? s->start : 0;
}

static void slice_round(struct perf_reader *p)
{
	struct perf_slice *s = &p->sl;

	if (s->prologue_end == UINT64_MAX)
		s->prologue_end = p->pos;
	s->marks++;
	if (s->past_cut)
		s->marks_past_cut++;
	slice_bounds(s);
}

/* HEADER_ATTR, ID_INDEX, HEADER_FEATURE: a later slice knows the prologue's only. */
static void slice_metadata(struct perf_reader *p)
{
	if (p->sl.on && p->pos >= p->sl.prologue_end)
		slice_break(p, "metadata records after the first round");
}

static struct walk_counts counts_now(const struct perf_reader *p)
{
	return (struct walk_counts){
		.records = p->info->records,
		.lost_events = p->info->lost.events,
		.lost_markers = p->info->lost.markers,
		.lost_records = p->lost_records,
		.unknown_id = p->unknown_id,
		.lost_samples_sum = p->lost_samples_sum,
		.lost_samples_records = p->lost_samples_records,
	};
}

static void counts_set(struct perf_reader *p, const struct walk_counts *c)
{
	p->info->records = c->records;
	p->info->lost.events = c->lost_events;
	p->info->lost.markers = c->lost_markers;
	p->lost_records = c->lost_records;
	p->unknown_id = c->unknown_id;
	p->lost_samples_sum = c->lost_samples_sum;
	p->lost_samples_records = c->lost_samples_records;
}

/*
 * At a record boundary: at the cut, keep the counters and decode on with
 * the other decoder. Return: true when the slice has read enough (two
 * rounds past the cut).
 */
static bool slice_at(struct perf_reader *p)
{
	struct perf_slice *s = &p->sl;

	if (s->cut_pos && !s->past_cut && p->pos >= s->cut_pos) {
		s->past_cut = true;
		slice_bounds(s);
		if (p->pos != s->cut_pos)
			slice_break(p, "the cut is not where a record starts");
		else if (s->marks < 2)
			slice_break(p, "fewer than two rounds in the slice");
		else
			s->met_cut = true;
		s->own = counts_now(p);
		if (s->past_dec)
			p->walk_dec = s->past_dec;
	}
	return s->past_cut && s->marks_past_cut >= 2;
}

/*
 * next(): does the slice deliver @e (its time in range)? One it does may
 * not be below @limit, the release limit of its orderer. One it does not
 * still counts for the orderer's view of time, as its push would.
 */
static inline bool slice_delivers(struct perf_reader *p, const struct kx_event *e,
				  uint64_t limit)
{
	if (e->ts < p->sl.start || e->ts >= p->sl.end_or_max) {
		kx_perf_order_saw(p->order, e->ts);
		return false;
	}
	if (e->ts < limit)
		slice_break(p, "an event below the release limit: one pass may have raised its time");
	return true;
}

/*
 * A SAMPLE record's body, once the attrs tell samples apart (handle_sample()).
 * Inline: walk_samples() runs it for nearly every record.
 */
static inline __attribute__((always_inline)) int sample_body(struct perf_reader *p,
							     const unsigned char *body,
							     uint32_t len, struct kx_diag *diag)
{
	const struct kx_perf_attr *attr;
	const struct id_info *idi;
	struct kx_perf_sample s = { 0 };
	struct kx_event *ev;
	int32_t cpu = -1;
	uint32_t ai;

	p->info->records++;
	if (!sample_attr(p, body, len, &idi, &ai)) {
		p->unknown_id++;
		return 0;
	}
	attr = &p->attrs[ai];
	if (parse_sample(p, ai, body, len, &s))
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "sample at offset 0x%llx is shorter than its sample_type layout",
				   (unsigned long long)p->pos);
	walk_saw(p, s.time);
	if (s.time > p->max_ts)
		p->max_ts = s.time;
	if (p->sl.on)
		slice_saw(p, attr->sample_type & KX_PERF_S_TIME, s.time);
	if (!p->dec || !s.raw || attr->type != KX_PERF_TYPE_TRACEPOINT)
		return 0;
	if (attr->sample_type & KX_PERF_S_CPU)
		cpu = (int32_t)s.cpu;
	else if (idi)
		cpu = idi->cpu;
	/* decoded in place in the batch: no copy; the decoder sets all a push reads */
	ev = walk_slot(p);
	if (!ev)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	if (kx_kvmdecode_record(p->walk_dec, s.raw, s.raw_size,
				(uint32_t)(body + len - (const unsigned char *)s.raw), ev) != 1)
		return 0;
	ev->ts = s.time;
	ev->buffer = 0;
	ev->cpu = cpu;
	if (!p->nr_cpus_known && cpu >= 0 && (unsigned)cpu >= p->info->nr_cpus)
		p->info->nr_cpus = (unsigned)cpu + 1;
	if (attr->sample_type & KX_PERF_S_TID) {
		ev->pid = (int32_t)s.pid;
		ev->tid = (int32_t)s.tid;
	}
	walk_commit(p);
	return 0;
}

static int handle_sample(struct perf_reader *p, const unsigned char *body, uint32_t len,
			 struct kx_diag *diag)
{
	if (!p->nr_attrs)
		return kx_diag_set(diag, -KX_ECORRUPT, "sample at offset 0x%llx before any event attribute",
				   (unsigned long long)p->pos);
	return check_id_layout(p, diag) ?: sample_body(p, body, len, diag);
}

/* The sample_id trailer of a non-SAMPLE record; false when the file has none. */
static bool record_trailer(struct perf_reader *p, const unsigned char *body, uint32_t len,
			   uint32_t fixed, struct kx_perf_sample_id *sid)
{
	const struct kx_perf_attr *attr = NULL;
	const struct id_info *idi;

	if (!p->nr_attrs || !p->attrs[0].sample_id_all || len < fixed)
		return false;
	idi = lookup_id(p, body + fixed, len - fixed, p->trailer_id_pos, true);
	if (idi)
		attr = &p->attrs[idi->attr];
	else if (p->nr_attrs == 1 || !p->id_pos_differs)
		attr = &p->attrs[0];
	if (!attr)
		return false;
	return !kx_perf_sample_id_parse(body + fixed, len - fixed, false, attr->sample_type, sid);
}

/* PERF_RECORD_LOST: { u64 id; u64 lost; sample_id } - a kernel ring buffer overflow. */
static int handle_lost(struct perf_reader *p, const unsigned char *body, uint32_t len,
		       struct kx_diag *diag)
{
	struct kx_perf_sample_id sid;
	struct kx_event ev = { .kind = KX_EV_LOST, .cpu = -1, .tid = -1, .pid = -1,
			       .vcpu = KX_VCPU_UNKNOWN };
	uint32_t idx;
	uint64_t id;

	if (len < 16)
		return kx_diag_set(diag, -KX_ECORRUPT, "short LOST record at offset 0x%llx",
				   (unsigned long long)p->pos);
	id = kx_load64(body, false);
	ev.u.lost = kx_load64(body + 8, false);
	ev.ts = p->max_ts;
	sid.has_time = false;
	if (record_trailer(p, body, len, 16, &sid)) {
		if (sid.has_time)
			ev.ts = sid.time;
		if (sid.has_cpu)
			ev.cpu = (int32_t)sid.cpu;
	}
	if (p->sl.on)
		slice_saw(p, sid.has_time, ev.ts);
	if (ev.cpu < 0 && kx_idmap_get(&p->id_map, id, &idx))
		ev.cpu = p->ids[idx].cpu;
	p->lost_records++;
	kx_lost_add(&p->info->lost, ev.u.lost);
	return push_event(p, &ev, diag);
}

/*
 * PERF_RECORD_LOST_SAMPLES: { u64 lost; sample_id }. perf writes one per
 * event and CPU at the end of the run from the read_format LOST counters,
 * with time 0: the same drops the LOST records already reported. They are
 * kept aside and used only when the file has no LOST record. One with a real
 * time comes from the kernel (drops outside the ring buffer) and is a marker.
 */
static int handle_lost_samples(struct perf_reader *p, const unsigned char *body, uint32_t len,
			       struct kx_diag *diag)
{
	struct kx_perf_sample_id sid;
	struct kx_event ev = { .kind = KX_EV_LOST, .cpu = -1, .tid = -1, .pid = -1,
			       .vcpu = KX_VCPU_UNKNOWN };

	if (len < 8)
		return kx_diag_set(diag, -KX_ECORRUPT, "short LOST_SAMPLES record at offset 0x%llx",
				   (unsigned long long)p->pos);
	ev.u.lost = kx_load64(body, false);
	if (!record_trailer(p, body, len, 8, &sid) || !sid.has_time || !sid.time) {
		p->lost_samples_sum += ev.u.lost;
		p->lost_samples_records++;
		return 0;
	}
	ev.ts = sid.time;
	if (p->sl.on)
		slice_saw(p, true, ev.ts);
	if (sid.has_cpu)
		ev.cpu = (int32_t)sid.cpu;
	kx_lost_add(&p->info->lost, ev.u.lost);
	return push_event(p, &ev, diag);
}

/* Thread @tid is called @name (@n bytes, < COMM_LEN). Return: 0 or -ENOMEM. */
static int set_comm(struct perf_reader *p, uint32_t tid, const char *name, size_t n)
{
	uint32_t idx;

	if (!kx_idmap_get(&p->comm_map, tid, &idx)) {
		if (p->nr_comms == p->comms_alloc) {
			char (*comms)[COMM_LEN] = kx_grow(p->comms, &p->comms_alloc, sizeof(*comms), 64);

			if (!comms)
				return -ENOMEM;
			p->comms = comms;
		}
		idx = (uint32_t)p->nr_comms;
		if (kx_idmap_put(&p->comm_map, tid, idx))
			return -ENOMEM;
		p->nr_comms++;
	}
	memcpy(p->comms[idx], name, n);
	p->comms[idx][n] = '\0';
	return 0;
}

/* PERF_RECORD_COMM: { u32 pid, tid; char comm[]; sample_id } */
static int handle_comm(struct perf_reader *p, const unsigned char *body, uint32_t len)
{
	if (len < 9 || p->sl.past_cut)
		return 0;	/* past the cut: the next slice's */
	return set_comm(p, kx_load32(body + 4, false), (const char *)body + 8,
			strnlen((const char *)body + 8, len - 8 < COMM_LEN ? len - 8 : COMM_LEN - 1));
}

/* HEADER_ATTR (pipe mode): { perf_event_attr; u64 ids[] } */
static int handle_header_attr(struct perf_reader *p, const unsigned char *body, uint32_t len,
			      struct kx_diag *diag)
{
	struct kx_perf_attr attr;
	struct kx_cursor c;
	uint32_t size;
	int err;

	if (len < 8)
		return kx_diag_set(diag, -KX_ECORRUPT, "short HEADER_ATTR record at offset 0x%llx",
				   (unsigned long long)p->pos);
	size = kx_load32(body + 4, false) ?: KX_PERF_ATTR_SIZE_VER0;
	kx_cursor_init(&c, body, len, false);
	if (size > len || kx_perf_attr_parse(&c, size, &attr))
		return kx_diag_set(diag, -KX_ECORRUPT, "bad HEADER_ATTR record at offset 0x%llx",
				   (unsigned long long)p->pos);
	err = add_attr(p, &attr, diag);
	while (!err && kx_cursor_left(&c) >= 8) {
		uint64_t id;

		kx_cursor_u64(&c, &id);
		err = add_id(p, id, (uint32_t)(p->nr_attrs - 1), -1, diag);
	}
	return err;
}

/* ID_INDEX: { u64 nr; { u64 id, idx, cpu, tid }[nr] } - gives each id its CPU. */
static int handle_id_index(struct perf_reader *p, const unsigned char *body, uint32_t len,
			   struct kx_diag *diag)
{
	struct kx_cursor c;
	uint64_t nr, i;
	int err = 0;

	kx_cursor_init(&c, body, len, false);
	if (kx_cursor_u64(&c, &nr) || nr > kx_cursor_left(&c) / 32)
		return kx_diag_set(diag, -KX_ECORRUPT, "bad ID_INDEX record at offset 0x%llx",
				   (unsigned long long)p->pos);
	for (i = 0; i < nr && !err; i++) {
		uint64_t id, idx, cpu, tid;

		kx_cursor_u64(&c, &id);
		kx_cursor_u64(&c, &idx);
		kx_cursor_u64(&c, &cpu);
		kx_cursor_u64(&c, &tid);
		if (idx < p->nr_attrs)
			err = add_id(p, id, (uint32_t)idx, cpu > INT32_MAX ? -1 : (int32_t)cpu,
				     diag);
	}
	return err;
}

static int handle_record(struct perf_reader *p, uint32_t type, const unsigned char *body,
			 uint32_t len, struct kx_diag *diag);

/*
 * PERF_RECORD_COMPRESSED: { zstd data }, COMPRESSED2: { u64 data_size; zstd
 * data; padding }. The decompressed bytes are ordinary records, possibly cut
 * at the payload's end and continued in the next one.
 */
static int handle_compressed(struct perf_reader *p, uint32_t type, const unsigned char *body,
			     uint32_t len, struct kx_diag *diag)
{
	struct kx_diag zdiag = { "" };
	const unsigned char *rec;
	uint64_t data_len = len;
	uint16_t size;
	int ret, err;

	if (type == KX_PERF_COMPRESSED2) {
		if (len < 8 || (data_len = kx_load64(body, false)) > len - 8)
			return kx_diag_set(diag, -KX_ECORRUPT, "bad COMPRESSED2 record at offset 0x%llx",
					   (unsigned long long)p->pos);
		body += 8;
	}
	if (p->sl.on)
		slice_break(p, "compressed records");
	if (!p->zin) {
		err = kx_perf_inflate_new(MAX_INFLATE, &p->zin, diag);
		if (err)
			return err;
	}
	err = kx_perf_inflate_feed(p->zin, body, (size_t)data_len, &zdiag);
	if (err)
		return kx_diag_set(diag, err, "%s (record at offset 0x%llx)", zdiag.msg,
				   (unsigned long long)p->pos);
	while ((ret = kx_perf_inflate_next(p->zin, &rec, &size)) == 1) {
		type = kx_load32(rec, false);
		if (type == KX_PERF_COMPRESSED || type == KX_PERF_COMPRESSED2 ||
		    type == KX_PERF_HEADER_TRACING_DATA)
			return kx_diag_set(diag, -KX_ECORRUPT,
					   "record type %u inside the compressed record at offset 0x%llx",
					   type, (unsigned long long)p->pos);
		err = handle_record(p, type, rec + REC_HEADER_SIZE, size - REC_HEADER_SIZE, diag);
		if (err)
			return err;
	}
	if (ret < 0)
		return kx_diag_set(diag, -KX_ECORRUPT,
				   "record of size < 8 inside the compressed record at offset 0x%llx",
				   (unsigned long long)p->pos);
	return 0;
}

static int handle_record(struct perf_reader *p, uint32_t type, const unsigned char *body,
			 uint32_t len, struct kx_diag *diag)
{
	switch (type) {
	case KX_PERF_SAMPLE:
		return handle_sample(p, body, len, diag);
	case KX_PERF_LOST:
		return handle_lost(p, body, len, diag);
	case KX_PERF_LOST_SAMPLES:
		return handle_lost_samples(p, body, len, diag);
	case KX_PERF_COMM:
		return handle_comm(p, body, len) ? kx_diag_set(diag, -ENOMEM, "out of memory") : 0;
	case KX_PERF_FINISHED_ROUND:
		if (p->sl.on)
			slice_round(p);
		return walk_mark(p, MARK_ROUND, diag);
	case KX_PERF_HEADER_ATTR:
		slice_metadata(p);
		return handle_header_attr(p, body, len, diag);
	case KX_PERF_ID_INDEX:
		slice_metadata(p);
		return handle_id_index(p, body, len, diag);
	case KX_PERF_HEADER_FEATURE:
		slice_metadata(p);
		if (len < 8)
			return kx_diag_set(diag, -KX_ECORRUPT, "short HEADER_FEATURE record at offset 0x%llx",
					   (unsigned long long)p->pos);
		if (kx_load64(body, false) >= NR_FEATURE_BITS)
			return 0;
		return handle_feature(p, (unsigned)kx_load64(body, false), body + 8, len - 8,
				      p->pos + REC_HEADER_SIZE + 8, diag);
	case KX_PERF_COMPRESSED:
	case KX_PERF_COMPRESSED2:
		return handle_compressed(p, type, body, len, diag);
	default:
		return 0;	/* MMAP, FORK, EXIT, EVENT_UPDATE, ...: not needed */
	}
}

/* The end of the input: release the end-of-run loss counters if nothing else reported losses. */
static int finish_input(struct perf_reader *p, struct kx_diag *diag)
{
	int err = 0;

	if (p->zin && kx_perf_inflate_pending(p->zin))
		return kx_diag_set(diag, -KX_ETRUNC,
				   "the compressed records end inside a record (%zu bytes left over)",
				   kx_perf_inflate_pending(p->zin));

	/* in slices, the last one: perf_absorb() checks the others had no losses */
	if (p->lost_samples_sum && !p->lost_records && !(p->sl.on && p->sl.cut_pos)) {
		struct kx_event ev = { .kind = KX_EV_LOST, .ts = p->max_ts, .cpu = -1, .tid = -1,
				       .pid = -1, .vcpu = KX_VCPU_UNKNOWN,
				       .u.lost = p->lost_samples_sum };

		kx_lost_add(&p->info->lost, ev.u.lost);
		p->info->lost_untimed = ev.u.lost;
		p->sl.end_marker = true;
		if (p->sl.on && ev.ts < p->sl.start)
			slice_break(p, "end-of-run losses older than the last slice");
		err = push_event(p, &ev, diag);
	}
	err = err ?: walk_mark(p, MARK_FINISH, diag);
	p->done = true;
	if (p->sl.past_cut)
		counts_set(p, &p->sl.own);
	return err;
}

/*
 * Give back the mapping's whole pages in [@from, @to). The mapping is
 * read-only and private, so a dropped page would simply be read again from
 * the file. Return: where the pages given back end.
 */
static uint64_t give_back(struct perf_reader *p, uint64_t from, uint64_t to)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	from = (from + page - 1) & ~(page - 1);
	to &= ~(page - 1);
	if (to > from)
		madvise((void *)(p->f->map + from), (size_t)(to - from), MADV_DONTNEED);
	return to;
}

/* Where the next give-back of pages is due: slices give back more often, many read at once. */
static uint64_t release_due(const struct perf_reader *p)
{
	return p->released + (p->sl.on ? SLICE_RELEASE_STEP : RELEASE_STEP);
}

/*
 * The data section is read once, front to back, and nothing keeps pointers
 * into it: give the pages behind the reading position back, so the resident
 * size stays flat on large files.
 */
static void release_behind(struct perf_reader *p)
{
	p->released = give_back(p, p->released, p->pos);
}

/* Read and handle one record from the mapping. */
static int step_file(struct perf_reader *p, struct kx_diag *diag)
{
	const unsigned char *rec = p->f->map + p->pos;
	uint64_t left = p->data_end - p->pos;
	uint32_t type;
	uint16_t size;
	int err;

	if (p->pos >= release_due(p))
		release_behind(p);
	if (!left || (p->sl.on && slice_at(p)))
		return finish_input(p, diag);
	if (left < REC_HEADER_SIZE)
		return kx_diag_set(diag, -KX_ETRUNC, "truncated record header at offset 0x%llx",
				   (unsigned long long)p->pos);
	type = kx_load32(rec, false);
	size = kx_load16(rec + 6, false);
	if (size < REC_HEADER_SIZE)
		return kx_diag_set(diag, -KX_ECORRUPT, "record of size %u at offset 0x%llx",
				   size, (unsigned long long)p->pos);
	if (size > left)
		return kx_diag_set(diag, -KX_ETRUNC,
				   "record at offset 0x%llx (size %u) runs past the end of the data",
				   (unsigned long long)p->pos, size);
	if (type == KX_PERF_HEADER_TRACING_DATA) {
		uint32_t tsize = size >= 12 ? kx_load32(rec + 8, false) : 0;

		slice_metadata(p);
		if (tsize > left - size)
			return kx_diag_set(diag, -KX_ETRUNC,
					   "tracing data at offset 0x%llx runs past the end of the data",
					   (unsigned long long)p->pos);
		err = parse_tracing_data(p, rec + size, tsize, p->pos + size, diag);
		p->pos += size + tsize;
		return err;
	}
	err = handle_record(p, type, rec + REC_HEADER_SIZE, size - REC_HEADER_SIZE, diag);
	p->pos += size;
	return err;
}

static int read_error(struct perf_reader *p, int64_t err, struct kx_diag *diag)
{
	return kx_diag_set(diag, (int)err, "read error at offset 0x%llx: %s",
			   (unsigned long long)p->pos, strerror((int)-err));
}

/*
 * A read of the stream that the walking thread may be cancelled in: on a
 * live pipe it can wait for the writer indefinitely, and next()'s caller
 * must not wait with it when it stops early (an error, --sort-mem). The
 * walking thread is cancellable nowhere else; other threads are as usual.
 */
static int64_t cancellable_read(struct kx_file *f, void *buf, size_t len)
{
	int64_t got;
	int old;

	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	got = kx_file_read(f, buf, len);
	pthread_setcancelstate(old, NULL);
	return got;
}

/*
 * Make @n (<= PIPE_BUF_SIZE) bytes of the stream available at p->buf +
 * p->buf_start, refilling the buffer with large reads.
 * Return: the bytes available (< @n only at end of input), or -errno.
 */
static int64_t pipe_want(struct perf_reader *p, size_t n)
{
	size_t have = p->buf_end - p->buf_start;
	int64_t got;

	if (have < n && !p->buf_eof) {
		memmove(p->buf, p->buf + p->buf_start, have);
		p->buf_start = 0;
		p->buf_end = have;
		got = cancellable_read(p->f, p->buf + have, PIPE_BUF_SIZE - have);
		if (got < 0)
			return got;
		if ((size_t)got < PIPE_BUF_SIZE - have)
			p->buf_eof = true;	/* kx_file_read is short only at the end */
		p->buf_end += (size_t)got;
		have = p->buf_end;
	}
	return have < n ? (int64_t)have : (int64_t)n;
}

/* HEADER_TRACING_DATA in a stream: @tsize bytes follow the record, beyond header.size. */
static int pipe_tracing_data(struct perf_reader *p, uint32_t tsize, struct kx_diag *diag)
{
	size_t from_buf = p->buf_end - p->buf_start;
	unsigned char *tdata;
	int64_t got = 0;
	int err;

	if (tsize > MAX_TRACING_DATA)
		return kx_diag_set(diag, -KX_ECORRUPT, "tracing data of %u bytes at offset 0x%llx",
				   tsize, (unsigned long long)p->pos);
	tdata = malloc(tsize ? tsize : 1);
	if (!tdata)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	if (from_buf > tsize)
		from_buf = tsize;
	memcpy(tdata, p->buf + p->buf_start, from_buf);
	p->buf_start += from_buf;
	if (from_buf < tsize && !p->buf_eof)
		got = kx_file_read(p->f, tdata + from_buf, tsize - from_buf);
	if (got < 0)
		err = read_error(p, got, diag);
	else if (from_buf + (size_t)got < tsize)
		err = kx_diag_set(diag, -KX_ETRUNC, "truncated tracing data at offset 0x%llx",
				  (unsigned long long)p->pos);
	else
		err = parse_tracing_data(p, tdata, tsize, p->pos, diag);
	free(tdata);
	p->pos += tsize;
	return err;
}

/* Read and handle one record of the stream. */
static int step_pipe(struct perf_reader *p, struct kx_diag *diag)
{
	const unsigned char *rec;
	uint32_t type;
	uint16_t size;
	int64_t n;
	int err;

	n = pipe_want(p, REC_HEADER_SIZE);
	if (n == 0)
		return finish_input(p, diag);
	if (n < 0)
		return read_error(p, n, diag);
	if (n < REC_HEADER_SIZE)
		return kx_diag_set(diag, -KX_ETRUNC, "truncated record header at offset 0x%llx",
				   (unsigned long long)p->pos);
	rec = p->buf + p->buf_start;
	type = kx_load32(rec, false);
	size = kx_load16(rec + 6, false);
	if (size < REC_HEADER_SIZE)
		return kx_diag_set(diag, -KX_ECORRUPT, "record of size %u at offset 0x%llx",
				   size, (unsigned long long)p->pos);
	n = pipe_want(p, size);
	if (n < 0)
		return read_error(p, n, diag);
	if (n < size)
		return kx_diag_set(diag, -KX_ETRUNC, "truncated record at offset 0x%llx",
				   (unsigned long long)p->pos);
	rec = p->buf + p->buf_start;
	p->buf_start += size;
	if (type == KX_PERF_HEADER_TRACING_DATA) {
		if (size < 12)
			return kx_diag_set(diag, -KX_ECORRUPT,
					   "short HEADER_TRACING_DATA at offset 0x%llx",
					   (unsigned long long)p->pos);
		p->pos += size;
		return pipe_tracing_data(p, kx_load32(rec + REC_HEADER_SIZE, false), diag);
	}
	err = handle_record(p, type, rec + REC_HEADER_SIZE, size - REC_HEADER_SIZE, diag);
	p->pos += size;
	return err;
}

static int step(struct perf_reader *p, struct kx_diag *diag)
{
	return p->pipe ? step_pipe(p, diag) : step_file(p, diag);
}

/* --- file mode header ------------------------------------------------------- */

struct section {
	uint64_t off, size;
};

static int read_section(struct kx_cursor *c, uint64_t file_size, const char *what,
			struct section *s, struct kx_diag *diag)
{
	if (kx_cursor_u64(c, &s->off) || kx_cursor_u64(c, &s->size))
		return kx_diag_set(diag, -KX_ETRUNC, "truncated %s section table", what);
	if (s->off > file_size || s->size > file_size - s->off)
		return kx_diag_set(diag, -KX_ETRUNC,
				   "%s section (offset 0x%llx, %llu bytes) runs past the end of the file (%llu bytes)",
				   what, (unsigned long long)s->off, (unsigned long long)s->size,
				   (unsigned long long)file_size);
	return 0;
}

static int read_attrs(struct perf_reader *p, const struct section *attrs, uint64_t attr_size,
		      struct kx_diag *diag)
{
	struct kx_cursor c;
	uint64_t i, n = attrs->size / attr_size;
	int err;

	if (attrs->size % attr_size)
		return kx_diag_set(diag, -KX_ECORRUPT, "attrs section of %llu bytes is not a multiple of %llu",
				   (unsigned long long)attrs->size, (unsigned long long)attr_size);
	kx_cursor_init(&c, p->f->map, p->f->size, false);
	kx_cursor_seek(&c, attrs->off);
	for (i = 0; i < n; i++) {
		struct kx_perf_attr attr;
		struct section ids;
		struct kx_cursor ic;
		uint64_t id;

		if (kx_perf_attr_parse(&c, (uint32_t)(attr_size - 16), &attr))
			return kx_diag_set(diag, -KX_ECORRUPT, "bad event attribute %llu at offset 0x%llx",
					   (unsigned long long)i,
					   (unsigned long long)(attrs->off + i * attr_size));
		err = add_attr(p, &attr, diag);
		err = err ?: read_section(&c, p->f->size, "attr ids", &ids, diag);
		if (err)
			return err;
		kx_cursor_init(&ic, p->f->map + ids.off, ids.size, false);
		while (!err && kx_cursor_u64(&ic, &id) == 0)
			err = add_id(p, id, (uint32_t)i, -1, diag);
		if (err)
			return err;
	}
	return check_id_layout(p, diag);
}

static int read_features(struct perf_reader *p, const unsigned char *bitmap, uint64_t table,
			 struct kx_diag *diag)
{
	struct kx_cursor c;
	unsigned bit;
	int err;

	kx_cursor_init(&c, p->f->map, p->f->size, false);
	kx_cursor_seek(&c, table);
	for (bit = 0; bit < NR_FEATURE_BITS; bit++) {
		struct section s;
		char what[32];

		if (!(bitmap[bit / 8] & (1u << (bit % 8))))
			continue;
		snprintf(what, sizeof(what), "feature %u", bit);
		err = read_section(&c, p->f->size, what, &s, diag);
		err = err ?: handle_feature(p, bit, p->f->map + s.off, s.size, s.off, diag);
		if (err)
			return err;
	}
	return 0;
}

static int open_file_mode(struct perf_reader *p, struct kx_diag *diag)
{
	struct section attrs, data, event_types;
	const unsigned char *bitmap;
	uint64_t magic, hsize, attr_size;
	struct kx_cursor c;
	int err;

	err = kx_file_map(p->f, diag);
	if (err)
		return err;
	kx_cursor_init(&c, p->f->map, p->f->size, false);
	if (kx_cursor_u64(&c, &magic) || kx_cursor_u64(&c, &hsize) ||
	    kx_cursor_u64(&c, &attr_size) || p->f->size < FILE_HEADER_SIZE)
		return kx_diag_set(diag, -KX_ETRUNC, "truncated perf.data header (%llu bytes)",
				   (unsigned long long)p->f->size);
	if (attr_size < 16 + KX_PERF_ATTR_SIZE_VER0 || attr_size > MAX_ATTR_SIZE)
		return kx_diag_set(diag, -KX_ECORRUPT, "implausible attr_size %llu",
				   (unsigned long long)attr_size);
	err = read_section(&c, p->f->size, "attrs", &attrs, diag);
	err = err ?: read_section(&c, p->f->size, "data", &data, diag);
	err = err ?: read_section(&c, p->f->size, "event_types", &event_types, diag);
	if (err)
		return err;
	if (!data.size)
		return kx_diag_set(diag, -KX_ETRUNC,
				   "data section size is 0: the recording was not finished (perf record killed?)");
	err = read_attrs(p, &attrs, attr_size, diag);
	if (err)
		return err;
	bitmap = p->f->map + HEADER_FLAGS_OFF;
	err = read_features(p, bitmap, data.off + data.size, diag);
	if (err)
		return err;
	p->pos = p->data_off = data.off;
	p->data_end = data.off + data.size;
	return 0;
}

/* --- reader callbacks ------------------------------------------------------- */

/*
 * The per-file figures of info (event counts, note): final only at the end
 * (kx_source.h), so computed at open and once the input ended, not per event.
 */
static void sync_info(struct perf_reader *p)
{
	uint64_t late = kx_perf_order_late(p->order);
	size_t nr = 0;

	if (p->dec) {
		p->info->event_counts = kx_kvmdecode_event_counts(p->dec, &nr);
		p->info->nr_event_counts = nr;
	}
	if (!p->done)
		return;
	p->note[0] = '\0';
	if (late)
		snprintf(p->note, sizeof(p->note),
			 "%llu events arrived after a younger event had been delivered; their timestamps "
			 "were raised to keep the order. ", (unsigned long long)late);
	if (!kx_perf_order_rounds(p->order) && kx_perf_order_peak(p->order) > 1)
		snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note),
			 "no FINISHED_ROUND markers: all %llu events were held and sorted in memory. ",
			 (unsigned long long)kx_perf_order_peak(p->order));
	if (p->dec && kx_kvmdecode_short(p->dec))
		snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note),
			 "%llu kvm records were shorter than their format and were skipped. ",
			 (unsigned long long)kx_kvmdecode_short(p->dec));
	if (p->unknown_id)
		snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note),
			 "%llu samples belong to no known event and were skipped. ",
			 (unsigned long long)p->unknown_id);
	if (p->lost_samples_sum && p->lost_records)
		snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note),
			 "perf's per-event lost counters (%llu LOST_SAMPLES records) total %llu, "
			 "counted as the same drops as the %llu LOST records (%llu events).",
			 (unsigned long long)p->lost_samples_records,
			 (unsigned long long)p->lost_samples_sum,
			 (unsigned long long)p->lost_records,
			 (unsigned long long)p->info->lost.events);
	p->info->note = p->note[0] ? p->note : NULL;
}

/* ---- time slices: where to cut, opening a slice, joining ------------------- */

#define RESYNC_RECORDS		64		/* plausible records in a row to trust a resync */
#define RESYNC_SPAN		(4u << 20)	/* how far a resync looks */
#define SPLIT_MIN_BYTES		(256u << 10)	/* data a slice, at least (trace.dat: 64 pages) */
#define PERF_SLICES_BUDGET	(40u << 20)	/* the slices' memory, next to one pass's */
#define PERF_SLICE_READER	(1u << 20)	/* a slice's reader: decoders, batches, formats */

static bool known_record_type(uint32_t type)
{
	return (type >= 1 && type <= 21) || (type >= KX_PERF_HEADER_ATTR && type <= 83);
}

/*
 * The SAMPLE body @body of @len bytes in *@s, false if it does not read as
 * a timed sample of this file (unknown id, size not its layout's).
 */
static bool sample_of(struct perf_reader *p, const unsigned char *body, uint32_t len,
		      struct kx_perf_sample *s)
{
	const struct kx_perf_layout *l;
	const struct id_info *idi;
	uint32_t ai;

	if (!sample_attr(p, body, len, &idi, &ai) ||
	    !(p->attrs[ai].sample_type & KX_PERF_S_TIME) || parse_sample(p, ai, body, len, s))
		return false;
	/* a fixed layout ends with its RAW data: the record holds nothing else */
	l = &p->layouts[ai];
	return !l->fixed || l->raw == KX_PERF_NO_FIELD || l->min_len + s->raw_size == len;
}

/*
 * The header of the record at @at of the mapped data section in *@type and
 * *@size. Return: false if the record does not fit before the data's end.
 */
static bool record_at(const struct perf_reader *p, uint64_t at, uint32_t *type, uint16_t *size)
{
	const unsigned char *rec = p->f->map + at;

	if (p->data_end - at < REC_HEADER_SIZE)
		return false;
	*type = kx_load32(rec, false);
	*size = kx_load16(rec + 6, false);
	return *size >= REC_HEADER_SIZE && *size <= p->data_end - at;
}

/* Do RESYNC_RECORDS plausible records (or all up to the data's end) start at @at? */
static bool records_start_at(struct perf_reader *p, uint64_t at)
{
	for (unsigned i = 0; i < RESYNC_RECORDS; i++) {
		struct kx_perf_sample s;
		uint32_t type;
		uint16_t size;

		if (at == p->data_end)
			return i > 0;
		if (!record_at(p, at, &type, &size) || !known_record_type(type) || size % 8 ||
		    (type == KX_PERF_FINISHED_ROUND && size != REC_HEADER_SIZE) ||
		    (type == KX_PERF_SAMPLE && !sample_of(p, p->f->map + at + REC_HEADER_SIZE,
							  size - REC_HEADER_SIZE, &s)))
			return false;
		at += size;
	}
	return true;
}

/* Add the thread of @s to @tids if it is a kvm_exit or kvm_entry. Return: 0 or -ENOMEM. */
static int sample_census(struct perf_reader *p, const struct kx_perf_sample *s,
			 const unsigned char *end, struct kx_idmap *tids)
{
	struct kx_event ev;

	if (!s->raw || !p->dec ||
	    !kx_kvmdecode_record(p->dec, s->raw, s->raw_size, (uint32_t)(end - s->raw), &ev) ||
	    (ev.kind != KX_EV_EXIT && ev.kind != KX_EV_ENTRY))
		return 0;
	return kx_idmap_put(tids, s->tid, 0);
}

/*
 * A cut near @from: resync to the records, then read two rounds; the cut
 * is the record after the second FINISHED_ROUND, its time one past the
 * newest record read. *@round_bytes: the longest round read; @tids: the
 * vCPU threads met. Return: 1 and *@cut, 0 if there is none, -ENOMEM.
 */
static int find_cut(struct perf_reader *p, uint64_t from, struct kx_cut *cut,
		    uint64_t *round_bytes, struct kx_idmap *tids)
{
	uint64_t at = from, newest = 0, round_at = 0;
	unsigned rounds = 0;

	while (!records_start_at(p, at)) {
		at += 8;
		if (at - from > RESYNC_SPAN || at >= p->data_end)
			return 0;
	}
	for (;;) {
		const unsigned char *rec = p->f->map + at;
		struct kx_perf_sample_id sid;
		struct kx_perf_sample s;
		uint32_t type;
		uint16_t size;

		if (!record_at(p, at, &type, &size))
			return 0;
		if (type == KX_PERF_SAMPLE &&
		    sample_of(p, rec + REC_HEADER_SIZE, size - REC_HEADER_SIZE, &s)) {
			if (s.time > newest)
				newest = s.time;
			if (sample_census(p, &s, rec + size, tids))
				return -ENOMEM;
		}
		if (type == KX_PERF_LOST &&
		    record_trailer(p, rec + REC_HEADER_SIZE, size - REC_HEADER_SIZE, 16, &sid) &&
		    sid.has_time && sid.time > newest)
			newest = sid.time;
		at += size;
		if (type != KX_PERF_FINISHED_ROUND)
			continue;
		if (rounds++ && at - round_at > *round_bytes)
			*round_bytes = at - round_at;
		round_at = at;
		if (rounds == 2) {
			*cut = (struct kx_cut){ newest + 1, at };
			return newest != UINT64_MAX;
		}
	}
}

/*
 * Keep @k of the @nc cuts (increasing), those nearest to cutting the data
 * into k + 1 equal shares. Return: how many were kept.
 */
static unsigned fewer_cuts(const struct perf_reader *p, struct kx_cut *cuts, unsigned nc,
			   unsigned k)
{
	uint64_t len = p->data_end - p->data_off;
	unsigned kept = 0, next = 0;

	for (unsigned j = 1; j <= k && next < nc; j++) {
		uint64_t target = p->data_off + len * j / (k + 1);
		unsigned best = next;

		/* the first of the remaining cuts at or past the target, or the one before it */
		while (best + 1 < nc && cuts[best].pos < target)
			best++;
		if (best > next && cuts[best].pos >= target &&
		    target - cuts[best - 1].pos < cuts[best].pos - target)
			best--;
		cuts[kept++] = cuts[best];
		next = best + 1;
	}
	return kept;
}

/*
 * Cut the data section at about equal offsets, as many slices as the
 * memory budget holds: each slice's reader, its analysis (with
 * @thread_bytes for each vCPU thread met near the cuts), and its orderer
 * holding about two rounds of events.
 */
static unsigned perf_split(void *priv, unsigned n, uint64_t analysis_bytes,
			   uint64_t thread_bytes, struct kx_cut *cuts)
{
	struct perf_reader *p = priv;
	uint64_t len = p->data_end - p->data_off, round_bytes = 0, fit;
	struct kx_idmap tids = { 0 };
	unsigned nc = 0;

	if (p->pipe || !p->dec || n < 2)
		return 0;
	if (len / SPLIT_MIN_BYTES < n)
		n = (unsigned)(len / SPLIT_MIN_BYTES);
	for (unsigned i = 1; i < n; i++) {
		struct kx_cut c;
		uint64_t from = p->data_off + ((len * i / n) & ~7ull);
		int got;

		if (nc && from < cuts[nc - 1].pos)
			continue;	/* rounds longer than a share: it would find the same cut */
		got = find_cut(p, from, &c, &round_bytes, &tids);
		give_back(p, from, got > 0 ? c.pos : p->data_end);	/* read once */
		if (got < 0) {
			kx_idmap_fini(&tids);
			return 0;
		}
		if (!got || (nc && (c.pos <= cuts[nc - 1].pos || c.ts <= cuts[nc - 1].ts)))
			continue;
		cuts[nc++] = c;
	}
	fit = PERF_SLICES_BUDGET / (PERF_SLICE_READER + SLICE_RELEASE_STEP + analysis_bytes +
				    thread_bytes * tids.nr + 2 * round_bytes);
	kx_idmap_fini(&tids);
	return nc + 1 > fit ? fewer_cuts(p, cuts, nc, fit ? (unsigned)fit - 1 : 0) : nc;
}

/* The metadata of the data section's prologue (up to the first round), for a later slice. */
static int read_prologue(struct perf_reader *p, struct kx_diag *diag)
{
	uint32_t type;
	uint16_t size;

	while (record_at(p, p->pos, &type, &size)) {
		int err;

		if (type == KX_PERF_FINISHED_ROUND) {
			p->sl.prologue_end = p->pos;
			return 0;
		}
		if (type == KX_PERF_ID_INDEX) {
			err = handle_id_index(p, p->f->map + p->pos + REC_HEADER_SIZE,
					      size - REC_HEADER_SIZE, diag);
			if (err)
				return err;
		}
		p->pos += size;
	}
	slice_break(p, "no round ends in the data");
	return 0;
}

/* Open as a time slice (kx_source_opts.slice_*): start at its first record. */
static int slice_open(struct perf_reader *p, const struct kx_source_opts *opts,
		      struct kx_diag *diag)
{
	struct perf_slice *s = &p->sl;
	int err;

	s->on = true;
	s->start = opts->slice_start;
	s->end = opts->slice_end;
	s->end_or_max = s->end ? s->end : UINT64_MAX;
	slice_bounds(s);
	s->first_pos = opts->slice_start_pos ? opts->slice_start_pos : p->data_off;
	s->cut_pos = opts->slice_end_pos;
	s->prologue_end = UINT64_MAX;
	if (p->dec && kx_kvmdecode_new(p->td.tep, p->td.counted, p->td.nr_counted, NULL,
				       &s->past_dec))
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	if (s->first_pos == p->data_off)
		return 0;
	if (s->first_pos < p->data_off || s->first_pos >= p->data_end ||
	    (s->first_pos - p->data_off) % 8) {
		slice_break(p, "the start is not in the data");
		return 0;	/* read from the data's start: it never joins */
	}
	err = read_prologue(p, diag);
	p->pos = s->first_pos;
	p->released = p->pos;
	return err;
}

/* Does slice @priv, read to its end, stand with @next_priv for one pass over both? */
static bool perf_joins(const void *priv, const void *next_priv)
{
	const struct perf_reader *a = priv, *b = next_priv;

	return a->sl.on && b->sl.on && !a->sl.broken && !b->sl.broken && a->sl.met_cut &&
	       a->done && b->done && b->sl.first_pos == a->sl.cut_pos && b->sl.start == a->sl.end;
}

/*
 * Add the counters and names of @other_priv (the next slice, read to its
 * end) to ours, which hold every slice before it. Return: 0, -ENOMEM, or
 * KX_SOURCE_APART when it is the last and made the end-of-run loss marker
 * otherwise than one pass would (from every slice's losses).
 */
static int perf_absorb(void *priv, const void *other_priv)
{
	struct perf_reader *p = priv;
	const struct perf_reader *o = other_priv;
	const struct kx_idmap *m = &o->comm_map;

	if (!o->sl.cut_pos) {
		bool marker = p->lost_samples_sum + o->lost_samples_sum &&
			      !(p->lost_records + o->lost_records);

		if (marker != o->sl.end_marker || (marker && p->lost_samples_sum))
			return KX_SOURCE_APART;
	}

	if (p->dec && o->dec)
		kx_kvmdecode_add_counts(p->dec, o->dec);
	p->lost_records += o->lost_records;
	p->unknown_id += o->unknown_id;
	p->lost_samples_sum += o->lost_samples_sum;
	p->lost_samples_records += o->lost_samples_records;
	if (o->info->nr_cpus > p->info->nr_cpus)
		p->info->nr_cpus = o->info->nr_cpus;
	sync_info(p);
	/* the later slice's names are the later records' */
	for (size_t i = 0; i < m->alloc; i++)
		if (m->used[i] && set_comm(p, (uint32_t)m->keys[i], o->comms[m->vals[i]],
					   strlen(o->comms[m->vals[i]])))
			return -ENOMEM;
	return 0;
}

/* ---- batches: walked here, or by the walking thread ---- */

static void batch_reset(struct batch *b)
{
	b->n = b->nmarks = 0;
	b->idx = b->mark_idx = 0;
	b->saw = 0;
	b->status = 0;
}

/*
 * Handle the SAMPLE records from the mapping's reading position on, up to
 * the next give-back of pages, the end of the data or a full batch,
 * without step()'s checks per record: most of a perf.data file is samples.
 * Any other record, one that runs past that end and a bad header are left
 * to step(). A slice's cut follows a FINISHED_ROUND (find_cut()), so the
 * walk meets it here, on entry.
 */
static int walk_samples(struct perf_reader *p, struct batch *b, struct kx_diag *diag)
{
	uint64_t end = release_due(p);

	if (!p->nr_attrs || ids_ambiguous(p))
		return 0;	/* handle_sample() says why */
	if (p->sl.on && slice_at(p))
		return 0;	/* the slice has read enough: step() ends it */
	if (end > p->data_end)
		end = p->data_end;
	while (p->pos + REC_HEADER_SIZE <= end && b->n < BATCH_EVENTS) {
		const unsigned char *rec = p->f->map + p->pos;
		uint16_t size = kx_load16(rec + 6, false);
		int err;

		kx_read_ahead(rec);
		if (kx_load32(rec, false) != KX_PERF_SAMPLE || size < REC_HEADER_SIZE ||
		    size > end - p->pos)
			break;
		err = sample_body(p, rec + REC_HEADER_SIZE, size - REC_HEADER_SIZE, diag);
		if (err)
			return err;
		p->pos += size;
	}
	return 0;
}

/* Walk records into @b (possibly partly filled) until it is full or the input ends or fails. */
static void walk_batch(struct perf_reader *p, struct batch *b)
{
	p->fill = b;
	while (!b->status && b->n < BATCH_EVENTS && b->nmarks < BATCH_MARKS &&
	       !__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
		int err = p->pipe ? 0 : walk_samples(p, b, &b->diag);

		if (!err && b->n < BATCH_EVENTS)
			err = step(p, &b->diag);
		if (err)
			b->status = err;
		else if (p->done)
			b->status = 1;
	}
}

static void *walk_thread(void *arg)
{
	struct perf_reader *p = arg;
	uint32_t i = 0;	/* batch 0 may hold what open walked */

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (;;) {
		struct batch *b = &p->batches[i];
		bool stop;

		walk_batch(p, b);
		pthread_mutex_lock(&p->lock);
		p->filled++;
		pthread_cond_signal(&p->handed);
		while (!b->status && p->filled == NR_BATCHES && !p->stop)
			pthread_cond_wait(&p->freed, &p->lock);
		stop = b->status || p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			return NULL;
		i = (i + 1) % NR_BATCHES;
		batch_reset(&p->batches[i]);
	}
}

/* The next batch to read: handed over by the walking thread, or walked here. */
static struct batch *take_batch(struct perf_reader *p)
{
	struct batch *b = &p->batches[0];

	if (!p->threaded) {
		if (p->take)
			batch_reset(b);
		walk_batch(p, b);
		return b;
	}
	pthread_mutex_lock(&p->lock);
	if (p->take) {
		p->head = (p->head + 1) % NR_BATCHES;
		if (p->filled-- == NR_BATCHES)
			pthread_cond_signal(&p->freed);
	}
	while (!p->filled)
		pthread_cond_wait(&p->handed, &p->lock);
	b = &p->batches[p->head];
	pthread_mutex_unlock(&p->lock);
	return b;
}

static void apply_mark(struct perf_reader *p, const struct mark *m)
{
	kx_perf_order_saw(p->order, m->saw);
	if (m->kind == MARK_ROUND)
		kx_perf_order_round(p->order);
	else
		kx_perf_order_finish(p->order);
}

static int fail_next(struct perf_reader *p, int err, struct kx_diag *diag)
{
	p->err = err;
	return kx_diag_set(diag, err, "%s", p->err_diag.msg);
}

/* Exit reasons are named as the events are delivered: ids in file order, whatever the threads. */
static inline void name_reason(struct perf_reader *p, struct kx_event *e)
{
	if (e->kind == KX_EV_EXIT)
		e->u.exit.reason = kx_kvmdecode_reason(p->name_dec, e->u.exit.isa, e->u.exit.code);
}

/*
 * Push @b's events from its reading position on, up to its next mark and
 * up to and with the first at or below the orderer's release limit: events
 * above it release nothing, so next() asks the orderer only after that one.
 * A slice's events outside its time range are only seen. Return: 0 or a
 * kx_perf_order_push() error.
 */
static int push_events(struct perf_reader *p, struct batch *b)
{
	uint32_t end = b->mark_idx < b->nmarks ? b->marks[b->mark_idx].at : b->n;
	uint64_t limit = kx_perf_order_limit(p->order);
	uint32_t from = b->idx, i = b->idx;
	int err = 0;

	while (!err && i < end) {
		const struct kx_event *e = &b->ev[i++];
		bool releases = e->ts <= limit;

		if (p->sl.on && !slice_delivers(p, e, limit)) {
			err = kx_perf_order_push(p->order, b->ev + from, i - 1 - from);
			from = i;
		}
		if (releases)
			break;
	}
	b->idx = i;
	return err ?: kx_perf_order_push(p->order, b->ev + from, i - from);
}

/*
 * Deliver what the orderer released, up to @max events (a time window
 * when opened for them, if one can be cut); else give it the next items
 * of the batch, as the walk met them: events up to one that may be
 * released at once, or a mark.
 */
static int perf_next_batch(void *priv, struct kx_event *evs, unsigned max,
			   struct kx_diag *diag)
{
	struct perf_reader *p = priv;
	struct batch *b;
	unsigned n = 0;
	int err;

	if (p->err)
		return kx_diag_set(diag, p->err, "%s", p->err_diag.msg);
	p->reader->windowed = false;
	while (n < max) {
		if (p->windows && !n &&
		    (n = kx_perf_order_window(p->order, evs, max, &p->reader->window, p->tie))) {
			for (unsigned i = 0; i < n; i++)
				name_reason(p, &evs[i]);
			p->reader->windowed = true;
			break;
		}
		if (kx_perf_order_pop(p->order, &evs[n])) {
			name_reason(p, &evs[n++]);
			continue;
		}
		if (p->ended)
			break;
		b = p->take;
		if (!b || (b->idx == b->n && b->mark_idx == b->nmarks)) {
			if (b) {
				kx_perf_order_saw(p->order, b->saw);
				if (b->status < 0) {
					p->err_diag = b->diag;
					return fail_next(p, b->status, diag);
				}
				if (b->status) {
					p->ended = true;
					sync_info(p);
					break;
				}
			}
			p->take = take_batch(p);
			continue;
		}
		if (b->mark_idx < b->nmarks && b->marks[b->mark_idx].at == b->idx) {
			apply_mark(p, &b->marks[b->mark_idx++]);
			continue;
		}
		err = push_events(p, b);
		if (err)
			return fail_next(p, queue_failure(p, err, &p->err_diag), diag);
	}
	return (int)n;
}

static const char *perf_comm(void *priv, int32_t tid)
{
	struct perf_reader *p = priv;
	uint32_t idx;

	if (kx_idmap_get(&p->comm_map, (uint32_t)tid, &idx))
		return p->comms[idx];
	return p->have_td ? kx_tracedata_comm(&p->td, tid) : NULL;
}

static void stop_walk(struct perf_reader *p)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	/* takes effect only if it waits for a pipe's writer (cancellable_read()) */
	pthread_cancel(p->thread);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->handed);
	pthread_cond_destroy(&p->freed);
	p->threaded = false;
}

/*
 * --threads > 1: the walk goes on in a thread of its own, from batch 0.
 * Without one (the system refuses) it goes on in next(), as with one.
 */
static void start_walk(struct perf_reader *p, const struct kx_source_opts *opts)
{
	if (kx_source_threads(opts) < 2 || p->fill->status)
		return;
	/* with default attributes, glibc's init calls cannot fail */
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->handed, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->threaded = true;
	if (pthread_create(&p->thread, NULL, walk_thread, p)) {
		pthread_cond_destroy(&p->freed);
		pthread_cond_destroy(&p->handed);
		pthread_mutex_destroy(&p->lock);
		p->threaded = false;
	}
}

static void perf_close(void *priv)
{
	struct perf_reader *p = priv;

	if (!p)
		return;
	stop_walk(p);
	for (int i = 0; i < NR_BATCHES; i++) {
		free(p->batches[i].ev);
		free(p->batches[i].marks);
	}
	kx_kvmdecode_free(p->dec);
	kx_kvmdecode_free(p->sl.past_dec);
	kx_kvmdecode_free(p->name_dec);
	kx_perf_inflate_free(p->zin);
	if (p->have_td)
		kx_tracedata_fini(&p->td);
	kx_perf_order_free(p->order);
	kx_idmap_fini(&p->id_map);
	kx_idmap_fini(&p->comm_map);
	free(p->ids);
	free(p->attrs);
	free(p->layouts);
	free(p->comms);
	free(p->buf);
	free(p);
}

static int perf_open(struct kx_file *f, const struct kx_source_opts *opts, struct kx_reader *r,
		     struct kx_diag *diag)
{
	struct perf_reader *p;
	uint64_t hsize;
	int err;

	if (kx_load64(f->head, false) != PERF_MAGIC)
		return kx_diag_set(diag, -KX_EVERSION,
				   "perf.data recorded on a big-endian machine is not supported");
	p = calloc(1, sizeof(*p));
	if (!p)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	p->f = f;
	p->info = &r->info;
	p->names = r->names;
	p->sample_id_pos = -1;
	p->trailer_id_pos = -1;
	p->sort_mem_cap = opts && opts->sort_mem_cap ? opts->sort_mem_cap : DEFAULT_SORT_MEM;
	p->windows = opts && opts->windows;
	p->trusted_formats = opts ? opts->formats : NULL;
	p->reader = r;
	snprintf(p->clock, sizeof(p->clock), "perf");
	p->buffer_names[0] = "";
	p->fill = &p->batches[0];	/* what open walks (pipe mode) is the first batch */
	err = kx_perf_order_new(p->sort_mem_cap, &p->order);
	if (err) {
		err = kx_diag_set(diag, err, "out of memory");
		goto fail;
	}
	hsize = kx_load64(f->head + 8, false);
	if (hsize == PIPE_HEADER_SIZE) {
		p->pipe = true;
		p->buf = malloc(PIPE_BUF_SIZE);
		if (!p->buf) {
			err = kx_diag_set(diag, -ENOMEM, "out of memory");
			goto fail;
		}
		if (pipe_want(p, PIPE_HEADER_SIZE) != PIPE_HEADER_SIZE)
			err = kx_diag_set(diag, -KX_ETRUNC, "truncated perf.data header");
		p->buf_start = PIPE_HEADER_SIZE;
		p->pos = PIPE_HEADER_SIZE;
		/* metadata records come first: read up to the tracing data */
		while (!err && !p->dec && !p->done)
			err = step_pipe(p, diag);
	} else if (hsize == FILE_HEADER_SIZE) {
		err = open_file_mode(p, diag);
		if (!err && opts && (opts->slice_start || opts->slice_end))
			err = slice_open(p, opts, diag);
	} else {
		err = kx_diag_set(diag, -KX_ECORRUPT,
				  "perf.data header size %llu is neither %d (file) nor %d (pipe)",
				  (unsigned long long)hsize, FILE_HEADER_SIZE, PIPE_HEADER_SIZE);
	}
	if (err)
		goto fail;

	r->info.format = p->pipe ? KX_FMT_PERF_PIPE : KX_FMT_PERF_FILE;
	r->info.format_name = p->pipe ? "perf.data (pipe)" : "perf.data";
	r->info.clock = p->clock;
	r->info.unit = KX_UNIT_NS;
	r->info.resolution = 1;
	r->info.tsc_khz = 0;
	r->info.nr_buffers = 1;
	r->info.buffer_names = p->buffer_names;
	sync_info(p);
	if (p->done)
		p->fill->status = 1;
	start_walk(p, opts);
	r->priv = p;
	r->next_batch = perf_next_batch;
	r->close = perf_close;
	r->comm = perf_comm;
	if (!p->pipe) {
		r->split = perf_split;
		r->joins = perf_joins;
		r->absorb = perf_absorb;
	}
	return 0;
fail:
	perf_close(p);
	return err;
}

const struct kx_reader_ops kx_perfdata_reader = {
	.name = "perfdata",
	.probe = probe_perfdata,
	.open = perf_open,
};
