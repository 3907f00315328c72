// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - builds the immutable exit-time report from the accumulated
 * statistics and the run's metadata: derived figures (percentiles, shares,
 * ratios), names of reasons and sub-keys, deterministic ordering. Strings
 * are copied so the report outlives the source it came from.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_grow.h"
#include "kx_report.h"

void kx_stat_from_hist(struct kx_stat *st, const struct kx_hist *h)
{
	memset(st, 0, sizeof(*st));
	st->count = h->count;
	st->total = h->total;
	st->min = h->count ? h->min : 0;
	st->max = h->max;
	st->mean = kx_hist_mean(h);
	st->p50 = kx_hist_percentile(h, 50);
	st->p90 = kx_hist_percentile(h, 90);
	st->p99 = kx_hist_percentile(h, 99);
	st->p999 = kx_hist_percentile(h, 99.9);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int cmp_rows(const void *a, const void *b)
{
	const struct kx_report_row *x = a, *y = b;

	if (x->idle != y->idle)
		return x->idle ? 1 : -1;
	if (x->st.total != y->st.total)
		return x->st.total > y->st.total ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

static int cmp_subs(const void *a, const void *b)
{
	const struct kx_report_sub *x = a, *y = b;

	if (x->st.total != y->st.total)
		return x->st.total > y->st.total ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int cmp_keys(const void *a, const void *b)
{
	const struct kx_report_key *x = a, *y = b;

	if (x->st.total != y->st.total)
		return x->st.total > y->st.total ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int cmp_helpers(const void *a, const void *b)
{
	const struct kx_report_helper *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

/*
 * --by vcpu: per buffer and VM process (where the input has it), in vcpu_id
 * order (threads without one last), then by thread id
 */
static int cmp_groups(const void *a, const void *b)
{
	const struct kx_attrib_group *x = a, *y = b;
	bool xu = x->vcpu == KX_VCPU_UNKNOWN, yu = y->vcpu == KX_VCPU_UNKNOWN;

	if (x->buffer != y->buffer)
		return x->buffer < y->buffer ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (xu != yu)
		return xu ? 1 : -1;
	if (x->vcpu != y->vcpu)
		return x->vcpu < y->vcpu ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void set_shares(struct kx_stat *st, const struct kx_report_group *g, bool idle)
{
	st->count_pct = g->exits ? 100.0 * (double)st->count / (double)g->exits : NAN;
	st->time_pct = !idle && g->host_total ?
		       100.0 * (double)st->total / (double)g->host_total : NAN;
}

/*
 * Append @reason to the key's list unless it ends it already: the rows are
 * visited in table order, so a reason repeats only for the sub-keys of one
 * row (two raw names with one normalised name).
 */
static int add_reason(struct kx_report_key *k, const char *reason)
{
	size_t used = k->reasons ? strlen(k->reasons) : 0, len = strlen(reason);
	char *grown;

	if (used >= len && strcmp(k->reasons + used - len, reason) == 0 &&
	    (used == len || k->reasons[used - len - 1] == ','))
		return 0;
	grown = realloc(k->reasons, used + len + 2);
	if (!grown)
		return -ENOMEM;
	k->reasons = grown;
	if (used)
		k->reasons[used++] = ',';
	memcpy(k->reasons + used, reason, len + 1);
	return 0;
}

/*
 * Merge one sub-key into the flat per-key list of the group (--keys);
 * @index holds the list's names, each with its place in the list as id.
 */
static int add_key(struct kx_report_group *g, size_t *cap, struct kx_names *index,
		   const struct kx_report_sub *sub, const char *reason)
{
	const char *name = sub->normalized[0] ? sub->normalized : sub->key;
	int64_t id = kx_names_intern(index, name, strlen(name));
	struct kx_report_key *k;

	if (id < 0)
		return -ENOMEM;
	if ((size_t)id < g->nkeys) {
		k = &g->keys[id];
	} else {
		if (g->nkeys == *cap) {
			struct kx_report_key *keys = kx_grow(g->keys, cap, sizeof(*keys), 8);

			if (!keys)
				return -ENOMEM;
			g->keys = keys;
		}
		k = &g->keys[g->nkeys++];
		memset(k, 0, sizeof(*k));
		snprintf(k->key, sizeof(k->key), "%s", name);
		k->normalized = sub->normalized[0] != '\0';
		kx_hist_init(&k->hist);
	}
	if (kx_hist_merge(&k->hist, sub->hist) < 0)
		return -ENOMEM;
	k->st.user += sub->st.user;
	kx_guest_modes_merge(&k->st.modes, &sub->st.modes);
	return add_reason(k, reason);
}

/* The rows and keys of @g from @ag; @key_index and *@cap_keys: see add_key(). */
static int fill_group(struct kx_report_group *g, struct kx_attrib_group *ag,
		      const struct kx_names *names, struct kx_names *key_index, size_t *cap_keys)
{
	g->tid = ag->tid;
	g->pid = ag->pid;
	g->vcpu = ag->vcpu;
	g->guest_count = ag->guest.count;
	g->guest_total = ag->guest.total;
	g->guest_hist = &ag->guest;
	for (uint32_t r = 0; r < ag->nrows; r++)
		g->nrows += ag->rows[r].used;
	g->rows = calloc(g->nrows ? g->nrows : 1, sizeof(*g->rows));
	if (!g->rows)
		return -ENOMEM;
	g->nrows = 0;
	for (uint32_t r = 0; r < ag->nrows; r++) {
		const struct kx_attrib_row *ar = &ag->rows[r];
		struct kx_report_row *row;

		if (!ar->used)
			continue;
		row = &g->rows[g->nrows++];
		snprintf(row->reason, sizeof(row->reason), "%s",
			 kx_names_get(names, ar->reason) ? kx_names_get(names, ar->reason) : "?");
		row->code = ar->code;
		row->isa = ar->isa;
		row->idle = ar->idle;
		row->failed_vmentry = ar->failed_vmentry;
		row->hist = &ar->h;
		kx_stat_from_hist(&row->st, &ar->h);
		row->st.user = ar->user;
		row->st.modes = ar->modes;
		g->exits += ar->h.count;
		g->user_total += ar->user;
		if (ar->idle)
			g->idle_total += ar->h.total;
		else
			g->host_total += ar->h.total;
		row->nsubs = ar->nsubs;
		row->subs = calloc(ar->nsubs ? ar->nsubs : 1, sizeof(*row->subs));
		if (!row->subs)
			return -ENOMEM;
		for (uint32_t s = 0; s < ar->nsubs; s++) {
			struct kx_report_sub *sub = &row->subs[s];

			kx_subkey_name(&ar->subs[s].sk, sub->key, sizeof(sub->key));
			if (!kx_subkey_normalized(&ar->subs[s].sk, sub->normalized,
						  sizeof(sub->normalized)))
				sub->normalized[0] = '\0';
			sub->hist = &ar->subs[s].h;
			kx_stat_from_hist(&sub->st, &ar->subs[s].h);
			sub->st.user = ar->subs[s].user;
			sub->st.modes = ar->subs[s].modes;
		}
	}
	g->ratio = g->guest_total ? (double)g->host_total / (double)g->guest_total : NAN;
	/* sorted first: a key lists its reasons in the table's order, not as they were met */
	qsort(g->rows, g->nrows, sizeof(*g->rows), cmp_rows);
	for (size_t i = 0; i < g->nrows; i++) {
		struct kx_report_row *row = &g->rows[i];

		set_shares(&row->st, g, row->idle);
		qsort(row->subs, row->nsubs, sizeof(*row->subs), cmp_subs);
		for (size_t s = 0; s < row->nsubs; s++) {
			set_shares(&row->subs[s].st, g, row->idle);
			if (add_key(g, cap_keys, key_index, &row->subs[s], row->reason) < 0)
				return -ENOMEM;
		}
	}
	for (size_t k = 0; k < g->nkeys; k++) {
		struct kx_stat *st = &g->keys[k].st;
		uint64_t user = st->user;
		struct kx_guest_modes modes = st->modes;

		kx_stat_from_hist(st, &g->keys[k].hist);
		st->user = user;
		st->modes = modes;
		set_shares(st, g, false);
	}
	if (g->nkeys)	/* keys is NULL while empty; qsort must not see it */
		qsort(g->keys, g->nkeys, sizeof(*g->keys), cmp_keys);
	return 0;
}

static int build_group(struct kx_report_group *g, struct kx_attrib_group *ag,
		       const struct kx_names *names)
{
	struct kx_names *key_index = kx_names_new();
	size_t cap_keys = 0;
	int err = key_index ? fill_group(g, ag, names, key_index, &cap_keys) : -ENOMEM;

	kx_names_free(key_index);
	return err;
}

static void label_group(struct kx_report_group *g, const struct kx_source *src)
{
	if (g->tid < 0) {
		snprintf(g->label, sizeof(g->label), "all vCPU threads");
		return;
	}
	const char *comm = kx_source_comm(src, g->tid);

	snprintf(g->comm, sizeof(g->comm), "%s", comm ? comm : "");
	if (g->vcpu != KX_VCPU_UNKNOWN)
		snprintf(g->label, sizeof(g->label), "%s tid %d vcpu %d",
			 comm ? comm : "?", g->tid, g->vcpu);
	else
		snprintf(g->label, sizeof(g->label), "%s tid %d", comm ? comm : "?", g->tid);
}

/*
 * Lost events: the reader counts the whole trace, the run the gaps in the
 * --time window. Losses with no time of their own count in every window:
 * their marker is at the trace's end, where the run counts it only when
 * the window reaches there.
 */
static void window_losses(struct kx_report *r, const struct kx_run *run,
			  const struct kx_source_info *info)
{
	bool windowed = r->window_from || r->window_to;
	bool at_end = run->filter.from_ts <= run->last_ts && run->last_ts <= run->filter.to_ts;
	const struct kx_lost_counts *c = windowed ? &run->lost : &info->lost;

	r->lost_events = c->events;
	r->lost_markers = c->markers;
	r->lost_unknown = c->unknown;
	if (windowed && info->lost_untimed && !at_end) {
		r->lost_events += info->lost_untimed;
		r->lost_markers++;
	}
}

static int copy_meta(struct kx_report *r, const struct kx_run *run)
{
	const struct kx_source_info *info = kx_source_info(run->src);

	r->path = dup_or_empty(info->path);
	r->format_name = dup_or_empty(info->format_name);
	r->clock = dup_or_empty(info->clock);
	r->note = info->note ? strdup(info->note) : NULL;
	if (!r->path || !r->format_name || !r->clock || (info->note && !r->note))
		return -ENOMEM;
	r->unit = info->unit;
	r->resolution = info->resolution;
	r->tsc_khz = info->tsc_khz;
	r->nr_cpus = info->nr_cpus;
	r->records = info->records;
	kx_run_span(run, &r->first_ts, &r->last_ts);
	r->trace_first_ts = run->first_ts;
	r->trace_last_ts = run->last_ts;
	r->window_from = run->filter.from.set;
	r->window_to = run->filter.to.set;
	r->window_start = run->filter.from_ts;
	r->window_end = run->filter.to_ts;
	window_losses(r, run, info);
	r->helpers_without_vcpu = run->helpers_without_vcpu;
	r->counts = *kx_pair_counts(run->pair);
	r->has_exits = kx_pair_timed(&r->counts);	/* and, once built, what passed the filters */
	r->filtered = kx_filter_active(&run->filter);
	r->buffers = calloc(info->nr_buffers + 1, sizeof(*r->buffers));
	if (!r->buffers)
		return -ENOMEM;
	for (unsigned i = 0; i < info->nr_buffers; i++) {
		r->buffers[i] = dup_or_empty(info->buffer_names ? info->buffer_names[i] : "");
		if (!r->buffers[i])
			return -ENOMEM;
		r->nr_buffers++;
	}
	r->events = calloc(info->nr_event_counts + 1, sizeof(*r->events));
	if (!r->events)
		return -ENOMEM;
	for (size_t i = 0; i < info->nr_event_counts; i++) {
		r->events[i].name = strdup(info->event_counts[i].name);
		if (!r->events[i].name)
			return -ENOMEM;
		r->events[i].count = info->event_counts[i].count;
		r->nevents++;
	}
	r->unreadable = calloc(info->nr_unreadable + 1, sizeof(*r->unreadable));
	if (!r->unreadable)
		return -ENOMEM;
	for (size_t i = 0; i < info->nr_unreadable; i++) {
		r->unreadable[i] = strdup(info->unreadable[i]);
		if (!r->unreadable[i])
			return -ENOMEM;
		r->nunreadable++;
	}
	return 0;
}

static int copy_helpers(struct kx_report *r, const struct kx_attrib *a)
{
	r->helpers = calloc(a->nhelpers + 1, sizeof(*r->helpers));
	if (!r->helpers)
		return -ENOMEM;
	for (uint32_t i = 0; i < a->nhelpers; i++) {
		struct kx_report_helper *h = &r->helpers[i];

		kx_subkey_name(&a->helpers[i].sk, h->key, sizeof(h->key));
		if (!kx_subkey_normalized(&a->helpers[i].sk, h->normalized, sizeof(h->normalized)))
			h->normalized[0] = '\0';
		h->count = a->helpers[i].count;
	}
	r->nhelpers = a->nhelpers;
	qsort(r->helpers, r->nhelpers, sizeof(*r->helpers), cmp_helpers);
	return 0;
}

static int copy_longest(struct kx_report *r, struct kx_attrib *a, const struct kx_names *names,
			const struct kx_source *src)
{
	kx_topn_sort(&a->longest);
	r->longest_asked = (uint32_t)a->longest.cap;
	r->longest = calloc(a->longest.n + 1, sizeof(*r->longest));
	if (!r->longest)
		return -ENOMEM;
	for (size_t i = 0; i < a->longest.n; i++) {
		const struct kx_attrib_exit *e = kx_topn_at(&a->longest, i);
		struct kx_report_exit *x = &r->longest[i];
		const char *reason = kx_names_get(names, e->reason);
		const char *comm = kx_source_comm(src, e->tid);

		x->start = e->start;
		x->duration = e->end - e->start;
		snprintf(x->reason, sizeof(x->reason), "%s", reason ? reason : "?");
		if (e->sk.cls != KX_SK_NONE) {
			kx_subkey_name(&e->sk, x->key, sizeof(x->key));
			if (!kx_subkey_normalized(&e->sk, x->normalized, sizeof(x->normalized)))
				x->normalized[0] = '\0';
		}
		snprintf(x->comm, sizeof(x->comm), "%s", comm ? comm : "");
		x->tid = e->tid;
		x->pid = e->pid;
		x->vcpu = e->vcpu;
		x->code = e->code;
		x->buffer = e->buffer < r->nr_buffers ? r->buffers[e->buffer] : "";
		x->guest_mode = e->guest_mode == KX_GUEST_KERNEL ? "kernel" :
				e->guest_mode == KX_GUEST_USER ? "user" : "";
	}
	r->nlongest = a->longest.n;
	return 0;
}

int kx_report_build(const struct kx_run *run, struct kx_attrib *attrib, struct kx_report **out)
{
	const struct kx_names *names = kx_source_names(run->src);
	struct kx_report *r = calloc(1, sizeof(*r));
	int err;

	if (!r) {
		kx_attrib_free(attrib);
		return -ENOMEM;
	}
	r->attrib = attrib;
	/* the order does not depend on which thread showed up first */
	if (attrib->ngroups > 2)
		qsort(attrib->groups + 1, attrib->ngroups - 1, sizeof(*attrib->groups), cmp_groups);
	err = copy_meta(r, run);
	if (!err)
		err = copy_helpers(r, attrib);
	if (!err)
		err = copy_longest(r, attrib, names, run->src);
	if (!err) {
		r->groups = calloc(attrib->ngroups, sizeof(*r->groups));
		if (!r->groups)
			err = -ENOMEM;
	}
	for (uint32_t i = 0; !err && i < attrib->ngroups; i++) {
		r->ngroups++;
		err = build_group(&r->groups[i], &attrib->groups[i], names);
		label_group(&r->groups[i], run->src);
	}
	if (err) {
		kx_report_free(r);
		return err;
	}
	if (!r->groups[0].exits && !r->groups[0].guest_count)
		r->has_exits = false;
	*out = r;
	return 0;
}

const char *kx_report_nothing_timed(const struct kx_report *r, char *buf, size_t len)
{
	char first[32], last[32], span[2 * 32 + 40] = "";

	if (r->has_exits || !kx_pair_timed(&r->counts))
		return NULL;
	if (r->window_from || r->window_to)
		snprintf(span, sizeof(span), "; the trace's events run from %s to %s",
			 kx_report_trace_time(first, sizeof(first), r->trace_first_ts, r->unit),
			 kx_report_trace_time(last, sizeof(last), r->trace_last_ts, r->unit));
	if (r->filtered)
		snprintf(buf, len, "no exit or guest run passes --vcpu, --pid or --time%s", span);
	else
		snprintf(buf, len, "no complete exit or guest run");
	return buf;
}

static bool unreadable(const struct kx_report *r, const char *name)
{
	for (size_t i = 0; i < r->nunreadable; i++)
		if (!strcmp(r->unreadable[i], name))
			return true;
	return false;
}

const char *kx_report_unreadable_timed(const struct kx_report *r)
{
	bool exit = unreadable(r, "kvm_exit"), entry = unreadable(r, "kvm_entry");

	if (exit && entry)
		return "the formats of kvm_exit and kvm_entry are damaged or do not parse";
	if (exit)
		return "the format of kvm_exit is damaged or does not parse";
	if (entry)
		return "the format of kvm_entry is damaged or does not parse";
	return NULL;
}

char *kx_report_fixed(char *buf, size_t len, uint64_t v, enum kx_unit unit, unsigned decimals)
{
	uint64_t scale = 1;

	for (unsigned i = 0; i < decimals; i++)
		scale *= 10;
	if (unit == KX_UNIT_NS)
		snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, v / scale, (int)decimals, v % scale);
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

void kx_report_free(struct kx_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ngroups; i++) {
		struct kx_report_group *g = &r->groups[i];

		for (size_t j = 0; j < g->nrows; j++)
			free(g->rows[j].subs);
		free(g->rows);
		for (size_t k = 0; k < g->nkeys; k++) {
			kx_hist_free(&g->keys[k].hist);
			free(g->keys[k].reasons);
		}
		free(g->keys);
	}
	free(r->groups);
	for (unsigned i = 0; i < r->nr_buffers; i++)
		free(r->buffers[i]);
	free(r->buffers);
	for (size_t i = 0; i < r->nevents; i++)
		free((char *)r->events[i].name);
	free(r->events);
	for (size_t i = 0; i < r->nunreadable; i++)
		free(r->unreadable[i]);
	free(r->unreadable);
	free(r->helpers);
	free(r->longest);
	free(r->path);
	free(r->format_name);
	free(r->clock);
	free(r->note);
	kx_attrib_free(r->attrib);
	free(r);
}
