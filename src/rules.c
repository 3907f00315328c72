// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rules.c - parses CI gate rules (command line specs and rules files) and
 * evaluates them on a snapshot, regress rules against a baseline snapshot
 * with the Mann-Whitney test of compare.c. A rule naming something the
 * run does not have fails ("not found") unless it is marked optional
 * with '?', in which case it is skipped; no rule ever passes unmeasured.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kx_compare.h"
#include "kx_grow.h"
#include "kx_rules.h"

struct global_fig {
	const char *name;
	enum kx_rule_vtype vtype;
	size_t off;		/* of a double in struct kx_snapshot */
};

static const struct global_fig globals[] = {
	{ "host_guest_ratio", KX_RV_RATIO, offsetof(struct kx_snapshot, host_guest_ratio) },
	{ "host.total", KX_RV_DURATION, offsetof(struct kx_snapshot, host_total) },
	{ "host.idle_total", KX_RV_DURATION, offsetof(struct kx_snapshot, idle_total) },
	{ "host.exits", KX_RV_COUNT, offsetof(struct kx_snapshot, exits) },
	{ "lost_events", KX_RV_COUNT, offsetof(struct kx_snapshot, lost_events) },
	{ "discarded", KX_RV_COUNT, offsetof(struct kx_snapshot, discarded) },
	{ "orphan_entries", KX_RV_COUNT, offsetof(struct kx_snapshot, orphan_entries) },
	{ "unmatched_exits", KX_RV_COUNT, offsetof(struct kx_snapshot, unmatched_exits) },
	{ "cycles.count", KX_RV_COUNT, offsetof(struct kx_snapshot, cycles) },
	{ "cycles.guest_total", KX_RV_DURATION, offsetof(struct kx_snapshot, cycles_guest_total) },
	{ "cycles.host_total", KX_RV_DURATION, offsetof(struct kx_snapshot, cycles_host_total) },
};

#define NR_GLOBALS (sizeof(globals) / sizeof(globals[0]))

const char *kx_check_status_name(enum kx_check_status s)
{
	return s == KX_CHECK_PASS ? "PASS" : s == KX_CHECK_FAIL ? "FAIL" : "SKIP";
}

const char *kx_rule_op_name(enum kx_rule_op op)
{
	return op == KX_RULE_MAX ? "max" : op == KX_RULE_MIN ? "min" : "max-regress";
}

bool kx_rules_has_regress(const struct kx_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].op == KX_RULE_REGRESS)
			return true;
	return false;
}

int kx_parse_alpha(const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -EINVAL;
	v = strtod(s, &end);
	if (strcmp(end, "%") == 0)
		v /= 100;
	else if (*end)
		return -EINVAL;
	if (!(v > 0 && v < 1))
		return -EINVAL;
	*out = v;
	return 0;
}

void kx_rules_free(struct kx_rules *rs)
{
	free(rs->r);
	rs->r = NULL;
	rs->n = rs->cap = 0;
}

/* Copy @s without surrounding blanks into @buf. Return: -1 if it does not fit. */
static int trimmed(char *buf, size_t size, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= size)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static int parse_limit(struct kx_rule *r, const char *v, struct kx_diag *diag)
{
	static const struct {
		const char *suffix;
		enum kx_rule_lunit lunit;
		double scale;
	} units[] = {
		{ "", KX_LU_BARE, 1 }, { "ns", KX_LU_NS, 1 }, { "us", KX_LU_NS, 1e3 },
		{ "ms", KX_LU_NS, 1e6 }, { "s", KX_LU_NS, 1e9 }, { "cycles", KX_LU_CYCLES, 1 },
		{ "%", KX_LU_PCT, 1 },
	};
	char *end;
	double x;
	size_t u;
	bool ok;

	if (!isdigit((unsigned char)*v) && *v != '.')
		return kx_diag_set(diag, -EINVAL, "%s: '%s': limit '%s' is no non-negative number",
				   r->origin, r->text, v);
	x = strtod(v, &end);
	while (isspace((unsigned char)*end))
		end++;
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (strcmp(end, units[u].suffix) == 0)
			break;
	if (u == sizeof(units) / sizeof(units[0]) || !isfinite(x))
		return kx_diag_set(diag, -EINVAL,
				   "%s: '%s': bad limit '%s' (units: ns us ms s cycles %%)",
				   r->origin, r->text, v);
	r->lunit = units[u].lunit;
	r->limit = x * units[u].scale;
	if (r->op == KX_RULE_REGRESS) {
		ok = r->lunit == KX_LU_PCT;
		r->limit /= 100;
	} else {
		switch (r->vtype) {
		case KX_RV_DURATION:
			ok = r->lunit != KX_LU_PCT;
			break;
		case KX_RV_PCT:
			ok = r->lunit == KX_LU_BARE || r->lunit == KX_LU_PCT;
			break;
		case KX_RV_RATIO:
			ok = r->lunit == KX_LU_BARE || r->lunit == KX_LU_PCT;
			if (r->lunit == KX_LU_PCT)
				r->limit /= 100;
			break;
		default:
			ok = r->lunit == KX_LU_BARE;
		}
	}
	if (!ok)
		return kx_diag_set(diag, -EINVAL, "%s: '%s': the unit of '%s' does not fit %s",
				   r->origin, r->text, v,
				   r->op == KX_RULE_REGRESS ? "a regression limit (give a %)" :
				   r->vtype == KX_RV_DURATION ? "a duration" :
				   r->vtype == KX_RV_PCT ? "a share (bare or %)" :
				   r->vtype == KX_RV_RATIO ? "a ratio (bare or %)" : "a count");
	return 0;
}

/* Split "KEY.FIELD[?]" into @r. */
static int parse_key(struct kx_rule *r, char *k, struct kx_diag *diag)
{
	size_t len = strlen(k);
	char *dot;
	int fig;

	if (len && k[len - 1] == '?') {
		r->optional = true;
		k[--len] = '\0';
		while (len && isspace((unsigned char)k[len - 1]))
			k[--len] = '\0';
	}
	r->global = -1;
	r->fig = -1;
	for (size_t g = 0; g < NR_GLOBALS; g++)
		if (strcmp(k, globals[g].name) == 0) {
			if (r->op == KX_RULE_REGRESS)
				return kx_diag_set(diag, -EINVAL, "%s: '%s': %s has no samples to test a regression on",
					r->origin, r->text, k);
			r->global = (int)g;
			r->vtype = globals[g].vtype;
			return 0;
		}
	dot = strrchr(k, '.');
	if (!dot || dot == k)
		return kx_diag_set(diag, -EINVAL, "%s: '%s': '%s' is no global figure and has no .FIELD (count, total, mean, p50, p90, p99, p99_9, min, max, count_pct, time_pct, rate)",
			r->origin, r->text, k);
	*dot = '\0';
	fig = strcmp(dot + 1, "rate") == 0 ? KX_RULE_FIG_RATE : kx_snap_fig_parse(dot + 1);
	if (fig < 0)
		return kx_diag_set(diag, -EINVAL, "%s: '%s': unknown field '%s' (count, total, mean, p50, p90, p99, p99_9, min, max, count_pct, time_pct, rate)",
				   r->origin, r->text, dot + 1);
	if (trimmed(r->key, sizeof(r->key), k, strlen(k)) < 0 || !r->key[0])
		return kx_diag_set(diag, -EINVAL, "%s: '%s': bad key", r->origin, r->text);
	r->fig = fig;
	if (fig == KX_FIG_COUNT)
		r->vtype = KX_RV_COUNT;
	else if (fig == KX_FIG_COUNT_PCT || fig == KX_FIG_TIME_PCT)
		r->vtype = KX_RV_PCT;
	else if (fig == KX_RULE_FIG_RATE)
		r->vtype = KX_RV_RATE;
	else
		r->vtype = strcasecmp(r->key, "cycles.ratio") == 0 ? KX_RV_RATIO : KX_RV_DURATION;
	if (strcmp(r->key, "*") == 0 && r->op != KX_RULE_REGRESS)
		return kx_diag_set(diag, -EINVAL, "%s: '%s': '*' is for max-regress only",
				   r->origin, r->text);
	if (r->op == KX_RULE_REGRESS && fig != KX_FIG_MEAN && fig != KX_FIG_P50 &&
	    fig != KX_FIG_P90 && fig != KX_FIG_P99 && fig != KX_FIG_P999)
		return kx_diag_set(diag, -EINVAL, "%s: '%s': regressions are judged on mean, p50, p90, p99 or p99_9, not %s",
			r->origin, r->text, dot + 1);
	return 0;
}

int kx_rules_add(struct kx_rules *rs, enum kx_rule_op op, const char *spec, const char *origin,
		 struct kx_diag *diag)
{
	char key[KX_KEY_NAME_MAX + 32], val[64];
	const char *eq = strrchr(spec, '=');
	struct kx_rule r;
	int err;

	memset(&r, 0, sizeof(r));
	r.op = op;
	snprintf(r.origin, sizeof(r.origin), "%s", origin);
	if (trimmed(r.text, sizeof(r.text), spec, strlen(spec)) < 0)
		return kx_diag_set(diag, -EINVAL, "%s: rule too long", origin);
	if (!eq && op == KX_RULE_REGRESS) {
		/* a bare percentage: every row's mean */
		strcpy(key, "*.mean");
		if (trimmed(val, sizeof(val), spec, strlen(spec)) < 0)
			return kx_diag_set(diag, -EINVAL, "%s: '%s': limit too long",
				origin, r.text);
	} else if (!eq) {
		return kx_diag_set(diag, -EINVAL, "%s: '%s': want KEY.FIELD=LIMIT", origin, r.text);
	} else if (trimmed(key, sizeof(key), spec, (size_t)(eq - spec)) < 0) {
		return kx_diag_set(diag, -EINVAL, "%s: '%s': key too long", origin, r.text);
	} else if (trimmed(val, sizeof(val), eq + 1, strlen(eq + 1)) < 0) {
		return kx_diag_set(diag, -EINVAL, "%s: '%s': limit too long", origin, r.text);
	}
	err = parse_key(&r, key, diag);
	if (!err)
		err = parse_limit(&r, val, diag);
	if (err)
		return err;
	if (rs->n == rs->cap) {
		struct kx_rule *n = kx_grow(rs->r, &rs->cap, sizeof(*n), 16);

		if (!n)
			return kx_diag_set(diag, -ENOMEM, "out of memory");
		rs->r = n;
	}
	rs->r[rs->n++] = r;
	return 0;
}

int kx_rules_parse(struct kx_rules *rs, const char *text, size_t len, const char *file,
		   struct kx_diag *diag)
{
	static const struct {
		const char *word;
		enum kx_rule_op op;
	} words[] = {
		{ "max-regress", KX_RULE_REGRESS }, { "max", KX_RULE_MAX }, { "min", KX_RULE_MIN },
	};
	char line[KX_RULE_TEXT_MAX + 64], origin[128];
	size_t pos = 0;
	unsigned lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *hash, *rest = NULL;
		size_t w;
		int err;

		lineno++;
		snprintf(origin, sizeof(origin), "%s:%u", file, lineno);
		if (memchr(text + pos, '\0', n))
			return kx_diag_set(diag, -EINVAL, "%s: NUL byte in a rules file", origin);
		if (trimmed(line, sizeof(line), text + pos, n) < 0)
			return kx_diag_set(diag, -EINVAL, "%s: line too long", origin);
		pos += n + (nl != NULL);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (trimmed(line, sizeof(line), line, strlen(line)) < 0 || !line[0])
			continue;
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			size_t wl = strlen(words[w].word);

			if (strncmp(line, words[w].word, wl) == 0 &&
			    isspace((unsigned char)line[wl])) {
				rest = line + wl;
				break;
			}
		}
		if (!rest)
			return kx_diag_set(diag, -EINVAL,
					   "%s: want 'max', 'min' or 'max-regress' and a rule, not '%s'",
					   origin, line);
		err = kx_rules_add(rs, words[w].op, rest, origin, diag);
		if (err)
			return err;
	}
	return 0;
}

/* ---- evaluation ---- */

static struct kx_rule_result *new_result(struct kx_check *c, const struct kx_rule *r,
					 const char *key)
{
	struct kx_rule_result *res;

	if (c->n == c->cap) {
		struct kx_rule_result *n = kx_grow(c->res, &c->cap, sizeof(*n), 16);

		if (!n)
			return NULL;
		c->res = n;
	}
	res = &c->res[c->n++];
	memset(res, 0, sizeof(*res));
	res->rule = r;
	if (r->global >= 0)
		snprintf(res->name, sizeof(res->name), "%s", key);
	else
		snprintf(res->name, sizeof(res->name), "%s.%s", key,
			 r->fig == KX_RULE_FIG_RATE ? "rate" : kx_snap_fig_name(r->fig));
	res->measured = res->limit = res->baseline = res->change = res->p = NAN;
	return res;
}

static double row_value(const struct kx_snapshot *s, const struct kx_snap_row *row, int fig)
{
	return fig == KX_RULE_FIG_RATE ? kx_snap_row_rate(s, row) : row->fig[fig];
}

/* Return: false (and a FAIL) when the limit's unit cannot apply to a run in @unit. */
static bool unit_fits(const struct kx_rule *r, enum kx_unit unit, struct kx_rule_result *res)
{
	if (r->vtype != KX_RV_DURATION || r->op == KX_RULE_REGRESS)
		return true;
	if (r->lunit == KX_LU_NS && unit == KX_UNIT_CYCLES) {
		res->status = KX_CHECK_FAIL;
		snprintf(res->why, sizeof(res->why),
			 "limit in time but the trace counts cycles (give --tsc-khz)");
		return false;
	}
	if (r->lunit == KX_LU_CYCLES && unit == KX_UNIT_NS) {
		res->status = KX_CHECK_FAIL;
		snprintf(res->why, sizeof(res->why), "limit in cycles but the trace is in ns");
		return false;
	}
	return true;
}

static void missing(struct kx_rule_result *res, const struct kx_rule *r, const char *what)
{
	res->status = r->optional ? KX_CHECK_SKIP : KX_CHECK_FAIL;
	snprintf(res->why, sizeof(res->why), "%s%s", what,
		 r->optional ? " (optional rule)" : "");
}

static int eval_limit(struct kx_check *c, const struct kx_rule *r, const struct kx_snapshot *s)
{
	struct kx_rule_result *res;
	const struct kx_snap_row *row = NULL;

	if (r->global < 0)
		row = kx_snapshot_find(s, r->key);
	res = new_result(c, r, r->global >= 0 ? globals[r->global].name :
			 row ? row->name : r->key);
	if (!res)
		return -ENOMEM;
	res->limit = r->limit;
	if (!unit_fits(r, s->unit, res))
		return 0;
	if (r->global >= 0)
		res->measured = *(const double *)((const char *)s + globals[r->global].off);
	else if (row)
		res->measured = row_value(s, row, r->fig);
	else if (strncmp(r->key, "cycles.", 7) == 0)
		return missing(res, r, s->has_cycles ? "no complete timer cycles in this input" :
			       "no timer-cycle figures in this input"), 0;
	else
		return missing(res, r, "key not found in the trace"), 0;
	if (isnan(res->measured))
		return missing(res, r, strncmp(res->name, "cycles", 6) == 0 && !s->has_cycles ?
			       "no timer-cycle figures in this input" :
			       "the input has no value for it"), 0;
	if (r->op == KX_RULE_MAX ? res->measured <= r->limit : res->measured >= r->limit) {
		res->status = KX_CHECK_PASS;
	} else {
		res->status = KX_CHECK_FAIL;
		snprintf(res->why, sizeof(res->why), "%s the %s limit",
			 r->op == KX_RULE_MAX ? "above" : "below",
				r->op == KX_RULE_MAX ? "max" : "min");
	}
	return 0;
}

/* The change as a percentage, or "from 0" where a zero baseline has none. */
static const char *fmt_change(char *buf, size_t len, double change)
{
	if (isnan(change))
		snprintf(buf, len, "from 0");
	else
		snprintf(buf, len, "%+.1f%%", 100 * change);
	return buf;
}

static void judge_regress(const struct kx_rule *r, const struct kx_snap_row *b,
			  const struct kx_snap_row *row, const struct kx_check_opts *o,
			  struct kx_rule_result *res)
{
	double nb = b->fig[KX_FIG_COUNT], nr = row->fig[KX_FIG_COUNT];
	struct kx_mwu m;
	char change[24];

	res->baseline = b->fig[r->fig];
	res->measured = row->fig[r->fig];
	res->limit = res->baseline * (1 + r->limit);
	res->change = res->baseline > 0 ? res->measured / res->baseline - 1 :
		      res->measured == res->baseline ? 0 : NAN;
	res->status = KX_CHECK_SKIP;
	if (!(nb >= (double)o->min_samples) || !(nr >= (double)o->min_samples)) {
		snprintf(res->why, sizeof(res->why),
			 "too few samples to judge (%.0f in the baseline, %.0f here; need %llu)",
			 nb, nr, (unsigned long long)o->min_samples);
		return;
	}
	if (isnan(res->measured) || isnan(res->baseline)) {
		snprintf(res->why, sizeof(res->why), "no %s in %s", kx_snap_fig_name(r->fig),
			 isnan(res->baseline) ? "the baseline" : "the trace");
		return;
	}
	if (!b->has_hist || !row->has_hist ||
	    kx_mwu(b->bins, b->nbins, row->bins, row->nbins, &m) < 0) {
		snprintf(res->why, sizeof(res->why), "no histogram to test significance on");
		return;
	}
	res->p = m.p;
	if (res->measured > res->limit && m.p < o->alpha && m.direction > 0) {
		res->status = KX_CHECK_FAIL;
		snprintf(res->why, sizeof(res->why), "regressed %s (limit %+.1f%%), significant (p=%.2g < %.2g)",
			 fmt_change(change, sizeof(change), res->change), 100 * r->limit, m.p, o->alpha);
		return;
	}
	res->status = KX_CHECK_PASS;
	if (res->measured > res->limit)
		snprintf(res->why, sizeof(res->why), "%s over the limit but not a significant increase (p=%.2g, alpha %.2g)",
			 fmt_change(change, sizeof(change), res->change), m.p, o->alpha);
	else
		snprintf(res->why, sizeof(res->why), "%s (limit %+.1f%%, p=%.2g)",
			 fmt_change(change, sizeof(change), res->change), 100 * r->limit, m.p);
}

static int eval_regress_row(struct kx_check *c, const struct kx_rule *r,
			    const struct kx_snapshot *s, const struct kx_snapshot *base,
			    const char *key, const struct kx_check_opts *o)
{
	const struct kx_snap_row *row = kx_snapshot_find(s, key);
	const struct kx_snap_row *b = kx_snapshot_find(base, key);
	bool wildcard = strcmp(r->key, "*") == 0;
	struct kx_rule_result *res;

	res = new_result(c, r, row ? row->name : b ? b->name : key);
	if (!res)
		return -ENOMEM;
	res->limit = r->limit;
	if (!row || !b) {
		const char *what = !row && !b ? "key not found in the trace nor the baseline" :
				   !row ? "key not found in the trace (only in the baseline)" :
				   "key not found in the baseline (new in the trace)";

		if (wildcard) {
			res->status = KX_CHECK_SKIP;
			snprintf(res->why, sizeof(res->why), "%s", what);
		} else {
			missing(res, r, what);
		}
		return 0;
	}
	judge_regress(r, b, row, o, res);
	return 0;
}

/*
 * Whether a named regress rule covers figure @fig of @name (the wildcard
 * leaves it alone). Keys are found case-insensitively, as
 * kx_snapshot_find() finds them.
 */
static bool named_regress(const struct kx_rules *rs, const char *name, int fig)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].op == KX_RULE_REGRESS && rs->r[i].fig == fig &&
		    strcmp(rs->r[i].key, "*") && strcasecmp(rs->r[i].key, name) == 0)
			return true;
	return false;
}

static bool wildcard_row(const struct kx_snap_row *row)
{
	return (row->kind == KX_SNAP_EXIT && !row->idle) || row->kind == KX_SNAP_KEY;
}

static int eval_wildcard(struct kx_check *c, const struct kx_rules *rs, const struct kx_rule *r,
			 const struct kx_snapshot *s, const struct kx_snapshot *base,
			 const struct kx_check_opts *o)
{
	const struct kx_snapshot *runs[2] = { base, s };
	int err;

	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < runs[k]->nrows; i++) {
			const struct kx_snap_row *row = &runs[k]->rows[i];

			if (!wildcard_row(row) || named_regress(rs, row->name, r->fig))
				continue;
			/* rows of the trace that are also in the baseline were done in pass 0 */
			if (k == 1) {
				const struct kx_snap_row *b = kx_snapshot_find(base, row->name);

				if (b && wildcard_row(b))
					continue;
			}
			err = eval_regress_row(c, r, s, base, row->name, o);
			if (err)
				return err;
		}
	}
	return 0;
}

int kx_rules_eval(const struct kx_rules *rs, const struct kx_snapshot *s,
		  const struct kx_snapshot *base, const struct kx_check_opts *o,
		  struct kx_check **out)
{
	struct kx_check *c = calloc(1, sizeof(*c));
	int err = 0;

	if (!c)
		return -ENOMEM;
	c->unit = s->unit;
	for (size_t i = 0; i < rs->n && !err; i++) {
		const struct kx_rule *r = &rs->r[i];

		if (r->op != KX_RULE_REGRESS)
			err = eval_limit(c, r, s);
		else if (!base)
			err = -EINVAL;
		else if (strcmp(r->key, "*") == 0)
			err = eval_wildcard(c, rs, r, s, base, o);
		else
			err = eval_regress_row(c, r, s, base, r->key, o);
	}
	if (err) {
		kx_check_free(c);
		return err;
	}
	for (size_t i = 0; i < c->n; i++) {
		c->passed += c->res[i].status == KX_CHECK_PASS;
		c->failed += c->res[i].status == KX_CHECK_FAIL;
		c->skipped += c->res[i].status == KX_CHECK_SKIP;
	}
	*out = c;
	return 0;
}

void kx_check_free(struct kx_check *c)
{
	if (!c)
		return;
	free(c->res);
	free(c);
}
