// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * text_line.c - splits one line of a text trace dump into its parts: the
 * event line layouts of trace-cmd report, tracefs trace/trace_pipe and perf
 * script, their lost-data lines, and the timestamp (converted to integer
 * ns from its decimal digits, never through floating point).
 */
#include <string.h>

#include "kx_text.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int kx_text_parse_u64(const char *s, size_t len, unsigned base, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;

	if (base == 16 && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == len)
		return -1;
	for (; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (is_digit(c))
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (x > (UINT64_MAX - d) / base)
			return -1;
		x = x * base + d;
	}
	*v = x;
	return 0;
}

static int parse_i32(const char *s, size_t len, int32_t *v)
{
	uint64_t x;

	if (kx_text_parse_u64(s, len, 10, &x) < 0 || x > INT32_MAX)
		return -1;
	*v = (int32_t)x;
	return 0;
}

int kx_text_parse_ts(const char *s, size_t len, uint64_t *ts, unsigned *digits)
{
	static const uint64_t scale[10] = {
		1000000000, 100000000, 10000000, 1000000, 100000,
		10000, 1000, 100, 10, 1,
	};
	const char *dot = memchr(s, '.', len);
	uint64_t sec, frac;
	size_t nfrac;

	if (!dot) {
		if (kx_text_parse_u64(s, len, 10, ts) < 0)
			return -1;
		*digits = 0;
		return 0;
	}
	nfrac = len - (size_t)(dot - s) - 1;
	if (dot == s || nfrac < 1 || nfrac > 9)
		return -1;
	if (kx_text_parse_u64(s, dot - s, 10, &sec) < 0 ||
	    kx_text_parse_u64(dot + 1, nfrac, 10, &frac) < 0)
		return -1;
	frac *= scale[nfrac];
	if (sec > UINT64_MAX / 1000000000 || sec * 1000000000 > UINT64_MAX - frac)
		return -1;
	*ts = sec * 1000000000 + frac;
	*digits = (unsigned)nfrac;
	return 0;
}

/* Length of the token at @p (up to a blank or @end). */
static size_t token_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && !is_space(*q))
		q++;
	return q - p;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

/*
 * If @p..@end starts with "name: " where name has no blank (a trace-cmd
 * instance prefix, printed at column 0), return the position after it.
 */
static const char *after_instance(const char *p, const char *end, struct kx_text_span *inst)
{
	size_t n = token_len(p, end);

	if (n < 2 || p[n - 1] != ':' || p + n >= end)
		return NULL;
	inst->p = p;
	inst->len = n - 1;
	return p + n + 1;
}

/* "comm-pid" ending at @tend (token starting at @t): the pid, and the comm from @start. */
static bool comm_pid(const char *start, const char *end, const char *t, const char *tend,
		     struct kx_text_line *out)
{
	const char *sep;

	for (sep = tend; sep > t && is_digit(sep[-1]); sep--)
		;
	if (sep == tend || sep - 1 <= t || sep[-1] != '-' || parse_i32(sep, tend - sep, &out->tid) < 0)
		return false;
	out->comm.p = skip_spaces(start, end);
	out->comm.len = (sep - 1) - out->comm.p;
	return true;
}

/*
 * Find the " [NNN]" CPU field whose preceding token satisfies the layout:
 * ftrace "comm-pid", perf "tid" or "pid/tid" after a blank. Comm may
 * itself contain '[' and '-', so every candidate is tried in turn.
 */
static const char *find_cpu_field(enum kx_text_layout layout, const char *start,
				  const char *end, struct kx_text_line *out)
{
	const char *q;

	for (q = start; q < end && (q = memchr(q, '[', end - q)); q++) {
		const char *d = q + 1, *t, *tend, *sep;

		while (d < end && is_digit(*d))
			d++;
		if (d == q + 1 || d >= end || *d != ']')
			continue;
		if (parse_i32(q + 1, d - q - 1, &out->cpu) < 0)
			continue;
		tend = q;
		while (tend > start && is_space(tend[-1]))
			tend--;
		if (tend == q)
			continue;	/* no blank before '[' */
		t = tend;
		while (t > start && !is_space(t[-1]))
			t--;
		if (layout == KX_TEXT_FTRACE) {
			if (!comm_pid(start, end, t, tend, out))
				continue;
		} else {
			sep = memchr(t, '/', tend - t);
			if (sep) {
				if (parse_i32(t, sep - t, &out->pid) < 0 ||
				    parse_i32(sep + 1, tend - sep - 1, &out->tid) < 0)
					continue;
			} else if (parse_i32(t, tend - t, &out->tid) < 0) {
				continue;
			}
			out->comm.p = skip_spaces(start, end);
			if (out->comm.p >= t)
				continue;
			while (t > out->comm.p && is_space(t[-1]))
				t--;
			out->comm.len = t - out->comm.p;
		}
		return d + 1;
	}
	return NULL;
}

/* "ts:" token at @p; returns the position after it or NULL. */
static const char *parse_ts_token(const char *p, const char *end, struct kx_text_line *out)
{
	size_t n = token_len(p, end);

	if (n < 2 || p[n - 1] != ':')
		return NULL;
	if (kx_text_parse_ts(p, n - 1, &out->ts, &out->ts_digits) < 0)
		return NULL;
	return p + n;
}

static void set_text(const char *p, const char *end, struct kx_text_line *out)
{
	p = skip_spaces(p, end);
	while (end > p && is_space(end[-1]))
		end--;
	out->text.p = p;
	out->text.len = end - p;
}

static int parse_ftrace_tail(const char *p, const char *end, struct kx_text_line *out)
{
	const char *q, *name;

	p = skip_spaces(p, end);
	q = parse_ts_token(p, end, out);
	if (!q) {
		/* latency flags column ("d..2."), then the timestamp */
		size_t n = token_len(p, end);

		if (n == 0 || memchr(p, ':', n))
			return -1;
		q = parse_ts_token(skip_spaces(p + n, end), end, out);
		if (!q)
			return -1;
	}
	name = skip_spaces(q, end);
	for (q = name; q < end && *q != ':' && !is_space(*q); q++)
		;
	if (q == name || q >= end || *q != ':' || (q + 1 < end && !is_space(q[1])))
		return -1;
	out->event.p = name;
	out->event.len = q - name;
	set_text(q + 1, end, out);
	return 0;
}

static int parse_perf_tail(const char *p, const char *end, struct kx_text_line *out)
{
	const char *q, *colon;
	size_t n;

	q = parse_ts_token(skip_spaces(p, end), end, out);
	if (!q)
		return -1;
	p = skip_spaces(q, end);
	n = token_len(p, end);
	if (n && n == strspn(p, "0123456789")) {	/* the sample period (-F period) */
		p = skip_spaces(p + n, end);
		n = token_len(p, end);
	}
	if (n == 0)
		return -1;
	if (n > 12 && memcmp(p, "PERF_RECORD_", 12) == 0) {
		out->event.p = p;
		out->event.len = n;
		set_text(p + n, end, out);
		if (n == 16 && memcmp(p, "PERF_RECORD_LOST", 16) == 0) {
			if (out->text.len < 6 || memcmp(out->text.p, "lost ", 5) != 0)
				return -1;
			if (kx_text_parse_u64(out->text.p + 5, out->text.len - 5, 10,
					      &out->lost) < 0)
				return -1;
			out->is_lost = true;
		}
		return 0;
	}
	colon = memchr(p, ':', n);
	if (p[n - 1] != ':' || !colon || colon == p || colon + 1 >= p + n - 1)
		return -1;
	out->system.p = p;
	out->system.len = colon - p;
	out->event.p = colon + 1;
	out->event.len = (p + n - 1) - (colon + 1);
	set_text(p + n, end, out);
	return 0;
}

/*
 * trace-cmd report -l: "comm-pid  1d..1.  490.414418: event: ..." - the
 * CPU number without brackets, followed by the latency flags (whose first
 * character is never a digit). Returns the position after the cpu+flags
 * token, where the timestamp follows.
 */
static const char *find_latency_cpu(const char *start, const char *end, struct kx_text_line *out)
{
	struct kx_text_span tok[3] = { { NULL, 0 } };
	const char *p = start;
	uint64_t ts;
	unsigned digits;

	while ((p = skip_spaces(p, end)) < end) {
		const char *d;

		tok[0] = tok[1];
		tok[1] = tok[2];
		tok[2].p = p;
		tok[2].len = token_len(p, end);
		p += tok[2].len;
		if (!tok[0].p || tok[2].len < 2 || tok[2].p[tok[2].len - 1] != ':' ||
		    kx_text_parse_ts(tok[2].p, tok[2].len - 1, &ts, &digits) < 0)
			continue;
		for (d = tok[1].p; d < tok[1].p + tok[1].len && is_digit(*d); d++)
			;
		if (d == tok[1].p || d == tok[1].p + tok[1].len || memchr(tok[1].p, ':', tok[1].len) ||
		    parse_i32(tok[1].p, d - tok[1].p, &out->cpu) < 0)
			return NULL;
		if (!comm_pid(start, end, tok[0].p, tok[0].p + tok[0].len, out))
			return NULL;
		return tok[1].p + tok[1].len;
	}
	return NULL;
}

static int parse_body(enum kx_text_layout layout, const char *p, const char *end,
		      struct kx_text_line *out)
{
	const char *q = find_cpu_field(layout, p, end, out);

	if (!q && layout == KX_TEXT_FTRACE)
		q = find_latency_cpu(p, end, out);

	if (!q || out->comm.len == 0)
		return -1;
	if (layout == KX_TEXT_FTRACE)
		return parse_ftrace_tail(q, end, out);
	return parse_perf_tail(q, end, out);
}

int kx_text_parse_line(enum kx_text_layout layout, const char *line, size_t len,
		       struct kx_text_line *out)
{
	const char *end = line + len, *body;

	memset(out, 0, sizeof(*out));
	out->pid = -1;
	if (layout == KX_TEXT_FTRACE && len && !is_space(line[0])) {
		body = after_instance(line, end, &out->instance);
		if (body && parse_body(layout, body, end, out) == 0)
			return 0;
		memset(out, 0, sizeof(*out));
		out->pid = -1;
	}
	return parse_body(layout, line, end, out);
}

/* Consume literal @lit at *@p; true if it was there. */
static bool eat(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Consume a decimal number at *@p. */
static bool eat_u64(const char **p, const char *end, uint64_t *v)
{
	const char *q = *p;

	while (q < end && is_digit(*q))
		q++;
	if (q == *p || kx_text_parse_u64(*p, q - *p, 10, v) < 0)
		return false;
	*p = q;
	return true;
}

int kx_text_parse_lost(const char *line, size_t len, struct kx_text_lost *out)
{
	const char *p = line, *end = line + len, *q;
	uint64_t cpu;

	while (end > p && is_space(end[-1]))
		end--;
	memset(out, 0, sizeof(*out));
	out->count = KX_LOST_UNKNOWN;
	if (eat(&p, end, "##### CPU ")) {
		if (!eat_u64(&p, end, &cpu) || cpu > INT32_MAX ||
		    !eat(&p, end, " buffer started ####") || p != end)
			return -1;
		out->cpu = (int32_t)cpu;
		return 0;
	}
	if (len && !is_space(line[0]) && !(len > 4 && memcmp(line, "CPU:", 4) == 0)) {
		q = after_instance(p, end, &out->instance);
		if (!q)
			return -1;
		p = q;
	}
	if (!eat(&p, end, "CPU:") || !eat_u64(&p, end, &cpu) || cpu > INT32_MAX ||
	    !eat(&p, end, " ["))
		return -1;
	out->cpu = (int32_t)cpu;
	if (eat(&p, end, "LOST ")) {
		if (!eat_u64(&p, end, &out->count) || !eat(&p, end, " EVENTS]"))
			return -1;
	} else if (!eat(&p, end, "EVENTS DROPPED]")) {
		if (!eat_u64(&p, end, &out->count) || !eat(&p, end, " EVENTS DROPPED]"))
			return -1;
	}
	return p == end ? 0 : -1;
}

bool kx_text_is_kvm_system(const char *name, size_t len)
{
	if (len == 15 && memcmp(name, "vcpu_match_mmio", 15) == 0)
		return true;
	if (len < 4 || memcmp(name, "kvm_", 4) != 0)
		return false;
	if (len >= 8 && memcmp(name, "kvm_mmu_", 8) == 0)
		return false;
	if (len >= 12 && memcmp(name, "kvm_tdp_mmu_", 12) == 0)
		return false;
	return true;
}
