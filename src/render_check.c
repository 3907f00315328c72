// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render_check.c - evaluated gate rules as a text table, JSON, CSV and
 * JUnit XML. Values print in the unit of what they measure (durations in
 * the trace's unit, counts, shares, ratios, rates).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kx_json.h"
#include "kx_render.h"
#include "kx_render_check.h"
#include "kx_render_compare.h"

static char *fmt_value(char *buf, size_t len, double v, const struct kx_rule *r,
		       enum kx_unit unit)
{
	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	switch (r->vtype) {
	case KX_RV_DURATION:
		return kx_format_short(buf, len, v, unit);
	case KX_RV_COUNT:
		snprintf(buf, len, "%.0f", v);
		break;
	case KX_RV_PCT:
		snprintf(buf, len, "%.2f%%", v);
		break;
	case KX_RV_RATIO:
		snprintf(buf, len, "%.3f", v);
		break;
	default:
		snprintf(buf, len, "%.1f/s", v);
	}
	return buf;
}

/* A limit as the rule bounds it: "<= 2.00us", ">= 100", "<= 12.1us (+10%)". */
static char *fmt_limit(char *buf, size_t len, const struct kx_rule_result *res,
		       enum kx_unit unit)
{
	const struct kx_rule *r = res->rule;
	char v[32];

	if (r->op == KX_RULE_REGRESS)
		snprintf(buf, len, "<= %s (%+.1f%%)", fmt_value(v, sizeof(v), res->limit, r, unit),
			 100 * r->limit);
	else
		snprintf(buf, len, "%s %s", r->op == KX_RULE_MAX ? "<=" : ">=",
			 fmt_value(v, sizeof(v), res->limit, r, unit));
	return buf;
}

static void summary(const struct kx_check *c, FILE *out)
{
	fprintf(out, "%zu check%s: %zu passed, %zu failed, %zu skipped\n",
		c->n, c->n == 1 ? "" : "s",
		c->passed, c->failed, c->skipped);
}

void kx_render_check_text(const struct kx_check *c, const struct kx_check_info *info, FILE *out)
{
	char name[KX_KEY_NAME_MAX + 32], m[32], l[48];
	int width = 4;

	for (size_t i = 0; i < c->n; i++) {
		int n = snprintf(name, sizeof(name), "%s %s", kx_rule_op_name(c->res[i].rule->op),
				 c->res[i].name);

		if (n > width)
			width = n;
	}
	fprintf(out, "check: %s", strcmp(info->file, "-") ? info->file : "(stdin)");
	if (info->baseline)
		fprintf(out, " against baseline %s (a regression fails when significant at alpha %g, judged from %llu samples up)",
			info->baseline, info->opts->alpha,
			(unsigned long long)info->opts->min_samples);
	fprintf(out, "\n\n%-6s  %-*s  %10s  %-20s  %s\n", "Result", width, "Rule", "Measured",
		"Limit", "Note");
	for (size_t i = 0; i < c->n; i++) {
		const struct kx_rule_result *res = &c->res[i];

		snprintf(name, sizeof(name), "%s %s", kx_rule_op_name(res->rule->op), res->name);
		fprintf(out, "%-6s  %-*s  %10s  ", kx_check_status_name(res->status), width, name,
			fmt_value(m, sizeof(m), res->measured, res->rule, c->unit));
		if (res->why[0])
			fprintf(out, "%-20s  %s\n",
				fmt_limit(l, sizeof(l), res, c->unit), res->why);
		else
			fprintf(out, "%s\n", fmt_limit(l, sizeof(l), res, c->unit));
	}
	fprintf(out, "\n");
	summary(c, out);
}

void kx_render_check_json(const struct kx_check *c, const struct kx_check_info *info, FILE *out)
{
	char text[KX_RULE_TEXT_MAX + 16];
	struct kx_json j;

	kx_json_init(&j, out, true);
	kx_json_obj_begin(&j, NULL);
	kx_json_u64(&j, "schema", 1);
	kx_json_str(&j, "tool", "kvmexit-stat");
	kx_json_str(&j, "version", KX_VERSION);
	kx_json_str(&j, "command", "check");
	kx_json_str(&j, "input", info->file);
	if (info->baseline)
		kx_json_str(&j, "baseline", info->baseline);
	else
		kx_json_null(&j, "baseline");
	kx_json_str(&j, "unit", kx_unit_name(c->unit));
	kx_json_double(&j, "alpha", info->opts->alpha, 6);
	kx_json_u64(&j, "min_samples", info->opts->min_samples);
	kx_json_str(&j, "status", c->failed ? "fail" : "pass");
	kx_json_u64(&j, "tests", c->n);
	kx_json_u64(&j, "passed", c->passed);
	kx_json_u64(&j, "failed", c->failed);
	kx_json_u64(&j, "skipped", c->skipped);
	kx_json_arr_begin(&j, "results");
	for (size_t i = 0; i < c->n; i++) {
		const struct kx_rule_result *res = &c->res[i];
		const struct kx_rule *r = res->rule;

		snprintf(text, sizeof(text), "%s %s", kx_rule_op_name(r->op), r->text);
		kx_json_obj_begin(&j, NULL);
		kx_json_str(&j, "status", kx_check_status_name(res->status));
		kx_json_str(&j, "op", kx_rule_op_name(r->op));
		kx_json_str(&j, "name", res->name);
		kx_json_str(&j, "rule", text);
		kx_json_str(&j, "origin", r->origin);
		kx_json_bool(&j, "optional", r->optional);
		kx_json_double(&j, "measured", res->measured, 6);
		kx_json_double(&j, "limit", res->limit, 6);
		if (r->op == KX_RULE_REGRESS) {
			kx_json_double(&j, "max_regress_pct", 100 * r->limit, 3);
			kx_json_double(&j, "baseline_value", res->baseline, 6);
			kx_json_double(&j, "change_pct", 100 * res->change, 3);
			kx_json_double(&j, "p_value", res->p, 6);
		}
		kx_json_str(&j, "message", res->why);
		kx_json_obj_end(&j);
	}
	kx_json_arr_end(&j);
	kx_json_obj_end(&j);
	kx_json_finish(&j);
}

static void csv_num(FILE *out, double v)
{
	if (isnan(v) || isinf(v))
		fputc(',', out);
	else
		fprintf(out, ",%.6g", v);
}

void kx_render_check_csv(const struct kx_check *c, FILE *out)
{
	char text[KX_RULE_TEXT_MAX + 16];

	fprintf(out, "status,op,name,measured,limit,baseline,change_pct,p_value,rule,origin,message\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct kx_rule_result *res = &c->res[i];

		fprintf(out, "%s,%s,",
			kx_check_status_name(res->status), kx_rule_op_name(res->rule->op));
		kx_csv_field(out, res->name);
		csv_num(out, res->measured);
		csv_num(out, res->limit);
		csv_num(out, res->baseline);
		csv_num(out, 100 * res->change);
		csv_num(out, res->p);
		fputc(',', out);
		snprintf(text, sizeof(text), "%s %s",
			kx_rule_op_name(res->rule->op), res->rule->text);
		kx_csv_field(out, text);
		fputc(',', out);
		kx_csv_field(out, res->rule->origin);
		fputc(',', out);
		kx_csv_field(out, res->why);
		fputc('\n', out);
	}
}

/* Length of the valid UTF-8 sequence at @s (0 if invalid). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* @s as XML attribute or text content: escaped, control characters and bad UTF-8 as '?'. */
static void xml_text(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = utf8_len(s);

		if (!n || (*s < 0x20 && *s != '\t' && *s != '\n')) {
			fputc('?', out);
			s++;
			continue;
		}
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\t': fputs("&#9;", out); break;
		default: fwrite(s, 1, n, out);
		}
		s += n;
	}
}

void kx_render_check_junit(const struct kx_check *c, const struct kx_check_info *info, FILE *out)
{
	char name[KX_KEY_NAME_MAX + 32], m[32], l[48];

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"kvmexit-stat check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
		c->n, c->failed, c->skipped);
	fprintf(out, "  <testsuite name=\"");
	xml_text(out, info->file);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"0\">\n",
		c->n, c->failed, c->skipped);
	for (size_t i = 0; i < c->n; i++) {
		const struct kx_rule_result *res = &c->res[i];

		snprintf(name, sizeof(name), "%s %s", kx_rule_op_name(res->rule->op), res->name);
		fmt_value(m, sizeof(m), res->measured, res->rule, c->unit);
		fmt_limit(l, sizeof(l), res, c->unit);
		fprintf(out, "    <testcase classname=\"kvmexit-stat.check\" name=\"");
		xml_text(out, name);
		fprintf(out, "\" time=\"0\"");
		if (res->status == KX_CHECK_PASS) {
			fprintf(out, "/>\n");
			continue;
		}
		fprintf(out, ">\n      <%s message=\"",
			res->status == KX_CHECK_FAIL ? "failure" : "skipped");
		xml_text(out, res->why);
		if (res->status == KX_CHECK_SKIP) {
			fprintf(out, "\"/>\n    </testcase>\n");
			continue;
		}
		fprintf(out, "\" type=\"%s\">",
			res->rule->op == KX_RULE_REGRESS ? "regression" : "limit");
		fprintf(out, "measured ");
		xml_text(out, m);
		fprintf(out, ", limit ");
		xml_text(out, l);
		fprintf(out, " (rule from ");
		xml_text(out, res->rule->origin);
		fprintf(out, ")</failure>\n    </testcase>\n");
	}
	fprintf(out, "  </testsuite>\n</testsuites>\n");
}
