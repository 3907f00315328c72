// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim.c - kx-synth: run every vCPU thread's statement tree with its own
 * seeded random source and merge the threads' events into one stream in
 * time order (ties: scenario order), which all writers and the answer eat.
 * Constant memory: each thread holds only its few pending events.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define MAX_DEPTH 32
#define QLEN 8	/* the most events one statement queues: exit, 4 helpers, user, lost, entry */

struct frame {
	const struct sy_node *pc;	/* next statement of this block */
	const struct sy_node *rep;	/* repeat node that owns the block */
	uint64_t left;
	bool single;			/* a chosen alternative: one statement only */
};

struct tstate {
	const struct sy_thread *th;
	uint64_t now;
	uint32_t cpu;
	uint64_t rng;
	uint64_t rip;
	struct frame stack[MAX_DEPTH];
	int sp;
	struct sy_ev q[QLEN];		/* filled from 0 by one statement, popped at qh */
	int qh, qt;
};

struct sy_sim {
	const struct sy_scenario *sc;
	uint32_t n;
	struct tstate *drained;		/* emptied by the last pop; refilled on the next call */
	struct tstate t[SY_MAX_THREADS];
};

uint64_t sy_tsc_to_ns(const struct sy_scenario *sc, uint64_t cycles)
{
	uint32_t lo = (uint32_t)cycles, hi = cycles >> 32;
	uint64_t ns = ((uint64_t)lo * sc->mult) >> sc->shift;

	/* trace-cmd's mul_u64_u32_shr(): the high half is shifted separately */
	if (hi)
		ns += ((uint64_t)hi * sc->mult) << (32 - sc->shift);
	return ns;
}

static uint64_t ns_to_ticks(const struct sy_scenario *sc, uint64_t ns)
{
	if (!sc->tsc)
		return ns;
	return (ns * sc->tsc_khz + 500000) / 1000000;
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
	return (rnd(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* llround() of a duration, without the libm call for the usual finite positive values. */
static uint64_t round_ns(double ns)
{
	uint64_t whole;

	if (!(ns >= 0 && ns < 9e18))
		return (uint64_t)llround(ns);
	whole = (uint64_t)ns;
	/* the fraction ns - whole is exact; halves round up, as llround does */
	return whole + (ns - (double)whole >= 0.5);
}

static uint64_t draw_random(struct tstate *ts, const struct sy_dur *d)
{
	double ns = d->a;

	if (d->kind == SY_D_UNIFORM) {
		ns = d->a + (d->b - d->a) * unit(&ts->rng);
	} else if (d->kind == SY_D_LOGNORMAL) {
		double u1 = 1.0 - unit(&ts->rng), u2 = unit(&ts->rng);
		double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);

		ns = d->a * exp(d->b * z);
	}
	return round_ns(ns);
}

static inline uint64_t draw(struct tstate *ts, const struct sy_dur *d)
{
	return d->kind == SY_D_FIXED ? d->fixed_ns : draw_random(ts, d);
}

/* x / d for the divisors of helper spacing (2..5): multiplications, not a divide instruction */
static inline uint64_t div_small(uint64_t x, int d)
{
	switch (d) {
	case 2: return x / 2;
	case 3: return x / 3;
	case 4: return x / 4;
	case 5: return x / 5;
	default: return x / d;
	}
}

/*
 * Queue an event. The thread's fields (tid, pid, buf, th) are set in every
 * slot once by sy_sim_new; only what changes per event is stored here.
 */
static inline struct sy_ev *push(const struct sy_scenario *sc, struct tstate *ts, int kind,
				 uint64_t when, const uint64_t *v, const uint8_t *rec)
{
	struct sy_ev *ev;

	if (ts->qt == QLEN)
		sy_die("internal: event queue overflow");
	ev = &ts->q[ts->qt++];
	ev->ts = when;
	ev->ns = sc->tsc ? sy_tsc_to_ns(sc, when) : when;
	ev->cpu = ts->cpu;
	ev->kind = kind;
	ev->v = v;
	ev->rec = rec;
	ev->ex = NULL;
	return ev;
}

static void do_exit(const struct sy_scenario *sc, struct tstate *ts, const struct sy_exit_spec *ex)
{
	uint64_t k = ns_to_ticks(sc, draw(ts, &ex->kdur));
	uint64_t u = ex->user ? ns_to_ticks(sc, draw(ts, &ex->udur)) : 0;
	uint64_t t0 = ts->now;
	struct sy_ev *ev = push(sc, ts, SY_EXIT, t0, ex->exit_v, ex->rec[SY_REC_EXIT]);

	ev->ex = ex;
	for (int i = 0; i < ex->nhelpers; i++) {
		uint64_t at = t0 + div_small(k * (i + 1), ex->nhelpers + 1);

		push(sc, ts, ex->hkind[i], at, ex->hval[i], ex->rec[SY_REC_HELPER + i]);
	}
	if (ex->user)
		push(sc, ts, SY_USEREXIT, t0 + k, ex->user_v, ex->rec[SY_REC_USER]);
	if (ex->lost) {
		ev = push(sc, ts, SY_LOST, t0 + k, NULL, NULL);
		ev->own_v[0] = ex->lost;
		ev->v = ev->own_v;
	}
	ts->now = t0 + k + u;
	ts->rip = ex->rip + 2;
	if (ex->unfinished)
		return;
	push(sc, ts, SY_ENTRY, ts->now, ex->entry_v, ex->rec[SY_REC_ENTRY]);
}

static const struct sy_node *pick(struct tstate *ts, const struct sy_node *alt)
{
	uint64_t total = 0, r;

	for (const struct sy_node *a = alt; a; a = a->next)
		total += a->weight;
	r = rnd(&ts->rng) % total;
	for (; alt->next; alt = alt->next) {
		if (r < alt->weight)
			break;
		r -= alt->weight;
	}
	return alt;
}

static void enter(struct tstate *ts, const struct sy_node *pc, const struct sy_node *rep,
		  uint64_t left, bool single)
{
	if (ts->sp == MAX_DEPTH)
		sy_die("statements nested deeper than %d", MAX_DEPTH);
	ts->stack[ts->sp++] = (struct frame){ pc, rep, left, single };
}

/* Run the thread (its queue empty) until it has queued at least one event or its timeline ends. */
static void step(struct sy_sim *sim, struct tstate *ts)
{
	const struct sy_scenario *sc = sim->sc;

	ts->qh = ts->qt = 0;
	while (!ts->qt && ts->sp) {
		struct frame *f = &ts->stack[ts->sp - 1];
		const struct sy_node *nd = f->pc;
		struct sy_ev *ev;

		if (!nd) {
			if (f->rep && --f->left)
				f->pc = f->rep->child;
			else
				ts->sp--;
			continue;
		}
		f->pc = f->single ? NULL : nd->next;
		switch (nd->op) {
		case SY_OP_REPEAT:
			if (nd->count && nd->child)
				enter(ts, nd->child, nd, nd->count, false);
			break;
		case SY_OP_BLOCK:
			enter(ts, nd->child, NULL, 0, false);
			break;
		case SY_OP_CHOOSE:
			enter(ts, pick(ts, nd->child), NULL, 0, true);
			break;
		case SY_OP_GUEST:
			ts->now += ns_to_ticks(sc, draw(ts, &nd->dur));
			break;
		case SY_OP_EXIT:
			do_exit(sc, ts, nd->ex);
			break;
		case SY_OP_ENTRY:
			ev = push(sc, ts, SY_ENTRY, ts->now, NULL, NULL);
			ev->own_v[0] = ts->th->vcpu;
			ev->own_v[1] = ts->rip;
			ev->v = ev->own_v;
			break;
		case SY_OP_MIGRATE:
			ts->cpu = nd->arg;
			break;
		case SY_OP_LOST:
			ev = push(sc, ts, SY_LOST, ts->now, NULL, NULL);
			ev->cpu = nd->arg;
			ev->own_v[0] = nd->count;
			ev->v = ev->own_v;
			break;
		}
	}
}

struct sy_sim *sy_sim_new(const struct sy_scenario *sc)
{
	struct sy_sim *sim = sy_xmalloc(sizeof(*sim));

	sim->sc = sc;
	sim->n = sc->nthreads;
	for (uint32_t i = 0; i < sc->nthreads; i++) {
		struct tstate *ts = &sim->t[i];

		ts->th = &sc->th[i];
		ts->now = ns_to_ticks(sc, sc->start_ns + sc->th[i].start_ns);
		ts->cpu = sc->th[i].cpu0;
		ts->rng = sc->seed * 0x100000001b3ull + i * 0x9e3779b97f4a7c15ull + 1;
		ts->rip = 0xffffffff81000000ull;
		for (int q = 0; q < QLEN; q++) {
			ts->q[q].tid = sc->th[i].tid;
			ts->q[q].pid = sc->th[i].vm;
			ts->q[q].buf = sc->th[i].buf;
			ts->q[q].th = &sc->th[i];
		}
		enter(ts, sc->th[i].body, NULL, 0, false);
		step(sim, ts);
	}
	return sim;
}

size_t sy_sim_run(struct sy_sim *sim, const struct sy_ev **first)
{
	struct tstate *best = &sim->t[0], *other = NULL;
	int n;

	/* the caller is done with the previous run: its slots may be refilled */
	if (sim->drained) {
		step(sim, sim->drained);
		sim->drained = NULL;
	}
	/* the earliest head (ties: the first thread), then the earliest of the others */
	for (uint32_t i = 1; i < sim->n; i++) {
		struct tstate *ts = &sim->t[i];

		if (ts->qh == ts->qt)
			continue;
		if (best->qh == best->qt || ts->q[ts->qh].ts < best->q[best->qh].ts) {
			if (best->qh < best->qt)
				other = best;
			best = ts;
		} else if (!other || ts->q[ts->qh].ts < other->q[other->qh].ts) {
			other = ts;
		}
	}
	if (best->qh == best->qt)
		return 0;
	/* best's events go first while they stay ahead of the other threads' heads */
	n = 1;
	if (!other) {
		n = best->qt - best->qh;
	} else {
		uint64_t lim = other->q[other->qh].ts;
		bool before = best < other;	/* wins a tie */
		const struct sy_ev *next = &best->q[best->qh + 1];

		for (; best->qh + n < best->qt; n++, next++)
			if (next->ts > lim || (next->ts == lim && !before))
				break;
	}
	*first = &best->q[best->qh];
	best->qh += n;
	if (best->qh == best->qt)
		sim->drained = best;
	return n;
}

void sy_sim_free(struct sy_sim *sim)
{
	free(sim);
}
