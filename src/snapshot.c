// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot.c - one run reduced to what compare and check read: named rows
 * with figures and sparse histograms, plus global figures, taken from a
 * built report or from a saved `report --json` document (validated:
 * histogram buckets must be kx_hist bucket bounds and add up to the count).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kx_cycles.h"
#include "kx_grow.h"
#include "kx_jsonread.h"
#include "kx_snapshot.h"

static const char *const fig_names[KX_FIG_NR] = {
	[KX_FIG_COUNT] = "count",
	[KX_FIG_TOTAL] = "total",
	[KX_FIG_MIN] = "min",
	[KX_FIG_MAX] = "max",
	[KX_FIG_MEAN] = "mean",
	[KX_FIG_P50] = "p50",
	[KX_FIG_P90] = "p90",
	[KX_FIG_P99] = "p99",
	[KX_FIG_P999] = "p99_9",
	[KX_FIG_COUNT_PCT] = "count_pct",
	[KX_FIG_TIME_PCT] = "time_pct",
};

const char *kx_snap_fig_name(enum kx_snap_fig f)
{
	return (unsigned)f < KX_FIG_NR ? fig_names[f] : "?";
}

int kx_snap_fig_parse(const char *name)
{
	for (int f = 0; f < KX_FIG_NR; f++)
		if (strcmp(name, fig_names[f]) == 0)
			return f;
	return -1;
}

const char *kx_snap_kind_name(enum kx_snap_kind k)
{
	switch (k) {
	case KX_SNAP_EXIT: return "exit";
	case KX_SNAP_KEY: return "key";
	case KX_SNAP_RAWKEY: return "rawkey";
	case KX_SNAP_GUEST: return "guest";
	default: return "cycles";
	}
}

struct kx_snapshot *kx_snapshot_new(const char *path)
{
	struct kx_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->path = strdup(path ? path : "");
	s->names = kx_names_new();
	if (!s->path || !s->names) {
		kx_snapshot_free(s);
		return NULL;
	}
	s->host_guest_ratio = s->guest_total = s->host_total = s->idle_total = NAN;
	s->exits = s->lost_events = s->discarded = s->orphan_entries = NAN;
	s->unmatched_exits = s->cycles = s->cycles_guest_total = s->cycles_host_total = NAN;
	return s;
}

void kx_snapshot_free(struct kx_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrows; i++)
		free(s->rows[i].bins);
	free(s->rows);
	kx_names_free(s->names);
	free(s->row_of);
	free(s->path);
	free(s);
}

/*
 * Index row @i by its name: the row of a name is its first of the
 * lowest kind, the one a scan of the kinds in order would find.
 * Return: 0 or -ENOMEM.
 */
static int index_row(struct kx_snapshot *s, size_t i)
{
	const struct kx_snap_row *row = &s->rows[i];
	uint32_t known = kx_names_count(s->names);
	int64_t id;

	if (known == s->cap_row_of) {	/* room first: a name interned always has its row */
		size_t *row_of = kx_grow(s->row_of, &s->cap_row_of, sizeof(*row_of), 16);

		if (!row_of)
			return -ENOMEM;
		s->row_of = row_of;
	}
	id = kx_names_intern(s->names, row->name, strlen(row->name));
	if (id < 0)
		return -ENOMEM;
	if (id == known || row->kind < s->rows[s->row_of[id]].kind)
		s->row_of[id] = i;
	return 0;
}

/* Index every row again, after rows were removed. Return: 0 or -ENOMEM. */
static int reindex(struct kx_snapshot *s)
{
	kx_names_free(s->names);
	s->names = kx_names_new();
	if (!s->names)
		return -ENOMEM;
	for (size_t i = 0; i < s->nrows; i++)
		if (index_row(s, i) < 0)
			return -ENOMEM;
	return 0;
}

struct kx_snap_row *kx_snapshot_add_row(struct kx_snapshot *s, enum kx_snap_kind kind,
					const char *name)
{
	struct kx_snap_row *rows, *row;

	if (s->nrows == s->cap_rows) {
		rows = kx_grow(s->rows, &s->cap_rows, sizeof(*rows), 16);
		if (!rows)
			return NULL;
		s->rows = rows;
	}
	row = &s->rows[s->nrows];
	memset(row, 0, sizeof(*row));
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->kind = kind;
	for (int f = 0; f < KX_FIG_NR; f++)
		row->fig[f] = NAN;
	if (index_row(s, s->nrows) < 0)
		return NULL;
	s->nrows++;
	return row;
}

int kx_snap_row_set_hist(struct kx_snap_row *row, const struct kx_hist *h, double scale)
{
	size_t n = 0;

	free(row->bins);
	row->bins = NULL;
	row->nbins = 0;
	for (unsigned b = kx_hist_next_bucket(h, 0); b < KX_HIST_BUCKETS;
	     b = kx_hist_next_bucket(h, b + 1))
		n++;
	if (n) {
		row->bins = calloc(n, sizeof(*row->bins));
		if (!row->bins)
			return -ENOMEM;
		for (unsigned b = kx_hist_next_bucket(h, 0); b < KX_HIST_BUCKETS;
		     b = kx_hist_next_bucket(h, b + 1)) {
			row->bins[row->nbins].low = kx_hist_bucket_low(b);
			row->bins[row->nbins++].count = kx_hist_count_at(h, b);
		}
	}
	row->has_hist = true;
	row->fig[KX_FIG_COUNT] = (double)h->count;
	row->fig[KX_FIG_TOTAL] = (double)h->total / scale;
	row->fig[KX_FIG_MIN] = h->count ? (double)h->min / scale : NAN;
	row->fig[KX_FIG_MAX] = h->count ? (double)h->max / scale : NAN;
	row->fig[KX_FIG_MEAN] = h->count ? kx_hist_mean(h) / scale : NAN;
	row->fig[KX_FIG_P50] = h->count ? (double)kx_hist_percentile(h, 50) / scale : NAN;
	row->fig[KX_FIG_P90] = h->count ? (double)kx_hist_percentile(h, 90) / scale : NAN;
	row->fig[KX_FIG_P99] = h->count ? (double)kx_hist_percentile(h, 99) / scale : NAN;
	row->fig[KX_FIG_P999] = h->count ? (double)kx_hist_percentile(h, 99.9) / scale : NAN;
	return 0;
}

static void set_stat(struct kx_snap_row *row, const struct kx_stat *st)
{
	row->fig[KX_FIG_COUNT] = (double)st->count;
	row->fig[KX_FIG_TOTAL] = (double)st->total;
	row->fig[KX_FIG_MIN] = st->count ? (double)st->min : NAN;
	row->fig[KX_FIG_MAX] = st->count ? (double)st->max : NAN;
	row->fig[KX_FIG_MEAN] = st->count ? st->mean : NAN;
	row->fig[KX_FIG_P50] = st->count ? (double)st->p50 : NAN;
	row->fig[KX_FIG_P90] = st->count ? (double)st->p90 : NAN;
	row->fig[KX_FIG_P99] = st->count ? (double)st->p99 : NAN;
	row->fig[KX_FIG_P999] = st->count ? (double)st->p999 : NAN;
	row->fig[KX_FIG_COUNT_PCT] = st->count_pct;
	row->fig[KX_FIG_TIME_PCT] = st->time_pct;
}

/* Histogram and figures of @h, then the report's own figures on top (they are exact). */
static int add_report_row(struct kx_snapshot *s, enum kx_snap_kind kind, const char *name,
			  const struct kx_stat *st, const struct kx_hist *h, bool idle)
{
	struct kx_snap_row *row = kx_snapshot_add_row(s, kind, name);

	if (!row || (h && kx_snap_row_set_hist(row, h, 1) < 0))
		return -ENOMEM;
	row->idle = idle;
	if (st)
		set_stat(row, st);
	return 0;
}

static void set_shares(struct kx_snap_row *row, double exits, double host_total, bool idle)
{
	row->fig[KX_FIG_COUNT_PCT] = exits > 0 ? 100.0 * row->fig[KX_FIG_COUNT] / exits : NAN;
	row->fig[KX_FIG_TIME_PCT] = !idle && host_total > 0 ?
				    100.0 * row->fig[KX_FIG_TOTAL] / host_total : NAN;
}

/* Raw names of sub-keys whose normalised name differs, merged over reasons. */
static int add_raw_keys(struct kx_snapshot *s, const struct kx_report_group *g)
{
	for (size_t r = 0; r < g->nrows; r++) {
		for (size_t i = 0; i < g->rows[r].nsubs; i++) {
			const struct kx_report_sub *sub = &g->rows[r].subs[i];
			struct kx_snap_row *row;
			struct kx_hist merged;
			bool idle = false, seen = false;
			int err = 0;

			if (!sub->normalized[0] || strcmp(sub->key, sub->normalized) == 0)
				continue;
			for (size_t k = 0; k < s->nrows && !seen; k++)
				seen = s->rows[k].kind == KX_SNAP_RAWKEY &&
				       strcmp(s->rows[k].name, sub->key) == 0;
			if (seen)
				continue;
			kx_hist_init(&merged);
			for (size_t r2 = r; r2 < g->nrows && !err; r2++)
				for (size_t i2 = 0; i2 < g->rows[r2].nsubs && !err; i2++)
					if (strcmp(g->rows[r2].subs[i2].key, sub->key) == 0) {
						err = kx_hist_merge(&merged,
								    g->rows[r2].subs[i2].hist);
						idle |= g->rows[r2].idle;
					}
			row = err ? NULL : kx_snapshot_add_row(s, KX_SNAP_RAWKEY, sub->key);
			if (!row || kx_snap_row_set_hist(row, &merged, 1) < 0) {
				kx_hist_free(&merged);
				return -ENOMEM;
			}
			kx_hist_free(&merged);
			row->idle = idle;
			set_shares(row, (double)g->exits, (double)g->host_total, idle);
		}
	}
	return 0;
}

int kx_snapshot_from_report(const struct kx_report *r, struct kx_snapshot **out)
{
	const struct kx_report_group *g = &r->groups[0];
	struct kx_snapshot *s = kx_snapshot_new(r->path);
	struct kx_snap_row *row;

	if (!s)
		return -ENOMEM;
	s->unit = r->unit;
	s->duration = r->last_ts > r->first_ts ? r->last_ts - r->first_ts : 0;
	s->has_exits = r->has_exits;
	for (size_t i = 0; i < g->nrows; i++)
		if (add_report_row(s, KX_SNAP_EXIT, g->rows[i].reason, &g->rows[i].st,
				   g->rows[i].hist, g->rows[i].idle) < 0)
			goto nomem;
	for (size_t i = 0; i < g->nkeys; i++)
		if (add_report_row(s, KX_SNAP_KEY, g->keys[i].key, &g->keys[i].st,
				   &g->keys[i].hist, false) < 0)
			goto nomem;
	if (add_raw_keys(s, g) < 0)
		goto nomem;
	if (g->guest_hist) {
		if (add_report_row(s, KX_SNAP_GUEST, "guest", NULL, g->guest_hist, false) < 0)
			goto nomem;
		row = &s->rows[s->nrows - 1];
		row->fig[KX_FIG_COUNT] = (double)g->guest_count;
		row->fig[KX_FIG_TOTAL] = (double)g->guest_total;
	}
	s->host_guest_ratio = g->ratio;
	s->guest_total = (double)g->guest_total;
	s->host_total = (double)g->host_total;
	s->idle_total = (double)g->idle_total;
	s->exits = (double)g->exits;
	s->lost_events = (double)r->lost_events;
	s->discarded = (double)r->counts.discarded;
	s->orphan_entries = (double)r->counts.orphan_entries;
	s->unmatched_exits = (double)r->counts.unmatched_exits;
	*out = s;
	return 0;
nomem:
	kx_snapshot_free(s);
	return -ENOMEM;
}

int kx_snapshot_add_cycles(struct kx_snapshot *s, const struct kx_cycles_stats *total)
{
	const struct {
		const char *name;
		enum kx_snap_kind kind;
		const struct kx_hist *h;
		double scale;
	} parts[] = {
		{ "cycles.guest", KX_SNAP_CYCLE_GUEST, &total->guest, 1 },
		{ "cycles.host", KX_SNAP_CYCLE_HOST, &total->host, 1 },
		{ "cycles.ratio", KX_SNAP_CYCLE_RATIO, &total->ratio, KX_RATIO_ONE },
	};

	s->has_cycles = true;
	s->cycles = (double)total->cycles;
	s->cycles_guest_total = (double)total->guest_total;
	s->cycles_host_total = (double)total->host_total;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		struct kx_snap_row *row;

		if (!parts[i].h->count)
			continue;
		row = kx_snapshot_add_row(s, parts[i].kind, parts[i].name);
		if (!row || kx_snap_row_set_hist(row, parts[i].h, parts[i].scale) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- saved JSON reports ---- */

struct jload {
	const struct kx_jdoc *doc;
	struct kx_snapshot *s;
	struct kx_diag *diag;
};

static double jnum(const struct jload *L, uint32_t obj, const char *name)
{
	uint32_t t = kx_jdoc_get(L->doc, obj, name);
	double v;

	if (kx_jdoc_double(L->doc, t, &v) < 0)
		return NAN;
	return v;
}

static int jname(const struct jload *L, uint32_t obj, const char *member, char *buf, size_t size)
{
	uint32_t t = kx_jdoc_get(L->doc, obj, member);

	if (kx_jdoc_str(L->doc, t, buf, size) < 0)
		return kx_diag_set(L->diag, -KX_ECORRUPT, "a row has no usable \"%s\" string", member);
	return 0;
}

/* Read "hist": [[low, count], ...] of @obj into @row (absent: no histogram). */
static int jhist(const struct jload *L, uint32_t obj, struct kx_snap_row *row)
{
	uint32_t arr = kx_jdoc_get(L->doc, obj, "hist"), n;
	uint64_t sum = 0;

	if (arr == KX_JNONE)
		return 0;
	if (kx_jdoc_type(L->doc, arr) != KX_JARR)
		return kx_diag_set(L->diag, -KX_ECORRUPT, "\"hist\" of '%s' is no array", row->name);
	n = L->doc->tok[arr].count;
	row->bins = n ? calloc(n, sizeof(*row->bins)) : NULL;
	if (n && !row->bins)
		return kx_diag_set(L->diag, -ENOMEM, "out of memory");
	for (uint32_t i = 0, pair = kx_jdoc_child(L->doc, arr, 0); i < n;
	     i++, pair = kx_jdoc_next(L->doc, pair)) {
		struct kx_snap_bin *b = &row->bins[i];

		if (kx_jdoc_type(L->doc, pair) != KX_JARR || L->doc->tok[pair].count != 2 ||
		    kx_jdoc_u64(L->doc, kx_jdoc_child(L->doc, pair, 0), &b->low) < 0 ||
		    kx_jdoc_u64(L->doc, kx_jdoc_child(L->doc, pair, 1), &b->count) < 0)
			return kx_diag_set(L->diag, -KX_ECORRUPT,
					   "\"hist\" of '%s': entry %u is not [bucket_low, count]",
					   row->name, i);
		if (kx_hist_bucket_low(kx_hist_bucket(b->low)) != b->low ||
		    (i && b->low <= row->bins[i - 1].low) || !b->count ||
		    sum > UINT64_MAX - b->count)
			return kx_diag_set(L->diag, -KX_ECORRUPT,
					   "\"hist\" of '%s': entry %u is no ascending bucket bound",
					   row->name, i);
		sum += b->count;
		row->nbins++;
	}
	if (!isnan(row->fig[KX_FIG_COUNT]) && (double)sum != row->fig[KX_FIG_COUNT])
		return kx_diag_set(L->diag, -KX_ECORRUPT,
				   "\"hist\" of '%s' holds %llu samples, its count says %.0f",
				   row->name, (unsigned long long)sum, row->fig[KX_FIG_COUNT]);
	row->has_hist = true;
	return 0;
}

static int jrow(const struct jload *L, uint32_t obj, enum kx_snap_kind kind, const char *name,
		struct kx_snap_row **out)
{
	struct kx_snap_row *row = kx_snapshot_add_row(L->s, kind, name);

	if (!row)
		return kx_diag_set(L->diag, -ENOMEM, "out of memory");
	for (int f = 0; f < KX_FIG_NR; f++)
		row->fig[f] = jnum(L, obj, fig_names[f]);
	if (out)
		*out = row;
	return jhist(L, obj, row);
}

/* Add the bins of @row to @h's buckets and count. Return: 0 or -ENOMEM. */
static int add_bins(struct kx_hist *h, const struct kx_snap_row *row)
{
	for (size_t k = 0; k < row->nbins; k++) {
		if (kx_hist_add_count(h, kx_hist_bucket(row->bins[k].low), row->bins[k].count) < 0)
			return -ENOMEM;
		h->count += row->bins[k].count;
	}
	return 0;
}

/* Merge the raw sub-key rows that share a name (after reading every reason). */
static int merge_raw_keys(const struct jload *L)
{
	struct kx_snapshot *s = L->s;

	for (size_t i = 0; i < s->nrows; i++) {
		struct kx_snap_row *a = &s->rows[i];
		struct kx_hist h;
		double total, lo, hi;
		bool merged = false;

		if (a->kind != KX_SNAP_RAWKEY)
			continue;
		kx_hist_init(&h);
		total = a->fig[KX_FIG_TOTAL];
		lo = a->fig[KX_FIG_MIN];
		hi = a->fig[KX_FIG_MAX];
		for (size_t j = i + 1; j < s->nrows; j++) {
			struct kx_snap_row *b = &s->rows[j];

			if (b->kind != KX_SNAP_RAWKEY || strcmp(a->name, b->name))
				continue;
			if ((!merged && add_bins(&h, a) < 0) || add_bins(&h, b) < 0) {
				kx_hist_free(&h);
				return kx_diag_set(L->diag, -ENOMEM, "out of memory");
			}
			merged = true;
			total += b->fig[KX_FIG_TOTAL];
			lo = fmin(lo, b->fig[KX_FIG_MIN]);
			hi = fmax(hi, b->fig[KX_FIG_MAX]);
			a->idle |= b->idle;
			a->has_hist &= b->has_hist;
			free(b->bins);
			memmove(b, b + 1, (s->nrows - j - 1) * sizeof(*b));
			s->nrows--;
			j--;
		}
		if (!merged)
			continue;
		h.total = (uint64_t)total;
		h.min = (uint64_t)lo;
		h.max = (uint64_t)hi;
		if (kx_snap_row_set_hist(a, &h, 1) < 0) {
			kx_hist_free(&h);
			return kx_diag_set(L->diag, -ENOMEM, "out of memory");
		}
		kx_hist_free(&h);
		set_shares(a, L->s->exits, L->s->host_total, a->idle);
	}
	/* rows were removed: their places changed */
	if (reindex(s) < 0)
		return kx_diag_set(L->diag, -ENOMEM, "out of memory");
	return 0;
}

static int jexits(const struct jload *L, uint32_t exits)
{
	char name[KX_KEY_NAME_MAX], norm[KX_KEY_NAME_MAX];
	struct kx_snap_row *row;
	int err;

	for (uint32_t i = 0, e = kx_jdoc_child(L->doc, exits, 0); i < L->doc->tok[exits].count;
	     i++, e = kx_jdoc_next(L->doc, e)) {
		uint32_t subs, t, idle_tok;
		bool idle;

		if (kx_jdoc_type(L->doc, e) != KX_JOBJ)
			return kx_diag_set(L->diag, -KX_ECORRUPT, "\"exits\" entry %u is no object", i);
		err = jname(L, e, "reason", name, sizeof(name));
		if (err)
			return err;
		idle_tok = kx_jdoc_get(L->doc, e, "idle");
		idle = kx_jdoc_type(L->doc, idle_tok) == KX_JTRUE;
		err = jrow(L, e, KX_SNAP_EXIT, name, &row);
		if (err)
			return err;
		row->idle = idle;
		subs = kx_jdoc_get(L->doc, e, "subkeys");
		if (subs == KX_JNONE)
			continue;
		if (kx_jdoc_type(L->doc, subs) != KX_JARR)
			return kx_diag_set(L->diag, -KX_ECORRUPT, "\"subkeys\" of '%s' is no array", name);
		for (uint32_t k = 0, sub = kx_jdoc_child(L->doc, subs, 0);
		     k < L->doc->tok[subs].count; k++, sub = kx_jdoc_next(L->doc, sub)) {
			if (kx_jdoc_type(L->doc, sub) != KX_JOBJ)
				return kx_diag_set(L->diag, -KX_ECORRUPT, "a sub-key of '%s' is no object", name);
			err = jname(L, sub, "key", name, sizeof(name));
			if (err)
				return err;
			t = kx_jdoc_get(L->doc, sub, "normalized");
			if (kx_jdoc_str(L->doc, t, norm, sizeof(norm)) < 0 ||
			    strcmp(norm, name) == 0)
				continue;
			err = jrow(L, sub, KX_SNAP_RAWKEY, name, &row);
			if (err)
				return err;
			row->idle = idle;
		}
	}
	return 0;
}

static int jkeys(const struct jload *L, uint32_t keys)
{
	char name[KX_KEY_NAME_MAX];
	int err;

	for (uint32_t i = 0, k = kx_jdoc_child(L->doc, keys, 0); i < L->doc->tok[keys].count;
	     i++, k = kx_jdoc_next(L->doc, k)) {
		if (kx_jdoc_type(L->doc, k) != KX_JOBJ)
			return kx_diag_set(L->diag, -KX_ECORRUPT, "\"keys\" entry %u is no object", i);
		err = jname(L, k, "key", name, sizeof(name));
		if (!err)
			err = jrow(L, k, KX_SNAP_KEY, name, NULL);
		if (err)
			return err;
	}
	return 0;
}

/* "cycles": {"count", "guest_total", "host_total", "guest": {..}, "host": {..}, "ratio": {..}} */
static int jcycles(const struct jload *L, uint32_t cy)
{
	static const struct {
		const char *member;
		const char *row;
		enum kx_snap_kind kind;
	} parts[] = {
		{ "guest", "cycles.guest", KX_SNAP_CYCLE_GUEST },
		{ "host", "cycles.host", KX_SNAP_CYCLE_HOST },
		{ "ratio", "cycles.ratio", KX_SNAP_CYCLE_RATIO },
	};
	int err;

	L->s->has_cycles = true;
	L->s->cycles = jnum(L, cy, "count");
	L->s->cycles_guest_total = jnum(L, cy, "guest_total");
	L->s->cycles_host_total = jnum(L, cy, "host_total");
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		uint32_t o = kx_jdoc_get(L->doc, cy, parts[i].member);
		struct kx_snap_row *row;

		if (kx_jdoc_type(L->doc, o) != KX_JOBJ)
			continue;
		err = jrow(L, o, parts[i].kind, parts[i].row, &row);
		if (err)
			return err;
		row->fig[KX_FIG_COUNT] = L->s->cycles;
		if (parts[i].kind != KX_SNAP_CYCLE_RATIO && L->s->cycles > 0) {
			row->fig[KX_FIG_TOTAL] = parts[i].kind == KX_SNAP_CYCLE_GUEST ?
						 L->s->cycles_guest_total : L->s->cycles_host_total;
			row->fig[KX_FIG_MEAN] = row->fig[KX_FIG_TOTAL] / L->s->cycles;
		}
	}
	return 0;
}

int kx_snapshot_from_json(const char *path, const char *text, size_t len,
			  struct kx_snapshot **out, struct kx_diag *diag)
{
	struct kx_jdoc doc;
	struct jload L = { .doc = &doc, .diag = diag };
	char unit[16];
	uint64_t schema;
	uint32_t t, span, exits, keys, guest, host, cy;
	int err;

	err = kx_jdoc_parse(&doc, text, len, diag);
	if (err)
		return err;
	err = -KX_EFORMAT;
	t = kx_jdoc_get(&doc, 0, "tool");
	if (kx_jdoc_str(&doc, t, unit, sizeof(unit)) < 0 || strcmp(unit, "kvmexit-stat")) {
		kx_diag_set(diag, err, "JSON but not a kvmexit-stat report (no \"tool\": \"kvmexit-stat\")");
		goto out;
	}
	/* `cycles --json` has no schema member; a report's must be ours */
	t = kx_jdoc_get(&doc, 0, "schema");
	if (t != KX_JNONE && (kx_jdoc_u64(&doc, t, &schema) < 0 || schema != KX_REPORT_SCHEMA)) {
		kx_diag_set(diag, err, "report schema is not %d (this version's)", KX_REPORT_SCHEMA);
		goto out;
	}
	exits = kx_jdoc_get(&doc, 0, "exits");
	cy = kx_jdoc_get(&doc, 0, "cycles");
	if (kx_jdoc_type(&doc, exits) != KX_JARR && kx_jdoc_type(&doc, cy) != KX_JOBJ) {
		kx_diag_set(diag, err, "report without \"exits\" array or \"cycles\" object");
		goto out;
	}
	err = -ENOMEM;
	L.s = kx_snapshot_new(path);
	if (!L.s) {
		kx_diag_set(diag, err, "out of memory");
		goto out;
	}
	err = -KX_ECORRUPT;
	t = kx_jdoc_get(&doc, 0, "unit");
	if (kx_jdoc_str(&doc, t, unit, sizeof(unit)) < 0 ||
	    (strcmp(unit, "ns") && strcmp(unit, "cycles"))) {
		kx_diag_set(diag, err, "report without a \"unit\" of ns or cycles");
		goto out;
	}
	L.s->unit = strcmp(unit, "ns") ? KX_UNIT_CYCLES : KX_UNIT_NS;
	span = kx_jdoc_get(&doc, 0, "span");
	t = kx_jdoc_get(&doc, span, "duration");
	if (t != KX_JNONE && kx_jdoc_u64(&doc, t, &L.s->duration) < 0) {
		kx_diag_set(diag, err, "\"span\".\"duration\" is no count");
		goto out;
	}
	/* without the member (a cycles document of an earlier version): not known to lack them */
	t = kx_jdoc_get(&doc, 0, "has_exits");
	L.s->has_exits = t == KX_JNONE || kx_jdoc_type(&doc, t) == KX_JTRUE;
	guest = kx_jdoc_get(&doc, 0, "guest");
	host = kx_jdoc_get(&doc, 0, "host");
	L.s->host_guest_ratio = jnum(&L, 0, "host_guest_ratio");
	L.s->guest_total = jnum(&L, guest, "total");
	L.s->host_total = jnum(&L, host, "total");
	L.s->idle_total = jnum(&L, host, "idle_total");
	L.s->exits = jnum(&L, host, "exits");
	L.s->lost_events = jnum(&L, 0, "lost_events");
	L.s->discarded = jnum(&L, 0, "discarded");
	L.s->orphan_entries = jnum(&L, 0, "orphan_entries");
	L.s->unmatched_exits = jnum(&L, 0, "unmatched_exits");
	if (kx_jdoc_type(&doc, exits) == KX_JARR) {
		err = jexits(&L, exits);
		if (!err)
			err = merge_raw_keys(&L);
		if (err)
			goto out;
	}
	keys = kx_jdoc_get(&doc, 0, "keys");
	if (kx_jdoc_type(&doc, keys) == KX_JARR && (err = jkeys(&L, keys)))
		goto out;
	if (kx_jdoc_type(&doc, guest) == KX_JOBJ) {
		struct kx_snap_row *row;

		err = jrow(&L, guest, KX_SNAP_GUEST, "guest", &row);
		if (err)
			goto out;
		if (row->fig[KX_FIG_COUNT] > 0)
			row->fig[KX_FIG_MEAN] = row->fig[KX_FIG_TOTAL] / row->fig[KX_FIG_COUNT];
	}
	if (kx_jdoc_type(&doc, cy) == KX_JOBJ && (err = jcycles(&L, cy)))
		goto out;
	*out = L.s;
	L.s = NULL;
	err = 0;
out:
	kx_snapshot_free(L.s);
	kx_jdoc_free(&doc);
	return err;
}

const struct kx_snap_row *kx_snapshot_find(const struct kx_snapshot *s, const char *name)
{
	int64_t id = kx_names_find(s->names, name);

	if (id >= 0)
		return &s->rows[s->row_of[id]];
	for (int kind = KX_SNAP_EXIT; kind <= KX_SNAP_CYCLE_RATIO; kind++)
		for (size_t i = 0; i < s->nrows; i++)
			if (s->rows[i].kind == (enum kx_snap_kind)kind &&
			    strcasecmp(s->rows[i].name, name) == 0)
				return &s->rows[i];
	return NULL;
}

double kx_snap_row_rate(const struct kx_snapshot *s, const struct kx_snap_row *row)
{
	if (s->unit != KX_UNIT_NS || !s->duration || isnan(row->fig[KX_FIG_COUNT]))
		return NAN;
	return row->fig[KX_FIG_COUNT] * 1e9 / (double)s->duration;
}
