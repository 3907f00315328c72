// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * input_text.c - the reader for text dumps: trace-cmd report, tracefs
 * trace / trace_pipe and perf script output. Detects the form from the
 * first lines, reads the input line by line (sequentially, stdin works),
 * turns kvm event lines and lost-data lines into struct kx_event, and
 * delivers them in timestamp order through a bounded reorder window.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_grow.h"
#include "kx_reader.h"
#include "kx_text.h"

/*
 * Events held back to restore timestamp order: trace_pipe interleaves the
 * CPUs slightly out of order. An event older than one already delivered
 * (disorder deeper than this window) is an error, not a silent misorder.
 */
#define TEXT_REORDER_WINDOW	1024
/*
 * Heap slots: text_next reads lines while fewer than the window are held,
 * and one line can add two events, a held lost marker and its own.
 */
#define TEXT_HEAP_SLOTS		(TEXT_REORDER_WINDOW + 1)

#define TEXT_READ_CHUNK		65536
#define TEXT_MAX_LINE		(16u << 20)	/* a longer "line" is no text trace */
#define TEXT_PROBE_LINES	16		/* non-empty lines the probe looks at */
#define TEXT_MAX_BUFFERS	1024
#define TEXT_COMM_LEN		64		/* longer comms are cut */

enum text_form {
	FORM_NONE,
	FORM_TRACECMD,		/* trace-cmd report */
	FORM_FTRACE_TRACE,	/* tracefs trace, "# tracer:" header */
	FORM_FTRACE_PIPE,	/* tracefs trace_pipe, bare event lines */
	FORM_PERF,		/* perf script */
};

struct text_pending {
	struct kx_event ev;
	uint64_t seq;		/* file order, breaks timestamp ties */
};

/* A comm string; a thread's earlier comms stay alive for borrowed pointers. */
struct text_comm_str {
	struct text_comm_str *older;
	char name[];
};

struct text_comm {
	int32_t tid;		/* -1: free slot */
	struct text_comm_str *str;
};

struct text_reader {
	struct kx_file *f;
	struct kx_reader *r;		/* info lives there */
	enum text_form form;
	enum kx_text_layout layout;
	const char *only_buffer;	/* opts->buffer: deliver this instance only */
	uint64_t tsc_khz;		/* convert cycle timestamps at this rate, 0 = keep */

	/* line input */
	char *buf;
	size_t cap, start, end;
	bool eof;
	uint64_t lineno;

	struct kx_text_kvm kvm;

	/* reorder window: a binary min-heap on (ts, seq) */
	struct text_pending *heap;
	size_t nheap;
	uint64_t seq;
	bool delivered_any;
	uint64_t last_delivered;

	/* a timestamp-less lost line waits for the next event line's timestamp */
	bool lost_pending;
	struct kx_event lost_ev;
	int32_t inherit_buffer;		/* DROPPED line's buffer; its record is unprefixed */

	/* timestamps */
	bool ts_seen;
	unsigned ts_digits;		/* of the first event line; 0 = integer (cycles) */
	uint64_t max_ts;

	/* instances, in order of first appearance */
	char **buffer_names;
	unsigned nr_buffers;

	/* kvm-system event counts, indexed by id in evnames */
	struct kx_names *evnames;
	struct kx_event_count *counts;
	size_t nr_counts, cap_counts;

	/* tid -> comm, open addressing */
	struct text_comm *comms;
	size_t comm_slots, comm_used;

	unsigned header_cpus;
	int32_t max_cpu;
	uint64_t event_lines;
	uint64_t bad_lines;
	bool truncated;
	char format_name[64];
	char note[160];
};

static bool line_is(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(line, prefix, n) == 0;
}

static bool blank_line(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	return len == 0;
}

/* The form of the text from its first complete lines in @head. */
static enum text_form detect_form(const unsigned char *head, size_t head_len)
{
	const char *p = (const char *)head, *end = p + head_len, *nl;
	struct kx_text_line tl;
	struct kx_text_lost lost;
	unsigned seen = 0;

	if (memchr(head, '\0', head_len))
		return FORM_NONE;
	for (; p < end && (nl = memchr(p, '\n', end - p)) && seen < TEXT_PROBE_LINES; p = nl + 1) {
		size_t len = nl - p;

		if (len && p[len - 1] == '\r')
			len--;
		if (blank_line(p, len))
			continue;
		if (seen++ == 0) {
			if (line_is(p, len, "cpus=") || line_is(p, len, "version = "))
				return FORM_TRACECMD;
			if (line_is(p, len, "# tracer:"))
				return FORM_FTRACE_TRACE;
		}
		if (kx_text_parse_lost(p, len, &lost) == 0)
			continue;
		if (kx_text_parse_line(KX_TEXT_FTRACE, p, len, &tl) == 0)
			return FORM_FTRACE_PIPE;
		if (kx_text_parse_line(KX_TEXT_PERF, p, len, &tl) == 0)
			return FORM_PERF;
		return FORM_NONE;
	}
	return FORM_NONE;
}

static bool text_probe(const struct kx_file *f)
{
	return detect_form(f->head, f->head_len) != FORM_NONE;
}

/*
 * The next complete line, without its newline, in @line and @len.
 * Return: 1 a line, 0 end of input (a last line without newline is
 * dropped and remembered as truncated), or a negative code.
 */
static int next_line(struct text_reader *t, const char **line, size_t *len, struct kx_diag *diag)
{
	for (;;) {
		char *s = t->buf + t->start;
		char *nl = memchr(s, '\n', t->end - t->start);
		int64_t n;

		if (nl) {
			*line = s;
			*len = nl - s;
			if (*len && s[*len - 1] == '\r')
				(*len)--;
			t->start = nl + 1 - t->buf;
			t->lineno++;
			return 1;
		}
		if (t->eof) {
			if (t->end > t->start)
				t->truncated = true;
			t->start = t->end;
			return 0;
		}
		if (t->start > 0) {
			memmove(t->buf, s, t->end - t->start);
			t->end -= t->start;
			t->start = 0;
		}
		if (t->end == t->cap) {
			char *nb;

			if (t->cap >= TEXT_MAX_LINE)
				return kx_diag_set(diag, -KX_EFORMAT,
						   "line %llu longer than %u MiB: not a text trace",
						   (unsigned long long)t->lineno + 1,
						   TEXT_MAX_LINE >> 20);
			nb = realloc(t->buf, t->cap * 2);
			if (!nb)
				return kx_diag_set(diag, -ENOMEM, "out of memory for a text line");
			t->buf = nb;
			t->cap *= 2;
		}
		n = kx_file_read(t->f, t->buf + t->end, t->cap - t->end);
		if (n < 0)
			return kx_diag_set(diag, (int)n, "read error: %s", strerror((int)-n));
		if (n == 0)
			t->eof = true;
		t->end += (size_t)n;
	}
}

static bool pending_less(const struct text_pending *a, const struct text_pending *b)
{
	return a->ev.ts < b->ev.ts || (a->ev.ts == b->ev.ts && a->seq < b->seq);
}

static int heap_push(struct text_reader *t, const struct kx_event *ev, struct kx_diag *diag)
{
	size_t i = t->nheap;

	if (t->delivered_any && ev->ts < t->last_delivered)
		return kx_diag_set(diag, -KX_ECORRUPT, "line %llu: timestamp goes back further "
				   "than the reorder window of %u events",
				   (unsigned long long)t->lineno, TEXT_REORDER_WINDOW);
	t->nheap++;
	t->heap[i].ev = *ev;
	t->heap[i].seq = t->seq++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		struct text_pending tmp;

		if (!pending_less(&t->heap[i], &t->heap[parent]))
			break;
		tmp = t->heap[i];
		t->heap[i] = t->heap[parent];
		t->heap[parent] = tmp;
		i = parent;
	}
	return 0;
}

static void heap_pop(struct text_reader *t, struct kx_event *ev)
{
	size_t i = 0;

	*ev = t->heap[0].ev;
	t->heap[0] = t->heap[--t->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;
		struct text_pending tmp;

		if (l < t->nheap && pending_less(&t->heap[l], &t->heap[min]))
			min = l;
		if (r < t->nheap && pending_less(&t->heap[r], &t->heap[min]))
			min = r;
		if (min == i)
			break;
		tmp = t->heap[i];
		t->heap[i] = t->heap[min];
		t->heap[min] = tmp;
		i = min;
	}
}

/* Index of buffer @name (len 0 = top), adding it on first appearance. */
static int buffer_index(struct text_reader *t, struct kx_text_span name, struct kx_diag *diag)
{
	char **nb;
	unsigned i;

	for (i = 0; i < t->nr_buffers; i++)
		if (strlen(t->buffer_names[i]) == name.len &&
		    (name.len == 0 || memcmp(t->buffer_names[i], name.p, name.len) == 0))
			return (int)i;
	if (t->nr_buffers == TEXT_MAX_BUFFERS)
		return kx_diag_set(diag, -KX_EFORMAT, "line %llu: more than %u instance prefixes",
				   (unsigned long long)t->lineno, TEXT_MAX_BUFFERS);
	nb = realloc(t->buffer_names, (t->nr_buffers + 1) * sizeof(*nb));
	if (!nb)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	t->buffer_names = nb;
	nb[i] = name.len ? strndup(name.p, name.len) : strdup("");
	if (!nb[i])
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	t->nr_buffers++;
	t->r->info.buffer_names = (const char *const *)t->buffer_names;
	t->r->info.nr_buffers = t->nr_buffers;
	return (int)i;
}

static int count_kvm_event(struct text_reader *t, struct kx_text_span name, struct kx_diag *diag)
{
	int64_t id = kx_names_intern(t->evnames, name.p, name.len);

	if (id < 0)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	if ((size_t)id >= t->nr_counts) {
		if ((size_t)id >= t->cap_counts) {
			struct kx_event_count *nc = kx_grow(t->counts, &t->cap_counts, sizeof(*nc), 16);

			if (!nc)
				return kx_diag_set(diag, -ENOMEM, "out of memory");
			t->counts = nc;
		}
		t->counts[id].name = kx_names_get(t->evnames, (uint32_t)id);
		t->counts[id].count = 0;
		t->nr_counts = (size_t)id + 1;
		t->r->info.event_counts = t->counts;
		t->r->info.nr_event_counts = t->nr_counts;
	}
	t->counts[id].count++;
	return 0;
}

static size_t comm_slot(const struct text_reader *t, int32_t tid)
{
	size_t mask = t->comm_slots - 1, i = ((uint32_t)tid * 2654435761u) & mask;

	while (t->comms[i].tid != -1 && t->comms[i].tid != tid)
		i = (i + 1) & mask;
	return i;
}

static int comm_grow(struct text_reader *t, struct kx_diag *diag)
{
	struct text_comm *old = t->comms;
	size_t n = t->comm_slots, i;

	t->comm_slots = n ? n * 2 : 256;
	t->comms = malloc(t->comm_slots * sizeof(*t->comms));
	if (!t->comms) {
		t->comms = old;
		t->comm_slots = n;
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	for (i = 0; i < t->comm_slots; i++)
		t->comms[i].tid = -1;
	for (i = 0; i < n; i++)
		if (old[i].tid != -1)
			t->comms[comm_slot(t, old[i].tid)] = old[i];
	free(old);
	return 0;
}

/* Remember the comm of @tid; "<...>" (trace-cmd) and ":tid" (perf) mean unknown. */
static int comm_note(struct text_reader *t, int32_t tid, struct kx_text_span comm,
		     struct kx_diag *diag)
{
	struct text_comm *c;
	struct text_comm_str *str;
	size_t len = comm.len < TEXT_COMM_LEN ? comm.len : TEXT_COMM_LEN;
	int err;

	if ((comm.len == 5 && memcmp(comm.p, "<...>", 5) == 0) || (comm.len && comm.p[0] == ':'))
		return 0;
	if (2 * (t->comm_used + 1) > t->comm_slots) {
		err = comm_grow(t, diag);
		if (err < 0)
			return err;
	}
	c = &t->comms[comm_slot(t, tid)];
	if (c->tid == tid && strlen(c->str->name) == len && memcmp(c->str->name, comm.p, len) == 0)
		return 0;
	str = malloc(sizeof(*str) + len + 1);
	if (!str)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	memcpy(str->name, comm.p, len);
	str->name[len] = '\0';
	if (c->tid == -1) {
		c->tid = tid;
		c->str = NULL;
		t->comm_used++;
	}
	str->older = c->str;
	c->str = str;
	return 0;
}

static const char *text_comm(void *priv, int32_t tid)
{
	struct text_reader *t = priv;
	struct text_comm *c;

	if (!t->comm_slots || tid < 0)
		return NULL;
	c = &t->comms[comm_slot(t, tid)];
	return c->tid == tid ? c->str->name : NULL;
}

static uint64_t pow10u(unsigned e)
{
	uint64_t v = 1;

	while (e--)
		v *= 10;
	return v;
}

static const char *precision_name(unsigned digits)
{
	switch (digits) {
	case 0:	return "cycles";
	case 3:	return "ms";
	case 6:	return "us";
	case 9:	return "ns";
	default: return "decimal";
	}
}

/*
 * Check the timestamp of an event line against the unit fixed by the first
 * one, widening the resolution to the coarsest precision seen.
 * Return: true if usable.
 */
static bool accept_ts(struct text_reader *t, const struct kx_text_line *tl)
{
	struct kx_source_info *info = &t->r->info;
	static const char *const form_names[] = {
		[FORM_TRACECMD] = "trace-cmd report text",
		[FORM_FTRACE_TRACE] = "ftrace trace text",
		[FORM_FTRACE_PIPE] = "ftrace trace_pipe text",
		[FORM_PERF] = "perf script text",
	};

	if (!t->ts_seen) {
		t->ts_seen = true;
		t->ts_digits = tl->ts_digits;
		if (tl->ts_digits == 0 && !t->tsc_khz) {
			info->unit = KX_UNIT_CYCLES;
			info->resolution = 1;
		} else {
			info->unit = KX_UNIT_NS;
			info->resolution = tl->ts_digits ? pow10u(9 - tl->ts_digits) : 1;
			info->tsc_khz = tl->ts_digits ? 0 : t->tsc_khz;
		}
		snprintf(t->format_name, sizeof(t->format_name), "%s (%s)", form_names[t->form],
			 precision_name(tl->ts_digits));
		info->format_name = t->format_name;
		return true;
	}
	if ((tl->ts_digits == 0) != (t->ts_digits == 0))
		return false;
	if (tl->ts_digits && pow10u(9 - tl->ts_digits) > info->resolution)
		info->resolution = pow10u(9 - tl->ts_digits);
	return true;
}

static uint64_t convert_ts(const struct text_reader *t, uint64_t ts)
{
	if (t->ts_digits || !t->tsc_khz)
		return ts;
	return (uint64_t)((unsigned __int128)ts * 1000000u / t->tsc_khz);
}

static void note_cpu(struct text_reader *t, int32_t cpu)
{
	if (cpu > t->max_cpu) {
		t->max_cpu = cpu;
		if (!t->header_cpus)
			t->r->info.nr_cpus = (unsigned)cpu + 1;
	}
}

static bool delivered_buffer(const struct text_reader *t, int buffer)
{
	return !t->only_buffer || strcmp(t->buffer_names[buffer], t->only_buffer) == 0;
}

static int push_lost(struct text_reader *t, struct kx_event *ev, struct kx_diag *diag)
{
	struct kx_source_info *info = &t->r->info;

	if (!delivered_buffer(t, ev->buffer))
		return 0;
	kx_lost_count(&info->lost, ev->u.lost);
	return heap_push(t, ev, diag);
}

/* A lost-data line without timestamp: held until the next event line. */
static int handle_lost_line(struct text_reader *t, const struct kx_text_lost *lost,
			    struct kx_diag *diag)
{
	int err, buffer;

	if (t->lost_pending) {	/* two in a row: the first takes the last timestamp seen */
		t->lost_ev.ts = t->max_ts;
		t->lost_pending = false;
		err = push_lost(t, &t->lost_ev, diag);
		if (err < 0)
			return err;
	}
	buffer = buffer_index(t, lost->instance, diag);
	if (buffer < 0)
		return buffer;
	t->inherit_buffer = buffer;
	memset(&t->lost_ev, 0, sizeof(t->lost_ev));
	t->lost_ev.kind = KX_EV_LOST;
	t->lost_ev.cpu = lost->cpu;
	t->lost_ev.tid = -1;
	t->lost_ev.pid = -1;
	t->lost_ev.vcpu = KX_VCPU_UNKNOWN;
	t->lost_ev.buffer = (uint16_t)buffer;
	t->lost_ev.u.lost = lost->count;
	t->lost_pending = true;
	note_cpu(t, lost->cpu);
	return 0;
}

static int handle_event_line(struct text_reader *t, const struct kx_text_line *tl,
			     struct kx_diag *diag)
{
	struct kx_event ev;
	bool is_kvm;
	int buffer, err;

	if (t->layout == KX_TEXT_PERF && tl->system.len == 0) {
		if (!tl->is_lost)
			return 0;	/* other PERF_RECORD_* side-band lines */
		if (!accept_ts(t, tl)) {
			t->bad_lines++;
			return 0;
		}
		buffer = buffer_index(t, tl->instance, diag);
		if (buffer < 0)
			return buffer;
		memset(&ev, 0, sizeof(ev));
		ev.kind = KX_EV_LOST;
		ev.ts = convert_ts(t, tl->ts);
		if (ev.ts > t->max_ts)
			t->max_ts = ev.ts;
		ev.cpu = tl->cpu;
		ev.tid = -1;
		ev.pid = -1;
		ev.vcpu = KX_VCPU_UNKNOWN;
		ev.u.lost = tl->lost;
		note_cpu(t, tl->cpu);
		return push_lost(t, &ev, diag);
	}
	if (!accept_ts(t, tl)) {
		t->bad_lines++;
		return 0;
	}
	/* instance prefixes come from trace-cmd, also when its header was cut off */
	if (tl->instance.len == 0 && t->inherit_buffer >= 0)
		buffer = t->inherit_buffer;
	else
		buffer = buffer_index(t, tl->instance, diag);
	if (buffer < 0)
		return buffer;
	t->inherit_buffer = -1;

	memset(&ev, 0, sizeof(ev));
	ev.ts = convert_ts(t, tl->ts);
	ev.cpu = tl->cpu;
	ev.tid = tl->tid;
	ev.pid = tl->pid;
	ev.buffer = (uint16_t)buffer;
	if (ev.ts > t->max_ts)
		t->max_ts = ev.ts;
	if (t->lost_pending) {
		t->lost_ev.ts = ev.ts;
		t->lost_pending = false;
		err = push_lost(t, &t->lost_ev, diag);
		if (err < 0)
			return err;
	}
	t->event_lines++;
	t->r->info.records++;
	note_cpu(t, tl->cpu);
	err = comm_note(t, tl->tid, tl->comm, diag);
	if (err < 0)
		return err;

	if (t->layout == KX_TEXT_PERF)
		is_kvm = tl->system.len == 3 && memcmp(tl->system.p, "kvm", 3) == 0;
	else
		is_kvm = kx_text_is_kvm_system(tl->event.p, tl->event.len);
	if (!is_kvm)
		return 0;
	err = count_kvm_event(t, tl->event, diag);
	if (err < 0)
		return err;
	err = kx_text_parse_kvm(&t->kvm, tl->event, tl->text, &ev);
	if (err == -ENOMEM)
		return kx_diag_set(diag, err, "out of memory");
	if (err < 0) {
		t->bad_lines++;
		return 0;
	}
	if (err == 0 || !delivered_buffer(t, buffer))
		return 0;
	return heap_push(t, &ev, diag);
}

/* Header lines: "cpus=N", "version = N", "# ... #P:N", other '#' comments. */
static bool handle_header(struct text_reader *t, const char *line, size_t len)
{
	uint64_t v;
	const char *p;

	if (t->form == FORM_TRACECMD && !t->event_lines) {
		if (line_is(line, len, "cpus=")) {
			if (kx_text_parse_u64(line + 5, len - 5, 10, &v) == 0 && v && v <= 65536)
				t->header_cpus = (unsigned)v;
			return true;
		}
		if (line_is(line, len, "version = "))
			return true;
		if (line_is(line, len, "CPU ") && len > 9 &&
		    memcmp(line + len - 9, " is empty", 9) == 0)
			return true;
	}
	if (t->layout == KX_TEXT_FTRACE && t->form != FORM_TRACECMD && len && line[0] == '#') {
		for (p = line; (p = memchr(p, '#', line + len - p)); p++) {
			size_t n = 0;

			if (!line_is(p, line + len - p, "#P:"))
				continue;
			while (p + 3 + n < line + len && p[3 + n] >= '0' && p[3 + n] <= '9')
				n++;
			if (kx_text_parse_u64(p + 3, n, 10, &v) == 0 && v && v <= 65536)
				t->header_cpus = (unsigned)v;
		}
		return true;
	}
	return false;
}

/* Read and handle one line. Return: 1 a line was handled, 0 end of input, <0 error. */
static int read_one(struct text_reader *t, struct kx_diag *diag)
{
	struct kx_text_line tl;
	struct kx_text_lost lost;
	const char *line = NULL;
	size_t len = 0;
	int err = next_line(t, &line, &len, diag);

	if (err <= 0)
		return err;
	if (blank_line(line, len))
		return 1;
	if (kx_text_parse_line(t->layout, line, len, &tl) == 0) {
		err = handle_event_line(t, &tl, diag);
		return err < 0 ? err : 1;
	}
	if (t->layout == KX_TEXT_FTRACE && kx_text_parse_lost(line, len, &lost) == 0) {
		err = handle_lost_line(t, &lost, diag);
		return err < 0 ? err : 1;
	}
	if (handle_header(t, line, len)) {
		if (t->header_cpus)
			t->r->info.nr_cpus = t->header_cpus;
		return 1;
	}
	t->bad_lines++;
	return 1;
}

static void set_note(struct text_reader *t)
{
	size_t n = 0;

	t->note[0] = '\0';
	if (t->bad_lines)
		n += snprintf(t->note + n, sizeof(t->note) - n,
			      "%llu line(s) that look like events did not parse and were skipped",
			      (unsigned long long)t->bad_lines);
	if (t->truncated)
		snprintf(t->note + n, sizeof(t->note) - n, "%slast line truncated (ignored)",
			 n ? "; " : "");
	t->r->info.note = t->note[0] ? t->note : NULL;
}

/* At end of input a held lost marker takes the last timestamp seen. */
static int finish_input(struct text_reader *t, struct kx_diag *diag)
{
	if (t->lost_pending) {
		t->lost_pending = false;
		t->lost_ev.ts = t->max_ts;
		return push_lost(t, &t->lost_ev, diag);
	}
	return 0;
}

static int text_next(void *priv, struct kx_event *ev, struct kx_diag *diag)
{
	struct text_reader *t = priv;
	int err;

	while (t->nheap < TEXT_REORDER_WINDOW) {
		err = read_one(t, diag);
		if (err < 0)
			return err;
		if (err == 0) {
			err = finish_input(t, diag);
			if (err < 0)
				return err;
			break;
		}
	}
	if (t->truncated || t->bad_lines)
		set_note(t);
	if (t->nheap == 0)
		return 0;
	heap_pop(t, ev);
	t->delivered_any = true;
	t->last_delivered = ev->ts;
	return 1;
}

static void text_close(void *priv)
{
	struct text_reader *t = priv;
	unsigned i;

	if (!t)
		return;
	for (i = 0; i < t->nr_buffers; i++)
		free(t->buffer_names[i]);
	for (i = 0; i < t->comm_slots; i++) {
		struct text_comm_str *str = t->comms[i].tid != -1 ? t->comms[i].str : NULL;

		while (str) {
			struct text_comm_str *older = str->older;

			free(str);
			str = older;
		}
	}
	free(t->buffer_names);
	kx_text_kvm_free(&t->kvm);
	kx_names_free(t->evnames);
	free(t->counts);
	free(t->comms);
	free(t->heap);
	free(t->buf);
	free(t);
}

static int text_open(struct kx_file *f, const struct kx_source_opts *opts, struct kx_reader *r,
		     struct kx_diag *diag)
{
	struct text_reader *t;
	int err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	t->f = f;
	t->r = r;
	t->form = detect_form(f->head, f->head_len);
	t->layout = t->form == FORM_PERF ? KX_TEXT_PERF : KX_TEXT_FTRACE;
	t->only_buffer = opts ? opts->buffer : NULL;
	t->tsc_khz = opts ? opts->tsc_khz : 0;
	t->inherit_buffer = -1;
	t->max_cpu = -1;
	t->cap = TEXT_READ_CHUNK;
	t->buf = malloc(t->cap);
	t->heap = malloc(TEXT_HEAP_SLOTS * sizeof(*t->heap));
	t->evnames = kx_names_new();
	if (!t->buf || !t->heap || !t->evnames) {
		text_close(t);
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	kx_text_kvm_init(&t->kvm, r->names);
	if (t->form == FORM_NONE) {
		text_close(t);
		return kx_diag_set(diag, -KX_EFORMAT, "not a recognised text trace");
	}

	r->priv = t;
	r->next = text_next;
	r->close = text_close;
	r->comm = text_comm;
	if (!r->info.path)
		r->info.path = f->path;
	r->info.format = t->form == FORM_TRACECMD ? KX_FMT_TRACECMD_TEXT :
			 t->form == FORM_PERF ? KX_FMT_PERF_SCRIPT : KX_FMT_FTRACE_TEXT;
	r->info.clock = "";
	r->info.unit = KX_UNIT_NS;
	r->info.resolution = 1;

	/* the first event line fixes the unit; a text without one is not a trace */
	while (t->event_lines == 0 && !t->ts_seen) {
		err = read_one(t, diag);
		if (err < 0)
			goto fail;
		if (err == 0) {
			err = kx_diag_set(diag, -KX_EFORMAT,
					  t->truncated && t->lineno == 0 ?
					  "text trace cut inside its first line" :
					  "no parseable event line in the text");
			goto fail;
		}
	}
	return 0;
fail:
	text_close(t);
	r->priv = NULL;
	r->next = NULL;
	r->close = NULL;
	r->comm = NULL;
	return err;
}

const struct kx_reader_ops kx_text_reader = {
	.name = "text",
	.probe = text_probe,
	.open = text_open,
};
