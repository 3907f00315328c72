// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * answer.c - kx-synth: the scenario's known answer (per-reason and per
 * normalised sub-key exit statistics, guest/host/idle totals, lost events,
 * timer cycles, the longest non-idle exits) computed from the simulated
 * event stream, and the expected
 * event list (--expect) that the trace-cmd/perf script comparisons use.
 */
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define MAX_REASONS 64
#define MAX_SUBKEYS 16
#define LONGEST 20		/* the longest non-idle exits listed */

struct stat {
	uint64_t count, total, min, max;
	uint64_t guest_kernel;		/* exits whose guest_rip has bit 63 set */
};

struct rstat {
	const char *reason;
	uint32_t code;			/* as the exit's exit_reason field holds it */
	struct stat s;
	int nsk;
	char skname[MAX_SUBKEYS][40];
	struct stat sk[MAX_SUBKEYS];
};

struct long_exit {
	uint64_t start, d;
	uint32_t tid, vm, vcpu, buf;
	const struct sy_exit_spec *ex;
};

struct tstate {
	bool seen, exit_open, guest_open, in_cycle;
	uint32_t last_cpu;
	uint64_t exit_ns, guest_ns;
	const struct sy_exit_spec *ex;
	uint64_t cg, ch, ci, cn;	/* cycle guest/host/idle/exits */
};

struct sy_answer {
	const struct sy_scenario *sc;
	struct rstat r[MAX_REASONS];
	int nr;
	struct tstate t[SY_MAX_THREADS];
	uint64_t pending[SY_MAX_BUFS][SY_MAX_CPUS];
	uint64_t guest_count, guest_total, host_total, idle_total, lost, discarded, orphans;
	uint64_t ncycles, cyc_guest, cyc_host, cyc_idle;
	FILE *cycles;			/* the cycle list, streamed */
	bool first_cycle;
	struct long_exit longest[LONGEST];	/* longest first */
	int nlongest;
};

static void add(struct stat *s, uint64_t d, uint64_t rip)
{
	s->guest_kernel += rip >> 63;
	if (!s->count || d < s->min)
		s->min = d;
	if (d > s->max)
		s->max = d;
	s->count++;
	s->total += d;
}

struct sy_answer *sy_answer_new(const struct sy_scenario *sc)
{
	struct sy_answer *a = sy_xmalloc(sizeof(*a));

	a->sc = sc;
	a->cycles = tmpfile();
	if (!a->cycles)
		sy_die("tmpfile");
	a->first_cycle = true;
	return a;
}

static struct rstat *reason(struct sy_answer *a, const struct sy_exit_spec *ex)
{
	for (int i = 0; i < a->nr; i++)
		if (!strcmp(a->r[i].reason, ex->reason))
			return &a->r[i];
	if (a->nr == MAX_REASONS)
		sy_die("too many exit reasons");
	a->r[a->nr].reason = ex->reason;
	a->r[a->nr].code = ex->code;
	return &a->r[a->nr++];
}

static void subkey(struct rstat *r, const char *name, uint64_t d, uint64_t rip)
{
	int i;

	for (i = 0; i < r->nsk && strcmp(r->skname[i], name); i++)
		;
	if (i == r->nsk) {
		if (r->nsk == MAX_SUBKEYS)
			sy_die("too many sub-keys");
		snprintf(r->skname[r->nsk++], sizeof(r->skname[0]), "%s", name);
	}
	add(&r->sk[i], d, rip);
}

/* A lost marker: drop what the threads last seen on that CPU had open. */
static void reset_cpu(struct sy_answer *a, uint32_t buf, uint32_t cpu)
{
	for (uint32_t i = 0; i < a->sc->nthreads; i++) {
		struct tstate *t = &a->t[i];

		if (!t->seen || a->sc->th[i].buf != buf || t->last_cpu != cpu)
			continue;
		a->discarded += t->exit_open + t->guest_open;
		t->exit_open = t->guest_open = t->in_cycle = false;
	}
}

/* kvmexit-stat's documented order: longer, earlier, lower buffer, lower tid */
static bool ranks_before(const struct long_exit *x, const struct long_exit *y)
{
	if (x->d != y->d)
		return x->d > y->d;
	if (x->start != y->start)
		return x->start < y->start;
	if (x->buf != y->buf)
		return x->buf < y->buf;
	return x->tid < y->tid;
}

static void keep_longest(struct sy_answer *a, const struct long_exit *x)
{
	int i = a->nlongest < LONGEST ? a->nlongest++ : LONGEST;

	/* i: the free slot at the end, or past the full list */
	for (; i > 0 && ranks_before(x, &a->longest[i - 1]); i--)
		if (i < LONGEST)
			a->longest[i] = a->longest[i - 1];
	if (i < LONGEST)
		a->longest[i] = *x;
}

static void end_exit(struct sy_answer *a, struct tstate *t, const struct sy_ev *ev)
{
	const struct sy_exit_spec *ex = t->ex;
	uint64_t d = ev->ns - t->exit_ns;
	struct rstat *r = reason(a, ex);

	add(&r->s, d, ex->rip);
	if (ex->normalized[0])
		subkey(r, ex->normalized, d, ex->rip);
	if (ex->idle) {
		a->idle_total += d;
	} else {
		struct long_exit x = { t->exit_ns, d, ev->tid, ev->th->vm, ev->th->vcpu,
					ev->th->buf, ex };

		a->host_total += d;
		keep_longest(a, &x);
	}
	if (t->in_cycle) {
		t->cn++;
		if (ex->idle)
			t->ci += d;
		else
			t->ch += d;
	}
	if (!ex->timer)
		return;
	if (t->in_cycle) {
		fprintf(a->cycles, "%s\n    {\"tid\":%u,\"vcpu\":%u,\"guest\":%llu,\"host\":%llu,"
			"\"idle\":%llu,\"exits\":%llu}", a->first_cycle ? "" : ",",
			ev->tid, ev->th->vcpu, (unsigned long long)t->cg,
			(unsigned long long)t->ch, (unsigned long long)t->ci,
			(unsigned long long)t->cn);
		a->first_cycle = false;
		a->ncycles++;
		a->cyc_guest += t->cg;
		a->cyc_host += t->ch;
		a->cyc_idle += t->ci;
	}
	t->in_cycle = true;
	t->cg = t->ch = t->ci = t->cn = 0;
}

void sy_answer_event(struct sy_answer *a, const struct sy_ev *ev)
{
	struct tstate *t = &a->t[ev->th - a->sc->th];

	if (ev->kind == SY_LOST) {
		a->pending[ev->buf][ev->cpu] += ev->v[0];
		return;
	}
	if (a->pending[ev->buf][ev->cpu]) {
		a->lost += a->pending[ev->buf][ev->cpu];
		a->pending[ev->buf][ev->cpu] = 0;
		reset_cpu(a, ev->buf, ev->cpu);
	}
	t->seen = true;
	t->last_cpu = ev->cpu;
	if (ev->kind == SY_EXIT) {
		if (t->guest_open) {
			uint64_t d = ev->ns - t->guest_ns;

			a->guest_count++;
			a->guest_total += d;
			if (t->in_cycle)
				t->cg += d;
			t->guest_open = false;
		}
		t->exit_open = true;
		t->exit_ns = ev->ns;
		t->ex = ev->ex;
	} else if (ev->kind == SY_ENTRY) {
		if (t->exit_open)
			end_exit(a, t, ev);
		else
			a->orphans++;
		t->exit_open = false;
		t->guest_open = true;
		t->guest_ns = ev->ns;
	}
}

static int cmp_reason(const void *x, const void *y)
{
	return strcmp(((const struct rstat *)x)->reason, ((const struct rstat *)y)->reason);
}

static void stat_json(FILE *fp, const struct stat *s)
{
	fprintf(fp, "\"count\":%llu,\"total\":%llu,\"min\":%llu,\"max\":%llu,"
		"\"guest_kernel\":%llu", (unsigned long long)s->count,
		(unsigned long long)s->total, (unsigned long long)s->min,
		(unsigned long long)s->max, (unsigned long long)s->guest_kernel);
}

int sy_answer_write(struct sy_answer *a, const char *path)
{
	FILE *fp = fopen(path, "w");
	uint64_t unfinished = 0;
	char buf[4096];
	size_t n;

	if (!fp)
		sy_die("%s: cannot create", path);
	for (uint32_t i = 0; i < a->sc->nthreads; i++)
		unfinished += a->t[i].exit_open;
	qsort(a->r, a->nr, sizeof(a->r[0]), cmp_reason);
	fprintf(fp, "{\n  \"unit\":\"ns\",\n  \"exits\":[");
	for (int i = 0; i < a->nr; i++) {
		const struct rstat *r = &a->r[i];

		fprintf(fp, "%s\n    {\"reason\":\"%s\",\"code\":%u,\"isa\":\"%s\",", i ? "," : "",
			r->reason, r->code, sy_isa_name(a->sc->isa));
		stat_json(fp, &r->s);
		fprintf(fp, ",\"subkeys\":[");
		for (int k = 0; k < r->nsk; k++) {
			fprintf(fp, "%s{\"normalized\":\"%s\",", k ? "," : "", r->skname[k]);
			stat_json(fp, &r->sk[k]);
			fputc('}', fp);
		}
		fprintf(fp, "]}");
	}
	fprintf(fp, "\n  ],\n  \"guest\":{\"count\":%llu,\"total\":%llu},\n",
		(unsigned long long)a->guest_count, (unsigned long long)a->guest_total);
	fprintf(fp, "  \"host\":{\"total\":%llu,\"idle_total\":%llu},\n",
		(unsigned long long)a->host_total, (unsigned long long)a->idle_total);
	fprintf(fp, "  \"lost_events\":%llu,\n  \"discarded\":%llu,\n  \"orphan_entries\":%llu,\n"
		"  \"unfinished_exits\":%llu,\n", (unsigned long long)a->lost,
		(unsigned long long)a->discarded, (unsigned long long)a->orphans,
		(unsigned long long)unfinished);
	fprintf(fp, "  \"cycles\":{\"count\":%llu,\"guest_total\":%llu,\"host_total\":%llu,"
		"\"idle_total\":%llu,\"list\":[", (unsigned long long)a->ncycles,
		(unsigned long long)a->cyc_guest, (unsigned long long)a->cyc_host,
		(unsigned long long)a->cyc_idle);
	rewind(a->cycles);
	while ((n = fread(buf, 1, sizeof(buf), a->cycles)) > 0)
		fwrite(buf, 1, n, fp);
	fprintf(fp, "\n  ]},\n  \"longest\":[");
	for (int i = 0; i < a->nlongest; i++) {
		const struct long_exit *x = &a->longest[i];

		fprintf(fp, "%s\n    {\"start\":%llu,\"duration\":%llu,\"tid\":%u,\"vm\":%u,"
			"\"vcpu\":%u,\"buffer\":\"%s\",\"reason\":\"%s\",\"code\":%u,"
			"\"normalized\":", i ? "," : "", (unsigned long long)x->start,
			(unsigned long long)x->d, x->tid, x->vm, x->vcpu, a->sc->bufname[x->buf],
			x->ex->reason, x->ex->code);
		if (x->ex->normalized[0])
			fprintf(fp, "\"%s\"", x->ex->normalized);
		else
			fprintf(fp, "null");
		fprintf(fp, ",\"guest_mode\":\"%s\"}", x->ex->rip >> 63 ? "kernel" : "user");
	}
	fprintf(fp, "\n  ]\n}\n");
	return fclose(fp) ? -1 : 0;
}

void sy_answer_free(struct sy_answer *a)
{
	fclose(a->cycles);
	free(a);
}

/* ---- expected event list ---- */

void sy_expect_event(FILE *fp, const struct sy_formats *f, const struct sy_ev *ev)
{
	static const char *const mmio_types[] = { "unsatisfied-read", "read", "write" };
	const uint64_t *v = ev->v;
	const char *reg;

	if (ev->kind == SY_LOST) {
		fprintf(fp, "%llu %u - LOST count=%llu\n", (unsigned long long)ev->ns, ev->cpu,
			(unsigned long long)v[0]);
		return;
	}
	fprintf(fp, "%llu %u %u %s", (unsigned long long)ev->ns, ev->cpu, ev->tid,
		f->ev[ev->kind].name);
	switch (ev->kind) {
	case SY_EXIT:
		fprintf(fp, " vcpu=%llu reason=%s rip=0x%llx info1=0x%llx info2=0x%llx\n",
			(unsigned long long)v[5], ev->ex->reason, (unsigned long long)v[1],
			(unsigned long long)v[3], (unsigned long long)v[4]);
		break;
	case SY_ENTRY:
		fprintf(fp, " vcpu=%llu rip=0x%llx\n", (unsigned long long)v[0],
			(unsigned long long)v[1]);
		break;
	case SY_APIC:
		reg = sy_apic_regs[(v[1] >> 4) & 63];
		fprintf(fp, " rw=%s reg=APIC_%s val=0x%llx\n", v[0] ? "write" : "read",
			reg ? reg : "?", (unsigned long long)v[2]);
		break;
	case SY_MSR:
		fprintf(fp, " rw=%s ecx=0x%llx data=0x%llx\n", v[0] ? "write" : "read",
			(unsigned long long)v[1], (unsigned long long)v[2]);
		break;
	case SY_MMIO:
		fprintf(fp, " type=%s len=%llu gpa=0x%llx val=0x%llx\n", mmio_types[v[0] % 3],
			(unsigned long long)v[1], (unsigned long long)v[2],
			(unsigned long long)v[3]);
		break;
	case SY_PIO:
		fprintf(fp, " rw=%s port=0x%llx size=%llu count=%llu val=0x%llx\n",
			v[0] ? "write" : "read", (unsigned long long)v[1],
			(unsigned long long)v[2], (unsigned long long)v[3],
			(unsigned long long)v[4]);
		break;
	case SY_USEREXIT:
		fprintf(fp, " reason=%llu\n", (unsigned long long)v[0]);
		break;
	case SY_EOI:
		fprintf(fp, " apicid=%llu vector=%lld\n", (unsigned long long)v[0],
			(long long)(int32_t)v[1]);
		break;
	}
}
