// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for rules.c: the rule grammar (specs, units, rules files,
 * errors with their origin) and evaluation on hand-made snapshots: limits,
 * globals, missing and optional keys, unit mismatches, and regressions
 * that must be both over the limit and significant, the rows a wildcard
 * judges, and a baseline of 0.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_rules.h"
#include "tap.h"

#define N 200
#define LONG_NAME "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A key row of @n samples uniform in [base, base + spread). */
/* A row of @kind with @n durations drawn from [base, base + spread). */
static struct kx_snap_row *add_row(struct kx_snapshot *s, enum kx_snap_kind kind, const char *name,
				   uint64_t base, uint64_t spread, int n)
{
	struct kx_snap_row *row = kx_snapshot_add_row(s, kind, name);
	struct kx_hist h;

	kx_hist_init(&h);
	for (int i = 0; i < n; i++)
		kx_hist_add(&h, base + next_rand() % spread);
	kx_snap_row_set_hist(row, &h, 1);
	kx_hist_free(&h);
	return row;
}

static void add_key(struct kx_snapshot *s, const char *name, uint64_t base, uint64_t spread, int n)
{
	add_row(s, KX_SNAP_KEY, name, base, spread, n);
}

static int add(struct kx_rules *rs, enum kx_rule_op op, const char *spec, struct kx_diag *d)
{
	return kx_rules_add(rs, op, spec, "--test", d);
}

static const struct kx_rule_result *result(const struct kx_check *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->res[i].name, name) == 0)
			return &c->res[i];
	return NULL;
}

/* The max-regress result for @name (a max rule may have one of the same name). */
static const struct kx_rule_result *regress_result(const struct kx_check *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->res[i].rule->op == KX_RULE_REGRESS && strcmp(c->res[i].name, name) == 0)
			return &c->res[i];
	return NULL;
}

/* The status of the max-regress result for @name when --min-samples is @min. */
static enum kx_check_status regress_status(const struct kx_rules *rs, const struct kx_snapshot *s,
					   const struct kx_snapshot *base, uint64_t min,
					   const char *name)
{
	struct kx_check_opts o = { .alpha = 0.01, .min_samples = min };
	enum kx_check_status st = (enum kx_check_status)-1;
	struct kx_check *c = NULL;
	const struct kx_rule_result *r;

	if (kx_rules_eval(rs, s, base, &o, &c) == 0 && (r = regress_result(c, name)))
		st = r->status;
	kx_check_free(c);
	return st;
}

/*
 * Regression rules over rows of every kind. The wildcard judges non-idle
 * exit reasons and sub-keys (man page: "every non-idle exit reason and
 * every sub-key present in either run"), each once, and skips a key of one
 * run alone; not an idle exit, guest runs or a raw sub-key name. Every row
 * here is 50 % slower in the trace, so each one judged fails or is skipped.
 */
static void test_regress_rows(void)
{
	struct kx_snapshot *base = kx_snapshot_new("base.dat"), *s = kx_snapshot_new("run.dat");
	static const enum kx_snap_kind kinds[] = { KX_SNAP_EXIT, KX_SNAP_EXIT, KX_SNAP_GUEST,
						   KX_SNAP_KEY, KX_SNAP_RAWKEY };
	static const char *const names[] = { "EPT_MISCONFIG", "HLT", "guest", "APIC EOI write",
					     "0xb0" };
	const struct kx_check_opts o = { .alpha = 0.01, .min_samples = 30 };
	const struct kx_rule_result *r;
	struct kx_rules rs = { 0 };
	struct kx_check *c = NULL;
	struct kx_diag d;

	s->unit = base->unit = KX_UNIT_NS;
	for (int i = 0; i < 5; i++) {
		add_row(base, kinds[i], names[i], 10000, 2000, 400)->idle = i == 1;
		add_row(s, kinds[i], names[i], 15000, 3000, 400)->idle = i == 1;
	}
	add_key(base, "PIO 0x71 out", 1000, 10, 50);	/* gone from the trace */
	add_key(s, "PIO 0x61 in", 1000, 10, 50);	/* new in the trace */
	add(&rs, KX_RULE_REGRESS, "10%", &d);
	ok(kx_rules_eval(&rs, s, base, &o, &c) == 0 && c->n == 4, "wildcard: four rows judged");
	r = c ? result(c, "EPT_MISCONFIG.mean") : NULL;
	ok(r && r->status == KX_CHECK_FAIL, "wildcard: a non-idle exit reason fails");
	r = c ? result(c, "APIC EOI write.mean") : NULL;
	ok(r && r->status == KX_CHECK_FAIL, "wildcard: a sub-key fails");
	ok(c && !result(c, "HLT.mean") && !result(c, "guest.mean") && !result(c, "0xb0.mean"),
	   "wildcard: no idle exit, guest runs or raw sub-key name");
	r = c ? result(c, "PIO 0x71 out.mean") : NULL;
	ok(r && r->status == KX_CHECK_SKIP && strstr(r->why, "only in the baseline"),
	   "wildcard: a key gone from the trace is skipped: %s", r ? r->why : "");
	r = c ? result(c, "PIO 0x61 in.mean") : NULL;
	ok(r && r->status == KX_CHECK_SKIP && strstr(r->why, "new in the trace"),
	   "wildcard: a key new in the trace is skipped: %s", r ? r->why : "");
	kx_check_free(c);
	/* a named rule, spelt in other case, takes the key's figure from the wildcard */
	add(&rs, KX_RULE_REGRESS, "ept_misconfig.mean=60%", &d);
	c = NULL;
	ok(kx_rules_eval(&rs, s, base, &o, &c) == 0 && c->n == 4, "named: four results");
	r = c ? result(c, "EPT_MISCONFIG.mean") : NULL;
	ok(r && r->rule->key[0] != '*' && r->status == KX_CHECK_PASS,
	   "named: ept_misconfig.mean=60%% judges EPT_MISCONFIG alone, and passes");
	kx_check_free(c);
	c = NULL;
	ok(kx_rules_eval(&rs, s, NULL, &o, &c) == -EINVAL && !c,
	   "regression rules without a baseline are refused");
	kx_rules_free(&rs);

	/*
	 * A baseline whose figure is 0 (exits too short for the clock) has no
	 * percentage change: the note says "from 0", change is NaN (null in
	 * JSON); a figure that stays 0 has changed by nothing.
	 */
	add_key(base, "up", 0, 1, 100);
	add_key(s, "up", 1000, 100, 100);
	add_key(base, "still", 0, 1, 100);
	add_key(s, "still", 0, 1, 100);
	add(&rs, KX_RULE_REGRESS, "up.mean=10%", &d);
	add(&rs, KX_RULE_REGRESS, "still.mean=10%", &d);
	ok(kx_rules_eval(&rs, s, base, &o, &c) == 0 && c->n == 2, "zero baseline: evaluates");
	r = c ? result(c, "up.mean") : NULL;
	ok(r && r->status == KX_CHECK_FAIL && r->baseline == 0 && isnan(r->change) &&
	   strstr(r->why, "regressed from 0 (limit +10.0%"), "from 0 up: fails, %s",
	   r ? r->why : "");
	r = c ? result(c, "still.mean") : NULL;
	ok(r && r->status == KX_CHECK_PASS && r->change == 0 && strncmp(r->why, "+0.0% ", 6) == 0,
	   "0 both times: passes, %s", r ? r->why : "");
	kx_check_free(c);
	kx_rules_free(&rs);
	kx_snapshot_free(s);
	kx_snapshot_free(base);
}

int main(void)
{
	static const char file[] =
		"# gate for the EOI path\n"
		"max APIC EOI write.p99 = 20us   # generous\n"
		"\n"
		"   min cycles.count=1\n"
		"max host_guest_ratio = 50%\n"
		"max-regress 10%\n";
	struct kx_check_opts o = { .alpha = 0.01, .min_samples = 30 };
	struct kx_snapshot *s, *base, *same, *cyc;
	struct kx_rules rs = { 0 };
	struct kx_diag d = { "" };
	const struct kx_rule_result *r;
	struct kx_check *c;
	int n;

	/* --alpha: a level strictly between 0 and 1, as a fraction or in percent */
	{
		static const struct { const char *text; double want; } alphas[] = {
			{ "0.01", 0.01 }, { ".05", 0.05 }, { "5%", 0.05 }, { "0.999", 0.999 },
			{ "0", -1 }, { "1", -1 }, { "100%", -1 }, { "0%", -1 }, { "1.5", -1 },
			{ "+0.5", -1 }, { "-0.5", -1 }, { " 0.5", -1 }, { "0.5x", -1 }, { "", -1 },
		};
		unsigned wrong = 0;

		for (size_t i = 0; i < sizeof(alphas) / sizeof(alphas[0]); i++) {
			double v = -1;
			int err = kx_parse_alpha(alphas[i].text, &v);

			if (alphas[i].want < 0 ? err != -EINVAL : err || fabs(v - alphas[i].want) > 1e-12) {
				printf("# alpha '%s': %d, %g\n", alphas[i].text, err, v);
				wrong++;
			}
		}
		is_u64(wrong, 0, "--alpha: 0.01 .05 5% 0.999 taken; 0 1 100% 0% 1.5 +0.5 -0.5 ' 0.5' 0.5x '' refused");
	}

	/* grammar */
	ok(add(&rs, KX_RULE_MAX, "APIC TMICT write.p99=2us", &d) == 0, "duration rule");
	ok(rs.r[0].limit == 2000 && rs.r[0].lunit == KX_LU_NS && strcmp(rs.r[0].key, "APIC TMICT write") == 0 &&
	   rs.r[0].fig == KX_FIG_P99, "2us = 2000 ns on APIC TMICT write / p99");
	ok(add(&rs, KX_RULE_MAX, " host_guest_ratio = 0.1 ", &d) == 0 && rs.r[1].global >= 0 &&
	   rs.r[1].limit == 0.1, "global ratio");
	ok(add(&rs, KX_RULE_MAX, "cycles.ratio.p90=50%", &d) == 0 && rs.r[2].limit == 0.5 &&
	   rs.r[2].vtype == KX_RV_RATIO, "cycle ratio in percent is 0.5");
	ok(add(&rs, KX_RULE_MIN, "PIO 0x70 out.count?=3", &d) == 0 && rs.r[3].optional, "optional rule");
	ok(add(&rs, KX_RULE_MAX, "MSR_WRITE.mean=1.5ms", &d) == 0 && rs.r[4].limit == 1.5e6, "1.5ms");
	ok(add(&rs, KX_RULE_MAX, "X.total=1200cycles", &d) == 0 && rs.r[5].lunit == KX_LU_CYCLES, "cycles unit");
	ok(add(&rs, KX_RULE_REGRESS, "10%", &d) == 0 && strcmp(rs.r[6].key, "*") == 0 &&
	   rs.r[6].fig == KX_FIG_MEAN && rs.r[6].limit == 0.1, "bare regress = *.mean");
	is_u64(rs.n, 7, "7 rules");
	ok(add(&rs, KX_RULE_MAX, "X.p98=1us", &d) == -EINVAL && strstr(d.msg, "unknown field"), "unknown field: %s", d.msg);
	ok(add(&rs, KX_RULE_MAX, "X.p99=2%", &d) == -EINVAL, "percent on a duration refused");
	ok(add(&rs, KX_RULE_MAX, "X.count=2us", &d) == -EINVAL, "unit on a count refused");
	ok(add(&rs, KX_RULE_MAX, "X.rate=2us", &d) == -EINVAL, "unit on a rate refused");
	ok(add(&rs, KX_RULE_MAX, "X.p99=-1", &d) == -EINVAL, "negative limit refused");
	ok(add(&rs, KX_RULE_MAX, "X.p99=2 parsecs", &d) == -EINVAL, "unknown unit refused");
	ok(add(&rs, KX_RULE_MAX, "X.p99", &d) == -EINVAL, "missing limit refused");
	ok(add(&rs, KX_RULE_MAX, "nokey=3", &d) == -EINVAL, "key without field refused");
	ok(add(&rs, KX_RULE_MAX, "*.mean=3", &d) == -EINVAL, "wildcard only for regress");
	ok(add(&rs, KX_RULE_REGRESS, "X.mean=10", &d) == -EINVAL, "regress wants a percentage");
	ok(add(&rs, KX_RULE_REGRESS, "X.count=10%", &d) == -EINVAL && strstr(d.msg, "not count"),
	   "regress on a count refused, the field named: %s", d.msg);
	ok(add(&rs, KX_RULE_REGRESS, "lost_events=10%", &d) == -EINVAL, "regress on a global refused");
	is_u64(rs.n, 7, "bad rules were not added");
	ok(add(&rs, KX_RULE_MAX, "X.p99=20 us", &d) == 0 && rs.r[7].limit == 20000,
	   "blanks between a limit and its unit: 20 us");
	ok(add(&rs, KX_RULE_MIN, "PIO 0x70 out.count  ? = 3", &d) == 0 && rs.r[8].optional &&
	   rs.r[8].fig == KX_FIG_COUNT && strcmp(rs.r[8].key, "PIO 0x70 out") == 0,
	   "blanks before the optional mark: %s", d.msg);
	{
		char spec[256];

		/* the limit's buffer holds 63 characters: 1 and 62 zeros fit, 1 and 63 do not */
		snprintf(spec, sizeof(spec), "X.p99=1%062d", 0);
		ok(add(&rs, KX_RULE_MAX, spec, &d) == 0 && rs.r[9].limit == 1e62, "a 63-character limit");
		snprintf(spec, sizeof(spec), "X.p99=1%063d", 0);
		ok(add(&rs, KX_RULE_MAX, spec, &d) == -EINVAL && strstr(d.msg, "limit too long"),
		   "a 64-character limit: %s", d.msg);
		/* KEY.FIELD holds KX_KEY_NAME_MAX + 31 characters */
		snprintf(spec, sizeof(spec), "%.*s.p99=1us", KX_KEY_NAME_MAX + 31 - 4, LONG_NAME);
		ok(add(&rs, KX_RULE_MAX, spec, &d) == -EINVAL && strstr(d.msg, "key") &&
		   !strstr(d.msg, "key too long"), "a key of %d characters is read (then too long for a row name): %s",
		   KX_KEY_NAME_MAX + 27, d.msg);
		snprintf(spec, sizeof(spec), "%.*s.p99=1us", KX_KEY_NAME_MAX + 32 - 4, LONG_NAME);
		ok(add(&rs, KX_RULE_MAX, spec, &d) == -EINVAL && strstr(d.msg, "key too long"),
		   "KEY.FIELD of %d characters: %s", KX_KEY_NAME_MAX + 32, d.msg);
	}
	is_u64(rs.n, 10, "and the good ones were");
	kx_rules_free(&rs);

	ok(kx_rules_parse(&rs, file, strlen(file), "gate.rules", &d) == 0, "rules file parses: %s", d.msg);
	is_u64(rs.n, 4, "4 rules in the file");
	ok(rs.n == 4 && rs.r[0].limit == 20000 && strcmp(rs.r[0].origin, "gate.rules:2") == 0,
	   "trailing comment dropped, origin line 2");
	ok(rs.n == 4 && rs.r[1].op == KX_RULE_MIN && rs.r[3].op == KX_RULE_REGRESS, "min and max-regress lines");
	kx_rules_free(&rs);
	{
		/* a line may run past the longest rule with a comment: 250 + 60 characters */
		char text[400];
		int len = snprintf(text, sizeof(text), "max %.*s.p99=1us # %060d\n", 250 - 14,
				   LONG_NAME LONG_NAME, 0);

		ok(kx_rules_parse(&rs, text, (size_t)len, "long", &d) == -EINVAL && strstr(d.msg, "key") &&
		   !strstr(d.msg, "line too long"), "a %d-character line with its comment is read (its key is then too long): %s",
		   len - 1, d.msg);
		kx_rules_free(&rs);
	}
	ok(kx_rules_parse(&rs, "max a.p99=1us\nlimit b.p99=1us\n", 31, "r", &d) == -EINVAL &&
	   strstr(d.msg, "r:2:"), "unknown keyword named with its line: %s", d.msg);
	kx_rules_free(&rs);
	ok(kx_rules_parse(&rs, "max a.p99=1us\nmax b.p99=1xs\n", 28, "r", &d) == -EINVAL &&
	   strstr(d.msg, "r:2:"), "bad unit named with its line: %s", d.msg);
	kx_rules_free(&rs);

	/* evaluation */
	s = kx_snapshot_new("run.dat");
	base = kx_snapshot_new("base.json");
	same = kx_snapshot_new("same.dat");
	s->unit = base->unit = same->unit = KX_UNIT_NS;
	s->host_guest_ratio = 0.25;
	s->lost_events = 0;
	add_key(base, "APIC EOI write", 10000, 2000, N);
	add_key(s, "APIC EOI write", 12000, 2400, N);		/* +20% */
	add_key(same, "APIC EOI write", 10000, 2000, N);	/* another draw */
	add_key(base, "APIC TMICT write", 10000, 2000, N);
	add_key(s, "APIC TMICT write", 10200, 2040, N);		/* +2% */
	add_key(same, "APIC TMICT write", 10000, 2000, N);
	add_key(base, "PIO 0x70 out", 1000, 10, 5);
	add_key(s, "PIO 0x70 out", 5000, 10, 5);		/* +400% but 5 samples */
	add_key(same, "PIO 0x70 out", 1000, 10, 5);
	add_key(s, "PIO 0x61 in", 1000, 10, 50);		/* new */
	add_key(base, "APIC ICR write", 10000, 2000, N);
	add_key(s, "APIC ICR write", 12000, 2400, N / 2);	/* +20%, half the samples */

	add(&rs, KX_RULE_MAX, "APIC EOI write.p99=20us", &d);
	add(&rs, KX_RULE_MAX, "apic eoi write.mean=5us", &d);
	add(&rs, KX_RULE_MIN, "APIC EOI write.count=300", &d);
	add(&rs, KX_RULE_MAX, "host_guest_ratio=0.3", &d);
	add(&rs, KX_RULE_MAX, "lost_events=0", &d);
	add(&rs, KX_RULE_MAX, "No such key.p99=1us", &d);
	add(&rs, KX_RULE_MAX, "No such key.p99?=1us", &d);
	add(&rs, KX_RULE_MAX, "APIC EOI write.p99=1000cycles", &d);
	add(&rs, KX_RULE_MAX, "cycles.count=5", &d);
	add(&rs, KX_RULE_MAX, "APIC EOI write.time_pct=5", &d);
	add(&rs, KX_RULE_REGRESS, "10%", &d);
	ok(kx_rules_eval(&rs, s, base, &o, &c) == 0, "evaluates");
	ok(c->n >= 10 && c->res[0].status == KX_CHECK_PASS && c->res[0].measured <= 20000, "p99 under 20us passes");
	ok(c->res[1].status == KX_CHECK_FAIL && strcmp(c->res[1].name, "APIC EOI write.mean") == 0,
	   "mean over 5us fails; lower-case key found, canonical name shown");
	ok(c->res[2].status == KX_CHECK_FAIL && c->res[2].measured == N, "min count 300 fails at %d", N);
	ok(c->res[3].status == KX_CHECK_PASS && c->res[3].measured == 0.25 &&
	   strcmp(c->res[3].name, "host_guest_ratio") == 0, "global ratio passes, named as itself");
	ok(c->res[4].status == KX_CHECK_PASS && strcmp(c->res[4].name, "lost_events") == 0,
	   "lost_events 0 passes");
	ok(c->res[5].status == KX_CHECK_FAIL && strstr(c->res[5].why, "not found") &&
	   isnan(c->res[5].measured), "missing key fails, with nothing measured: %s", c->res[5].why);
	ok(c->res[6].status == KX_CHECK_SKIP, "missing optional key is skipped");
	ok(c->res[7].status == KX_CHECK_FAIL && strstr(c->res[7].why, "cycles"), "cycles limit on a ns trace fails: %s",
	   c->res[7].why);
	{
		struct kx_check *cc = NULL;
		int err;

		/* and a limit in time on a trace in cycles, where one in cycles is judged */
		s->unit = base->unit = KX_UNIT_CYCLES;
		err = kx_rules_eval(&rs, s, base, &o, &cc);
		ok(!err && cc->unit == KX_UNIT_CYCLES, "the check's unit is the trace's");
		ok(!err && cc->res[0].status == KX_CHECK_FAIL && strstr(cc->res[0].why, "--tsc-khz") &&
		   !strstr(cc->res[7].why, "limit in"), "time limit on a cycles trace fails: %s; one in cycles is judged: %s",
		   err ? "" : cc->res[0].why, err ? "" : cc->res[7].why);
		s->unit = base->unit = KX_UNIT_NS;
		kx_check_free(cc);
	}
	ok(c->res[8].status == KX_CHECK_FAIL && strstr(c->res[8].why, "timer-cycle"),
	   "cycles.count without cycle figures fails: %s", c->res[8].why);
	ok(c->res[9].status == KX_CHECK_FAIL && strstr(c->res[9].why, "no value"),
	   "a NaN figure fails: %s", c->res[9].why);
	/* the first "APIC EOI write.mean" is the max rule; the regress one comes later */
	r = regress_result(c, "APIC EOI write.mean");
	ok(r && r->rule->op == KX_RULE_REGRESS && r->status == KX_CHECK_FAIL && r->change > 0.15 && r->p < 0.01,
	   "+20%% regression is detected (%+.1f%%, p=%.2g)", r ? 100 * r->change : 0, r ? r->p : 0);
	r = result(c, "APIC TMICT write.mean");
	ok(r && r->status == KX_CHECK_PASS, "+2%% is within 10%%");
	r = result(c, "PIO 0x70 out.mean");
	ok(r && r->status == KX_CHECK_SKIP && strstr(r->why, "too few"), "5 samples are skipped: %s",
	   r ? r->why : "");
	r = result(c, "PIO 0x61 in.mean");
	ok(r && r->status == KX_CHECK_SKIP && strstr(r->why, "baseline"), "a key new in the run is skipped: %s",
	   r ? r->why : "");
	ok(c->passed + c->failed + c->skipped == c->n, "counts add up");
	kx_check_free(c);
	/* --min-samples: judged with exactly that many on each side, skipped when either has fewer */
	ok(regress_status(&rs, s, base, N, "APIC EOI write.mean") == KX_CHECK_FAIL &&
	   regress_status(&rs, s, base, N + 1, "APIC EOI write.mean") == KX_CHECK_SKIP,
	   "--min-samples %d judges %d samples each, %d skips them", N, N, N + 1);
	ok(regress_status(&rs, s, base, N / 2, "APIC ICR write.mean") == KX_CHECK_FAIL &&
	   regress_status(&rs, s, base, N / 2 + 1, "APIC ICR write.mean") == KX_CHECK_SKIP &&
	   regress_status(&rs, base, s, N / 2 + 1, "APIC ICR write.mean") == KX_CHECK_SKIP,
	   "--min-samples %d skips a key with %d samples on either side", N / 2 + 1, N / 2);
	kx_rules_free(&rs);

	/* the same distribution drawn twice: no regression even at a tiny limit */
	add(&rs, KX_RULE_REGRESS, "*.p99=1%", &d);
	add(&rs, KX_RULE_REGRESS, "APIC EOI write.p99=2%", &d);
	add(&rs, KX_RULE_REGRESS, "APIC EOI write.mean=2%", &d);
	c = NULL;
	kx_rules_eval(&rs, same, base, &o, &c);
	ok(c && c->failed == 0, "two draws of one distribution: nothing fails (%zu results)",
	   c ? c->n : 0);
	r = result(c, "APIC EOI write.p99");
	n = 0;
	for (size_t i = 0; c && i < c->n; i++)
		n += strcmp(c->res[i].name, "APIC EOI write.p99") == 0;
	ok(r && r->rule->key[0] != '*' && n == 1,
	   "a named regress rule replaces the wildcard for its key and field");
	ok(result(c, "APIC EOI write.mean") && result(c, "APIC TMICT write.p99"),
	   "other fields and keys are still checked");
	kx_check_free(c);
	kx_rules_free(&rs);
	/* a named rule on another field leaves the wildcard's field of that key alone */
	add(&rs, KX_RULE_REGRESS, "*.p99=1%", &d);
	add(&rs, KX_RULE_REGRESS, "APIC EOI write.mean=2%", &d);
	c = NULL;
	kx_rules_eval(&rs, same, base, &o, &c);
	r = c ? result(c, "APIC EOI write.p99") : NULL;
	ok(r && r->rule->key[0] == '*', "a named mean rule: the wildcard still judges the key's p99");
	kx_check_free(c);
	kx_rules_free(&rs);

	/* cycles rows */
	cyc = kx_snapshot_new("c.dat");
	cyc->unit = KX_UNIT_NS;
	kx_snapshot_add_row(cyc, KX_SNAP_CYCLE_RATIO, "cycles.ratio")->fig[KX_FIG_P90] = 2.0;
	cyc->has_cycles = true;
	cyc->cycles = 199;
	add(&rs, KX_RULE_MAX, "cycles.ratio.p90=0.5", &d);
	add(&rs, KX_RULE_MIN, "cycles.count=100", &d);
	ok(kx_rules_eval(&rs, cyc, NULL, &o, &c) == 0 && c->res[0].status == KX_CHECK_FAIL &&
	   c->res[1].status == KX_CHECK_PASS, "cycles.ratio.p90 2.0 > 0.5 fails, cycles.count passes");
	kx_check_free(c);
	kx_rules_free(&rs);
	kx_snapshot_free(cyc);
	kx_snapshot_free(s);
	kx_snapshot_free(base);
	kx_snapshot_free(same);
	test_regress_rows();
	return done_testing();
}
