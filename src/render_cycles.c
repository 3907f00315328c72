// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render_cycles.c - the timer-programming cycles as text, JSON and CSV:
 * per-cycle lines in the seed's words ("guest 2.0us | APIC EOI write 11.0us
 * ... => guest 11.0us host 22.0us ratio 2.00"), summaries per vCPU thread
 * and overall, the sub-keys that dominate cycle host time, the worst cycles.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kx_render.h"
#include "kx_render_cycles.h"
#include "kx_subkey.h"

#define TOP_KEYS	5
#define NAME_LEN	96
#define LINE_LEN	8192	/* KX_CYCLE_SEGS segments of at most ~NAME_LEN+32 bytes */

static const double ratio_one = KX_RATIO_ONE;

/* a bounded string builder: output past the end is cut, never overflows */
struct line {
	char buf[LINE_LEN];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < sizeof(l->buf) - l->len ? (size_t)n : sizeof(l->buf) - 1 - l->len;
}

static enum kx_unit unit_of(const struct kx_cycles_render *r)
{
	return kx_source_info(r->src)->unit;
}

static const char *unit_suffix(enum kx_unit unit)
{
	return unit == KX_UNIT_NS ? "us" : "cyc";
}

/* microseconds with one decimal (rounded) for ns, plain counts for cycles */
static char *dur(char *buf, size_t len, uint64_t v, enum kx_unit unit)
{
	if (unit == KX_UNIT_NS) {
		uint64_t tenths = v / 100 + (v % 100 >= 50);

		snprintf(buf, len, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
	} else {
		snprintf(buf, len, "%" PRIu64, v);
	}
	return buf;
}

static char *ratio_text(char *buf, size_t len, uint64_t ratio)
{
	if (ratio == KX_RATIO_INF)
		snprintf(buf, len, "inf");
	else
		snprintf(buf, len, "%.2f", (double)ratio / ratio_one);
	return buf;
}

char *kx_cycles_key_name(const struct kx_cycles_render *r, uint64_t key, char *buf, size_t len)
{
	const char *name;

	if (key >= KX_CYCLE_KEY_SUBKEY) {
		struct kx_subkey sk = kx_subkey_unpack(key);

		if (!kx_subkey_normalized(&sk, buf, len))
			kx_subkey_name(&sk, buf, len);
		return buf;
	}
	name = kx_names_get(kx_source_names(r->src), (uint32_t)key);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "reason %" PRIu64, key);
	return buf;
}

static void put_seg(struct line *l, const struct kx_cycles_render *r, const struct kx_cycle_seg *s)
{
	enum kx_unit unit = unit_of(r);
	char name[NAME_LEN], d[32];

	if (s->guest)
		put(l, "guest %s%s", dur(d, sizeof(d), s->dur, unit), unit_suffix(unit));
	else
		put(l, "%s %s%s%s", kx_cycles_key_name(r, s->key, name, sizeof(name)),
		    dur(d, sizeof(d), s->dur, unit), unit_suffix(unit), s->idle ? " (idle)" : "");
}

static void build_line(struct line *l, const struct kx_cycles_render *r, const struct kx_cycle *cy)
{
	enum kx_unit unit = unit_of(r);
	const char *u = unit_suffix(unit);
	char g[32], h[32], i[32], q[32];

	l->len = 0;
	l->buf[0] = '\0';
	for (uint32_t k = 0; k < cy->nsegs; k++) {
		if (k)
			put(l, " | ");
		if (k == cy->nsegs - 1 && cy->segs_elided)
			put(l, "... %" PRIu64 " more ... | ", cy->segs_elided);
		put_seg(l, r, &cy->segs[k]);
	}
	put(l, " => guest %s%s host %s%s", dur(g, sizeof(g), cy->guest, unit), u,
	    dur(h, sizeof(h), cy->host, unit), u);
	if (cy->idle)
		put(l, " idle %s%s", dur(i, sizeof(i), cy->idle, unit), u);
	put(l, " ratio %s", ratio_text(q, sizeof(q), cy->ratio));
}

void kx_cycle_line(FILE *out, const struct kx_cycles_render *r, const struct kx_cycle *cy)
{
	struct line l;

	build_line(&l, r, cy);
	fputs(l.buf, out);
}

static const char *comm_of(const struct kx_cycles_render *r, int32_t tid)
{
	const char *comm = tid >= 0 ? kx_source_comm(r->src, tid) : NULL;

	return comm ? comm : "";
}

static const char *buffer_name(const struct kx_cycles_render *r, uint16_t buffer)
{
	const struct kx_source_info *info = kx_source_info(r->src);

	if (buffer < info->nr_buffers && info->buffer_names && info->buffer_names[buffer])
		return info->buffer_names[buffer][0] ? info->buffer_names[buffer] : "top";
	return "top";
}

static char *vcpu_text(char *buf, size_t len, int32_t vcpu)
{
	if (vcpu == KX_VCPU_UNKNOWN)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId32, vcpu);
	return buf;
}

void kx_cycles_text_cycle(FILE *out, const struct kx_cycles_render *r, const struct kx_cycle *cy)
{
	char v[16];

	fprintf(out, "vcpu %s tid %" PRId32 " #%" PRIu64 ": ", vcpu_text(v, sizeof(v), cy->vcpu),
		cy->tid, cy->index);
	kx_cycle_line(out, r, cy);
	fputc('\n', out);
}

static const char *timer_writes(const struct kx_cycles_render *r)
{
	return r->lvtt ? "APIC TMICT, TSC_DEADLINE or APIC LVTT" : "APIC TMICT or TSC_DEADLINE";
}

static uint64_t event_count(const struct kx_cycles_render *r, const char *name)
{
	const struct kx_source_info *info = kx_source_info(r->src);

	for (size_t i = 0; i < info->nr_event_counts; i++)
		if (strcmp(info->event_counts[i].name, name) == 0)
			return info->event_counts[i].count;
	return 0;
}

/* Whether @name's format was recorded but is damaged or does not parse. */
static bool unreadable(const struct kx_cycles_render *r, const char *name)
{
	const struct kx_source_info *info = kx_source_info(r->src);

	for (size_t i = 0; i < info->nr_unreadable; i++)
		if (strcmp(info->unreadable[i], name) == 0)
			return true;
	return false;
}

/* Why some timer writes may be invisible, or NULL: TSC_DEADLINE needs kvm_msr. */
static const char *msr_hint(const struct kx_cycles_render *r)
{
	if (!event_count(r, "kvm_exit") || event_count(r, "kvm_msr"))
		return NULL;
	if (unreadable(r, "kvm_msr"))
		return "kvm_msr's format is damaged or does not parse: TSC_DEADLINE writes "
		       "(WRMSR 0x6e0) cannot be told from other MSR writes";
	return "no kvm_msr events recorded: TSC_DEADLINE writes (WRMSR 0x6e0) cannot be told "
	       "from other MSR writes (record kvm:kvm_msr)";
}

static void text_totals_row(FILE *out, const struct kx_cycles_render *r,
			    const struct kx_cycles_stats *s, const char *vcpu, const char *tid,
			    const char *comm)
{
	enum kx_unit unit = unit_of(r);
	char g[32], h[32], i[32];

	fprintf(out, "%-6s %8s %-16.16s %8" PRIu64 " %14s %14s %14s %9" PRIu64 " %11" PRIu64 "\n",
		vcpu, tid, comm, s->cycles, dur(g, sizeof(g), s->guest_total, unit),
		dur(h, sizeof(h), s->host_total, unit), dur(i, sizeof(i), s->idle_total, unit),
		s->discarded, s->timer_exits);
}

static void text_pct_row(FILE *out, const struct kx_cycles_render *r,
			 const struct kx_cycles_stats *s, const char *label)
{
	static const double pcts[] = { 50, 90, 99 };
	enum kx_unit unit = unit_of(r);
	char b[32];

	fprintf(out, "%-6s", label);
	for (int k = 0; k < 2; k++) {
		const struct kx_hist *hh = k ? &s->host : &s->guest;

		for (int p = 0; p < 3; p++)
			fprintf(out, " %9s", dur(b, sizeof(b), kx_hist_percentile(hh, pcts[p]), unit));
		fprintf(out, " %9s", dur(b, sizeof(b), hh->max, unit));
	}
	for (int p = 0; p < 3; p++)
		fprintf(out, " %6s", s->ratio.count ?
			ratio_text(b, sizeof(b), kx_hist_percentile(&s->ratio, pcts[p])) : "-");
	fprintf(out, " %6s\n", s->ratio.count ? ratio_text(b, sizeof(b), s->ratio.max) : "-");
}

static void text_top_keys(FILE *out, const struct kx_cycles_render *r,
			  const struct kx_cycles_stats *s, const char *label)
{
	struct kx_cycles_keyshare top[TOP_KEYS];
	size_t n = kx_cycles_top_keys(s, top, TOP_KEYS);
	char name[NAME_LEN];

	if (!n)
		return;
	fprintf(out, "  %-6s", label);
	for (size_t k = 0; k < n; k++)
		fprintf(out, "%s%s %.1f%%", k ? ", " : " ",
			kx_cycles_key_name(r, top[k].key, name, sizeof(name)), top[k].share * 100.0);
	fputc('\n', out);
}

void kx_cycles_text_summary(FILE *out, const struct kx_cycles_render *r)
{
	const struct kx_cycles_stats *tot = kx_cycles_total(r->cycles);
	size_t n = kx_cycles_nthreads(r->cycles);
	const char *u = unit_suffix(unit_of(r));
	const struct kx_cycle *worst;
	char v[16], tid[16], gh[48], hh[48];
	size_t nworst;

	if (!event_count(r, "kvm_exit")) {
		bool damaged = unreadable(r, "kvm_exit");

		fprintf(out, "No timer-programming exits in %s: it holds no %skvm_exit "
			"events%s, so\nno exit can be timed and there are no cycles to report.\n",
			r->file, damaged ? "readable " : "",
			damaged ? " (their format is damaged or does not parse)" : "");
		return;
	}
	if (!tot->timer_exits) {
		fprintf(out, "No timer-programming exits (%s writes) in %s%s: no cycles to report.\n"
			"Timer writes are recognised from kvm_apic or kvm_msr events, or from\n"
			"APIC_WRITE/APIC_ACCESS (VMX) and AVIC (SVM) exit info.\n",
			timer_writes(r), r->file,
			r->filtered ? " pass --vcpu, --pid or --time" : "");
		if (msr_hint(r))
			fprintf(out, "Note: %s.\n", msr_hint(r));
		return;
	}
	fprintf(out, "Timer-programming cycles in %s: from the VM entry after one timer\n"
		"write (%s) to the VM entry after the next; %s\n", r->file, timer_writes(r),
		unit_of(r) == KX_UNIT_NS ? "times in us" : "times in TSC cycles (not converted)");
	if (!tot->cycles)
		fprintf(out, "Only %" PRIu64 " timer write(s) and no complete cycle between two of them.\n",
			tot->timer_exits);
	fprintf(out, "\n%-6s %8s %-16s %8s %14s %14s %14s %9s %11s\n", "vCPU", "tid", "comm",
		"cycles", "guest total", "host total", "idle total", "discarded", "timer exits");
	for (size_t i = 0; i < n; i++) {
		const struct kx_cycles_stats *s = kx_cycles_thread(r->cycles, i);

		snprintf(tid, sizeof(tid), "%" PRId32, s->tid);
		text_totals_row(out, r, s, vcpu_text(v, sizeof(v), s->vcpu), tid,
				comm_of(r, s->tid));
	}
	text_totals_row(out, r, tot, "all", "", "");

	snprintf(gh, sizeof(gh), "guest per cycle (%s)", u);
	snprintf(hh, sizeof(hh), "host per cycle (%s)", u);
	fprintf(out, "\n%-6s %-39s %-39s %s\n", "", gh, hh, "ratio host/guest");
	fprintf(out, "%-6s %9s %9s %9s %9s %9s %9s %9s %9s %6s %6s %6s %6s\n", "vCPU",
		"p50", "p90", "p99", "max", "p50", "p90", "p99", "max", "p50", "p90", "p99", "max");
	for (size_t i = 0; i < n; i++) {
		const struct kx_cycles_stats *s = kx_cycles_thread(r->cycles, i);

		text_pct_row(out, r, s, vcpu_text(v, sizeof(v), s->vcpu));
	}
	text_pct_row(out, r, tot, "all");

	fprintf(out, "\nSub-keys with the most cycle host time:\n");
	text_top_keys(out, r, tot, "all");
	for (size_t i = 0; i < n; i++) {
		const struct kx_cycles_stats *s = kx_cycles_thread(r->cycles, i);

		text_top_keys(out, r, s, vcpu_text(v, sizeof(v), s->vcpu));
	}
	if (tot->discarded || tot->unfinished || tot->zero_guest)
		fprintf(out, "\n%" PRIu64 " cycle(s) discarded where continuity was lost, %" PRIu64
			" unfinished at the end, %" PRIu64 " without guest time (not in the ratio).\n",
			tot->discarded, tot->unfinished, tot->zero_guest);
	if (msr_hint(r))
		fprintf(out, "\nNote: %s.\n", msr_hint(r));
	nworst = kx_cycles_worst(r->cycles, &worst);
	if (r->worst) {
		fprintf(out, "\nWorst %zu cycle(s) by %s:\n", nworst, r->by_host ? "host time" : "ratio");
		for (size_t i = 0; i < nworst; i++)
			kx_cycles_text_cycle(out, r, &worst[i]);
	}
}

/* ---- JSON ---- */

static void json_ratio(struct kx_json *j, const char *key, uint64_t ratio)
{
	if (ratio == KX_RATIO_INF)
		kx_json_null(j, key);
	else
		kx_json_double(j, key, (double)ratio / ratio_one, 4);
}

static void json_dist(struct kx_json *j, const char *key, const struct kx_hist *h, bool ratio)
{
	static const struct { const char *name; double pct; } pcts[] = {
		{ "p50", 50 }, { "p90", 90 }, { "p99", 99 },
	};

	kx_json_obj_begin(j, key);
	if (!h->count) {
		for (size_t k = 0; k < 3; k++)
			kx_json_null(j, pcts[k].name);
		kx_json_null(j, "min");
		kx_json_null(j, "max");
		kx_json_obj_end(j);
		return;
	}
	for (size_t k = 0; k < 3; k++) {
		uint64_t v = kx_hist_percentile(h, pcts[k].pct);

		if (ratio)
			json_ratio(j, pcts[k].name, v);
		else
			kx_json_u64(j, pcts[k].name, v);
	}
	if (ratio) {
		json_ratio(j, "min", h->min);
		json_ratio(j, "max", h->max);
	} else {
		kx_json_u64(j, "min", h->min);
		kx_json_u64(j, "max", h->max);
	}
	kx_json_obj_end(j);
}

static void json_stats(struct kx_json *j, const struct kx_cycles_render *r,
		       const struct kx_cycles_stats *s)
{
	struct kx_cycles_keyshare top[TOP_KEYS];
	size_t n = kx_cycles_top_keys(s, top, TOP_KEYS);
	char name[NAME_LEN];

	kx_json_u64(j, "count", s->cycles);
	kx_json_u64(j, "timer_exits", s->timer_exits);
	kx_json_u64(j, "discarded", s->discarded);
	kx_json_u64(j, "unfinished", s->unfinished);
	kx_json_u64(j, "zero_guest", s->zero_guest);
	kx_json_u64(j, "guest_total", s->guest_total);
	kx_json_u64(j, "host_total", s->host_total);
	kx_json_u64(j, "idle_total", s->idle_total);
	kx_json_u64(j, "userspace_total", s->user_total);
	kx_json_u64(j, "exits", s->exits);
	kx_json_u64(j, "idle_exits", s->idle_exits);
	json_dist(j, "guest", &s->guest, false);
	json_dist(j, "host", &s->host, false);
	json_dist(j, "ratio", &s->ratio, true);
	kx_json_arr_begin(j, "top_subkeys");
	for (size_t k = 0; k < n; k++) {
		kx_json_obj_begin(j, NULL);
		kx_json_str(j, "name", kx_cycles_key_name(r, top[k].key, name, sizeof(name)));
		kx_json_u64(j, "host", top[k].host);
		kx_json_u64(j, "count", top[k].count);
		kx_json_double(j, "share", top[k].share, 4);
		kx_json_obj_end(j);
	}
	kx_json_arr_end(j);
}

void kx_cycles_json_begin(struct kx_json *j, const struct kx_cycles_render *r, bool list)
{
	const struct kx_source_info *info = kx_source_info(r->src);

	kx_json_obj_begin(j, NULL);
	kx_json_str(j, "tool", "kvmexit-stat");
	kx_json_str(j, "version", KX_VERSION);
	kx_json_str(j, "command", "cycles");
	kx_json_obj_begin(j, "input");
	kx_json_str(j, "file", r->file);
	kx_json_str(j, "format", info->format_name);
	kx_json_str(j, "clock", info->clock);
	kx_json_u64(j, "tsc_khz", info->tsc_khz);
	kx_json_obj_end(j);
	kx_json_str(j, "unit", kx_unit_name(info->unit));
	kx_json_arr_begin(j, "timer_writes");
	kx_json_str(j, NULL, "APIC TMICT write");
	kx_json_str(j, NULL, "TSC_DEADLINE write");
	if (r->lvtt)
		kx_json_str(j, NULL, "APIC LVTT write");
	kx_json_arr_end(j);
	if (list)
		kx_json_arr_begin(j, "list");
}

void kx_cycles_json_cycle(struct kx_json *j, const struct kx_cycles_render *r,
			  const struct kx_cycle *cy)
{
	char name[NAME_LEN];
	struct line l;

	kx_json_obj_begin(j, NULL);
	kx_json_u64(j, "seq", cy->seq);
	if (cy->vcpu == KX_VCPU_UNKNOWN)
		kx_json_null(j, "vcpu");
	else
		kx_json_i64(j, "vcpu", cy->vcpu);
	kx_json_i64(j, "tid", cy->tid);
	kx_json_str(j, "buffer", buffer_name(r, cy->buffer));
	kx_json_u64(j, "index", cy->index);
	kx_json_u64(j, "start", cy->start);
	kx_json_u64(j, "end", cy->end);
	kx_json_u64(j, "guest", cy->guest);
	kx_json_u64(j, "host", cy->host);
	kx_json_u64(j, "idle", cy->idle);
	kx_json_u64(j, "userspace", cy->user);
	kx_json_u64(j, "exits", cy->exits);
	kx_json_u64(j, "idle_exits", cy->idle_exits);
	json_ratio(j, "ratio", cy->ratio);
	kx_json_arr_begin(j, "segments");
	for (uint32_t k = 0; k < cy->nsegs; k++) {
		const struct kx_cycle_seg *s = &cy->segs[k];

		kx_json_obj_begin(j, NULL);
		kx_json_str(j, "name", s->guest ? "guest" :
			    kx_cycles_key_name(r, s->key, name, sizeof(name)));
		kx_json_u64(j, "time", s->dur);
		if (s->idle)
			kx_json_bool(j, "idle", true);
		kx_json_obj_end(j);
	}
	kx_json_arr_end(j);
	kx_json_u64(j, "segments_elided", cy->segs_elided);
	kx_json_arr_begin(j, "subkeys");
	for (uint32_t k = 0; k < cy->nkeys; k++) {
		kx_json_obj_begin(j, NULL);
		kx_json_str(j, "name", kx_cycles_key_name(r, cy->keys[k].key, name, sizeof(name)));
		kx_json_u64(j, "host", cy->keys[k].host);
		kx_json_u64(j, "count", cy->keys[k].count);
		kx_json_obj_end(j);
	}
	kx_json_arr_end(j);
	kx_json_u64(j, "other_host", cy->other_host);
	build_line(&l, r, cy);
	kx_json_str(j, "line", l.buf);
	kx_json_obj_end(j);
}

void kx_cycles_json_end(struct kx_json *j, const struct kx_cycles_render *r, bool list)
{
	const struct kx_cycles_stats *tot = kx_cycles_total(r->cycles);
	const struct kx_cycle *worst;
	size_t n = kx_cycles_nthreads(r->cycles), nworst;

	if (list)
		kx_json_arr_end(j);
	kx_json_bool(j, "has_exits", r->has_exits);
	kx_json_arr_begin(j, "notes");
	if (!event_count(r, "kvm_exit"))
		kx_json_str(j, NULL, unreadable(r, "kvm_exit") ?
			    "no readable kvm_exit events (their format is damaged or does not "
			    "parse): no exit timing, no cycles" :
			    "no kvm_exit events: no exit timing, no cycles");
	else if (!tot->timer_exits)
		kx_json_str(j, NULL, "no timer-programming exits: no cycles");
	if (msr_hint(r))
		kx_json_str(j, NULL, msr_hint(r));
	kx_json_arr_end(j);
	kx_json_obj_begin(j, "cycles");
	json_stats(j, r, tot);
	kx_json_obj_end(j);
	kx_json_u64(j, "discarded", tot->discarded);
	kx_json_arr_begin(j, "vcpus");
	for (size_t i = 0; i < n; i++) {
		const struct kx_cycles_stats *s = kx_cycles_thread(r->cycles, i);

		kx_json_obj_begin(j, NULL);
		kx_json_i64(j, "tid", s->tid);
		if (s->vcpu == KX_VCPU_UNKNOWN)
			kx_json_null(j, "vcpu");
		else
			kx_json_i64(j, "vcpu", s->vcpu);
		if (s->pid >= 0)
			kx_json_i64(j, "pid", s->pid);
		kx_json_str(j, "comm", comm_of(r, s->tid));
		kx_json_str(j, "buffer", buffer_name(r, s->buffer));
		json_stats(j, r, s);
		kx_json_obj_end(j);
	}
	kx_json_arr_end(j);
	if (r->worst) {
		nworst = kx_cycles_worst(r->cycles, &worst);
		kx_json_str(j, "worst_by", r->by_host ? "host" : "ratio");
		kx_json_arr_begin(j, "worst");
		for (size_t i = 0; i < nworst; i++)
			kx_cycles_json_cycle(j, r, &worst[i]);
		kx_json_arr_end(j);
	}
	kx_json_obj_end(j);
	kx_json_finish(j);
}

/* ---- CSV ---- */

void kx_cycles_csv_cycle_header(FILE *out)
{
	fputs("set,seq,vcpu,tid,buffer,index,unit,start,end,guest,host,idle,userspace,exits,"
	      "idle_exits,ratio,subkeys,segments_elided,line\n", out);
}

void kx_cycles_csv_cycle(FILE *out, const struct kx_cycles_render *r, const char *set,
			 const struct kx_cycle *cy)
{
	char name[NAME_LEN], v[16];
	struct line l;

	kx_csv_field(out, set);
	fprintf(out, ",%" PRIu64 ",%s,%" PRId32 ",", cy->seq,
		cy->vcpu == KX_VCPU_UNKNOWN ? "" : vcpu_text(v, sizeof(v), cy->vcpu), cy->tid);
	kx_csv_field(out, buffer_name(r, cy->buffer));
	fprintf(out, ",%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", cy->index, kx_unit_name(unit_of(r)),
		cy->start, cy->end, cy->guest, cy->host, cy->idle, cy->user, cy->exits,
		cy->idle_exits);
	if (cy->ratio != KX_RATIO_INF)
		fprintf(out, "%.4f", (double)cy->ratio / ratio_one);
	fputc(',', out);
	/* "name=host;name=host" (host time per sub-key in the cycle) */
	l.len = 0;
	l.buf[0] = '\0';
	for (uint32_t k = 0; k < cy->nkeys; k++)
		put(&l, "%s%s=%" PRIu64, k ? ";" : "",
		    kx_cycles_key_name(r, cy->keys[k].key, name, sizeof(name)), cy->keys[k].host);
	if (cy->other_host)
		put(&l, ";other=%" PRIu64, cy->other_host);
	kx_csv_field(out, l.buf);
	fprintf(out, ",%" PRIu64 ",", cy->segs_elided);
	build_line(&l, r, cy);
	kx_csv_field(out, l.buf);
	fputc('\n', out);
}

static void csv_stats_row(FILE *out, const struct kx_cycles_render *r,
			  const struct kx_cycles_stats *s, bool all)
{
	static const double pcts[] = { 50, 90, 99 };
	struct kx_cycles_keyshare top[1];
	char name[NAME_LEN], v[16];

	if (all)
		fputs("all,,,", out);
	else {
		fprintf(out, "%s,%" PRId32 ",",
			s->vcpu == KX_VCPU_UNKNOWN ? "" : vcpu_text(v, sizeof(v), s->vcpu), s->tid);
		kx_csv_field(out, comm_of(r, s->tid));
		fputc(',', out);
		kx_csv_field(out, buffer_name(r, s->buffer));
	}
	fprintf(out, ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64, kx_unit_name(unit_of(r)), s->cycles,
		s->timer_exits, s->discarded, s->unfinished, s->guest_total, s->host_total,
		s->idle_total, s->user_total, s->exits);
	for (int k = 0; k < 2; k++) {
		const struct kx_hist *h = k ? &s->host : &s->guest;

		for (int p = 0; p < 3; p++)
			fprintf(out, ",%" PRIu64, kx_hist_percentile(h, pcts[p]));
		fprintf(out, ",%" PRIu64, h->max);
	}
	for (int p = 0; p < 4; p++) {
		fputc(',', out);
		if (s->ratio.count)
			fprintf(out, "%.4f", (double)(p < 3 ? kx_hist_percentile(&s->ratio, pcts[p]) :
						      s->ratio.max) / ratio_one);
	}
	fputc(',', out);
	if (kx_cycles_top_keys(s, top, 1)) {
		kx_csv_field(out, kx_cycles_key_name(r, top[0].key, name, sizeof(name)));
		fprintf(out, ",%.4f", top[0].share);
	} else {
		fputc(',', out);
	}
	fputc('\n', out);
}

void kx_cycles_csv_summary(FILE *out, const struct kx_cycles_render *r)
{
	size_t n = kx_cycles_nthreads(r->cycles);

	fputs("vcpu,tid,comm,buffer,unit,cycles,timer_exits,discarded,unfinished,guest_total,"
	      "host_total,idle_total,userspace_total,exits,guest_p50,guest_p90,guest_p99,guest_max,"
	      "host_p50,host_p90,host_p99,host_max,ratio_p50,ratio_p90,ratio_p99,ratio_max,"
	      "top_subkey,top_subkey_share\n", out);
	for (size_t i = 0; i < n; i++)
		csv_stats_row(out, r, kx_cycles_thread(r->cycles, i), false);
	csv_stats_row(out, r, kx_cycles_total(r->cycles), true);
}
