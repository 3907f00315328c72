/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_rules.h - CI gate rules: limits on a run's figures ("max APIC TMICT
 * write.p99 = 2us", "min cycles.count = 100") and regression limits against
 * a baseline run ("max-regress APIC EOI write.p99 = 5%"), parsed from the
 * command line or a rules file, and their evaluation into PASS/FAIL/SKIP.
 * A regression fails only when it exceeds the limit AND the Mann-Whitney
 * test of kx_compare.h says the difference is significant at alpha.
 */
#ifndef KX_RULES_H
#define KX_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx.h"
#include "kx_snapshot.h"

#define KX_RULE_TEXT_MAX	256

enum kx_rule_op {
	KX_RULE_MAX,		/* measured <= limit */
	KX_RULE_MIN,		/* measured >= limit */
	KX_RULE_REGRESS,	/* measured <= baseline * (1 + limit), unless not significant */
};

/* What a figure measures, which decides the units its limit may carry. */
enum kx_rule_vtype {
	KX_RV_DURATION,		/* ns, us, ms, s or cycles; bare = the trace's unit */
	KX_RV_COUNT,		/* bare number */
	KX_RV_PCT,		/* percent, bare or with % */
	KX_RV_RATIO,		/* bare, or % (10% = 0.1) */
	KX_RV_RATE,		/* per second, bare */
};

enum kx_rule_lunit {
	KX_LU_BARE,		/* as the trace measures it */
	KX_LU_NS,		/* converted to ns from ns/us/ms/s */
	KX_LU_CYCLES,
	KX_LU_PCT,
};

/* Figure index of a row rule beyond the kx_snap_fig ones. */
#define KX_RULE_FIG_RATE	KX_FIG_NR

/*
 * struct kx_rule - one parsed rule.
 * @key:     row name, "*" (every non-idle exit and sub-key; regress only),
 *           or "" for a global figure (@global)
 * @fig:     enum kx_snap_fig or KX_RULE_FIG_RATE (rows); -1 for globals
 * @limit:   the limit in ns, cycles, count, percent, ratio or per second;
 *           for regress a fraction (10% = 0.10)
 * @origin:  "--max", "rules.txt:12", for messages
 */
struct kx_rule {
	char text[KX_RULE_TEXT_MAX];
	char key[KX_KEY_NAME_MAX];
	char origin[128];
	enum kx_rule_op op;
	enum kx_rule_vtype vtype;
	enum kx_rule_lunit lunit;
	int global;
	int fig;
	bool optional;
	double limit;
};

struct kx_rules {
	struct kx_rule *r;
	size_t n;
	size_t cap;
};

/**
 * kx_rules_add() - parse "KEY.FIELD[?]=VALUE" (or, for regress, a bare
 * "PCT" meaning "*.mean=PCT") and append it.
 * Return: 0, -EINVAL with @diag ("unknown field ..."), or -ENOMEM.
 */
int kx_rules_add(struct kx_rules *rs, enum kx_rule_op op, const char *spec, const char *origin,
		 struct kx_diag *diag);

/**
 * kx_rules_parse() - parse a rules file: one "max|min|max-regress SPEC" per
 * line, '#' starts a comment, blank lines ignored. @file names the lines in
 * messages. Return: 0, -EINVAL with @diag ("rules.txt:3: ..."), or -ENOMEM.
 */
int kx_rules_parse(struct kx_rules *rs, const char *text, size_t len, const char *file,
		   struct kx_diag *diag);

/** kx_rules_free() - free the rules (the struct itself is the caller's). */
void kx_rules_free(struct kx_rules *rs);

enum kx_check_status {
	KX_CHECK_PASS,
	KX_CHECK_FAIL,
	KX_CHECK_SKIP,
};

/*
 * struct kx_rule_result - one evaluated rule (a "*" rule gives one per row).
 * @name:      "KEY.FIELD" actually checked
 * @measured:  value in the trace (NaN if none); @limit: the bound it was held
 *             to, in the same unit (for regress: baseline * (1 + limit))
 * @baseline:  regress only; @change: measured / baseline - 1; @p: MWU p-value
 * @why:       reason for FAIL or SKIP, or the verdict detail of a PASS
 */
struct kx_rule_result {
	const struct kx_rule *rule;
	char name[KX_KEY_NAME_MAX + 16];
	enum kx_check_status status;
	double measured;
	double limit;
	double baseline;
	double change;
	double p;
	char why[192];
};

struct kx_check_opts {
	double alpha;			/* significance level of regress rules */
	uint64_t min_samples;		/* regress: SKIP below this count in either run */
};

struct kx_check {
	struct kx_rule_result *res;
	size_t n;
	size_t cap;
	size_t passed;
	size_t failed;
	size_t skipped;
	enum kx_unit unit;
};

/**
 * kx_rules_eval() - evaluate every rule on @s; regress rules against @base
 * (must not be NULL when there are any). Return: 0 and *@out
 * (kx_check_free()), or -ENOMEM.
 */
int kx_rules_eval(const struct kx_rules *rs, const struct kx_snapshot *s,
		  const struct kx_snapshot *base, const struct kx_check_opts *o,
		  struct kx_check **out);

void kx_check_free(struct kx_check *c);

/** kx_check_status_name() - "PASS", "FAIL", "SKIP". */
const char *kx_check_status_name(enum kx_check_status s);

/** kx_rule_op_name() - "max", "min", "max-regress". */
const char *kx_rule_op_name(enum kx_rule_op op);

/**
 * kx_parse_alpha() - a significance level: a decimal strictly between 0 and
 * 1 ("0.01"), or a percentage ("1%"). Return: 0 or -EINVAL.
 */
int kx_parse_alpha(const char *s, double *out);

/** kx_rules_has_regress() - whether any rule needs a baseline. */
bool kx_rules_has_regress(const struct kx_rules *rs);

#endif /* KX_RULES_H */
