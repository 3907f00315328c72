// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cycles.c - split each vCPU thread's interval stream into timer-programming
 * cycles (VM entry after one timer write to the VM entry after the next),
 * sum guest/host/idle time and host time per sub-key for each, and keep
 * per-thread and overall statistics plus a bounded heap of the worst cycles.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kx_cycles.h"
#include "kx_grow.h"
#include "kx_subkey.h"
#include "kx_topn.h"

/* ---- key -> (host, count) table, open addressing, grows with distinct keys ---- */

struct kx_keytab {
	struct kx_cycle_keytime *ent;	/* dense, in insertion order */
	uint32_t *slot;			/* 0 = empty, else index into @ent + 1 */
	uint32_t n;
	uint32_t cap;			/* slots, a power of two; @ent holds cap / 2 */
};

static uint32_t key_hash(uint64_t key, uint32_t mask)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (uint32_t)key & mask;
}

static void keytab_free(struct kx_keytab *kt)
{
	if (!kt)
		return;
	free(kt->ent);
	free(kt->slot);
	free(kt);
}

static int keytab_grow(struct kx_keytab *kt)
{
	uint32_t cap = kt->cap ? kt->cap * 2 : 16;
	uint32_t *slot = calloc(cap, sizeof(*slot));
	struct kx_cycle_keytime *ent = realloc(kt->ent, (cap / 2) * sizeof(*ent));

	if (!slot || !ent) {
		free(slot);
		if (ent)
			kt->ent = ent;
		return -ENOMEM;
	}
	kt->ent = ent;
	free(kt->slot);
	kt->slot = slot;
	kt->cap = cap;
	for (uint32_t i = 0; i < kt->n; i++) {
		uint32_t h = key_hash(ent[i].key, cap - 1);

		while (slot[h])
			h = (h + 1) & (cap - 1);
		slot[h] = i + 1;
	}
	return 0;
}

static int keytab_add(struct kx_keytab *kt, uint64_t key, uint64_t host, uint64_t count)
{
	uint32_t h;

	if (kt->n + 1 > kt->cap / 2 && keytab_grow(kt))
		return -ENOMEM;
	h = key_hash(key, kt->cap - 1);
	while (kt->slot[h]) {
		struct kx_cycle_keytime *e = &kt->ent[kt->slot[h] - 1];

		if (e->key == key) {
			e->host += host;
			e->count += count;
			return 0;
		}
		h = (h + 1) & (kt->cap - 1);
	}
	kt->ent[kt->n] = (struct kx_cycle_keytime){ .key = key, .host = host, .count = count };
	kt->slot[h] = ++kt->n;
	return 0;
}

static const struct kx_cycle_keytime *keytab_find(const struct kx_keytab *kt, uint64_t key)
{
	uint32_t h;

	if (!kt->n)
		return NULL;
	for (h = key_hash(key, kt->cap - 1); kt->slot[h]; h = (h + 1) & (kt->cap - 1))
		if (kt->ent[kt->slot[h] - 1].key == key)
			return &kt->ent[kt->slot[h] - 1];
	return NULL;
}

static void keytab_clear(struct kx_keytab *kt)
{
	if (kt->n)
		memset(kt->slot, 0, kt->cap * sizeof(*kt->slot));
	kt->n = 0;
}

static int keytab_merge(struct kx_keytab *dst, const struct kx_keytab *src)
{
	for (uint32_t i = 0; i < src->n; i++)
		if (keytab_add(dst, src->ent[i].key, src->ent[i].host, src->ent[i].count))
			return -ENOMEM;
	return 0;
}

/* most host time first, then smaller key */
static int keytime_cmp(const void *a, const void *b)
{
	const struct kx_cycle_keytime *x = a, *y = b;

	if (x->host != y->host)
		return x->host > y->host ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* keytime_cmp() order; a cycle has a few keys, where insertion beats qsort's setup */
static void keytimes_sort(struct kx_cycle_keytime *e, uint32_t n)
{
	if (n > 16) {
		qsort(e, n, sizeof(*e), keytime_cmp);
		return;
	}
	for (uint32_t i = 1; i < n; i++) {
		struct kx_cycle_keytime x = e[i];
		uint32_t j = i;

		for (; j > 0 && keytime_cmp(&x, &e[j - 1]) < 0; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

/* ---- per-thread state ---- */

/*
 * A later time slice's start of a thread (kx_cycles_mid_trace()): its
 * intervals up to its first timer-programming exit belong to a cycle the
 * slice before opened. They are summed in the thread's @cur as if a cycle
 * were open ("leading"); the timer exit moves the sums here, and
 * kx_cycles_join() adds them to that cycle.
 * @seen:   an interval or a break came
 * @broken: a break or a gap came: the cycle before is discarded
 * @ended:  a timer exit, whose VM entry at @end completes the cycle before
 * @start:  start of the first interval (it must join the slice before's)
 * @segs:   its segments, kept as a cycle keeps them
 */
struct lead_in {
	bool seen, broken, ended;
	uint64_t start, end;
	uint64_t own_before;	/* the slice's own cycles completed before @end */
	struct sums {
		uint64_t guest, host, idle, user, exits, idle_exits;
	} sums;
	struct kx_keytab *keys;
	uint32_t nsegs;
	uint64_t segs_elided;
	struct kx_cycle_seg segs[KX_CYCLE_SEGS];
};

struct thread {
	uint64_t id;		/* buffer << 32 | tid */
	bool open;		/* a cycle is in progress in @cur */
	bool seen;		/* @last_end is valid */
	bool leading;		/* mid-trace, before the first timer exit: @cur sums the lead-in */
	uint64_t last_end;
	uint64_t ncycles;	/* cycles started on this thread */
	struct kx_cycle cur;
	struct kx_keytab *cur_keys;	/* host time per key of @cur, exact */
	struct lead_in lead;
	struct kx_cycles_stats st;
};

struct kx_cycles {
	struct kx_cycles_opts opts;
	struct thread **threads;	/* in first-seen order, sorted by finish */
	struct kx_keytab *thread_index;	/* thread id -> position in @threads (in .host) */
	size_t nthreads;
	size_t cap;
	uint64_t seq;
	struct kx_topn worst;		/* opts.worst cycles: highest score, then completed first */
	struct kx_cycles_stats total;
	bool mid_trace;			/* kx_cycles_mid_trace(): threads start leading */
	bool finished;
	/*
	 * Joining a later slice (kx_cycles_replay_at(), kx_cycles_join()): the
	 * cycles completed meanwhile wait in @joined for their place among the
	 * later slice's own, after @mark of those, before they rank as worst.
	 */
	bool joining;
	uint64_t mark;
	struct joined {
		uint64_t mark;
		struct kx_cycle cy;
	} *joined;
	size_t njoined, cap_joined;
};

static int stats_init(struct kx_cycles_stats *st, int32_t tid, int32_t pid, int32_t vcpu,
		      uint16_t buffer)
{
	memset(st, 0, sizeof(*st));
	st->tid = tid;
	st->pid = pid;
	st->vcpu = vcpu;
	st->buffer = buffer;
	kx_hist_init(&st->guest);
	kx_hist_init(&st->host);
	kx_hist_init(&st->ratio);
	st->keys = calloc(1, sizeof(*st->keys));
	return st->keys ? 0 : -ENOMEM;
}

static void stats_free(struct kx_cycles_stats *st)
{
	kx_hist_free(&st->guest);
	kx_hist_free(&st->host);
	kx_hist_free(&st->ratio);
	keytab_free(st->keys);
	st->keys = NULL;
}

static void thread_free(struct thread *t)
{
	if (!t)
		return;
	stats_free(&t->st);
	keytab_free(t->cur_keys);
	keytab_free(t->lead.keys);
	free(t);
}

/* The thread @id (@tid, @pid, @vcpu, @buffer), made on first sight. */
static struct thread *thread_get(struct kx_cycles *c, uint64_t id, int32_t tid, int32_t pid,
				 int32_t vcpu, uint16_t buffer)
{
	const struct kx_cycle_keytime *known = keytab_find(c->thread_index, id);
	struct thread *t;

	if (known)
		return c->threads[known->host];
	if (c->nthreads == c->cap) {
		struct thread **n = kx_grow(c->threads, &c->cap, sizeof(*n), 8);

		if (!n)
			return NULL;
		c->threads = n;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->id = id;
	t->cur_keys = calloc(1, sizeof(*t->cur_keys));
	t->lead.keys = calloc(1, sizeof(*t->lead.keys));
	if (!t->cur_keys || !t->lead.keys || stats_init(&t->st, tid, pid, vcpu, buffer) ||
	    keytab_add(c->thread_index, id, c->nthreads, 0)) {
		thread_free(t);
		return NULL;
	}
	/* mid-trace, a cycle may be open from the slice before: sum what belongs to it */
	t->leading = c->mid_trace;
	t->open = c->mid_trace;
	c->threads[c->nthreads++] = t;
	return t;
}

static uint64_t worst_score(const struct kx_cycles *c, const struct kx_cycle *cy)
{
	return c->opts.worst_by_host ? cy->host : cy->ratio;
}

/* --worst's order: @a ranks before @b with a higher score, or as high and completed first */
static bool worse(const void *a, const void *b, const void *ctx)
{
	uint64_t sa = worst_score(ctx, a), sb = worst_score(ctx, b);

	return sa != sb ? sa > sb : ((const struct kx_cycle *)a)->seq <
				    ((const struct kx_cycle *)b)->seq;
}

struct kx_cycles *kx_cycles_new(const struct kx_cycles_opts *opts)
{
	struct kx_cycles *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->opts = *opts;
	c->thread_index = calloc(1, sizeof(*c->thread_index));
	if (!c->thread_index || stats_init(&c->total, -1, -1, -1, 0))
		goto err;
	if (kx_topn_init(&c->worst, opts->worst, sizeof(struct kx_cycle), worse, c) < 0)
		goto err;
	return c;
err:
	kx_cycles_free(c);
	return NULL;
}

void kx_cycles_free(struct kx_cycles *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nthreads; i++)
		thread_free(c->threads[i]);
	free(c->threads);
	keytab_free(c->thread_index);
	kx_topn_fini(&c->worst);
	free(c->joined);
	stats_free(&c->total);
	free(c);
}

uint64_t kx_cycles_exit_key(const struct kx_interval *iv)
{
	struct kx_subkey canon;

	if (iv->subkey.cls == KX_SK_NONE)
		return iv->reason;
	canon = kx_subkey_canonical(&iv->subkey);
	return kx_subkey_pack(&canon);
}

static void cycle_open(struct thread *t, const struct kx_interval *iv)
{
	struct kx_cycle *cy = &t->cur;

	memset(cy, 0, offsetof(struct kx_cycle, segs));
	cy->nkeys = 0;
	cy->other_host = 0;
	cy->index = ++t->ncycles;
	cy->start = iv->end;
	cy->tid = iv->tid;
	cy->pid = iv->pid;
	cy->vcpu = iv->vcpu;
	cy->buffer = iv->buffer;
	keytab_clear(t->cur_keys);
	t->open = true;
}

/* Append a segment: the first SEGS-1 are kept, the last slot always holds the newest. */
static void seg_add(struct kx_cycle *cy, uint64_t dur, uint64_t key, bool guest, bool idle)
{
	struct kx_cycle_seg *last = cy->nsegs ? &cy->segs[cy->nsegs - 1] : NULL;

	if (guest && last && last->guest) {
		last->dur += dur;
		return;
	}
	if (cy->nsegs == KX_CYCLE_SEGS) {
		cy->segs_elided++;
		cy->nsegs--;
	}
	cy->segs[cy->nsegs++] = (struct kx_cycle_seg){
		.dur = dur, .key = key, .guest = guest, .idle = idle,
	};
}

static uint64_t ratio_of(uint64_t host, uint64_t guest)
{
	unsigned __int128 r;

	if (!guest)
		return KX_RATIO_INF;
	r = ((unsigned __int128)host * KX_RATIO_ONE + guest / 2) / guest;
	return r >= KX_RATIO_INF ? KX_RATIO_INF - 1 : (uint64_t)r;
}

/* A cycle completed while joining: it ranks once its place is known. */
static int hold_joined(struct kx_cycles *c, const struct kx_cycle *cy)
{
	if (c->njoined == c->cap_joined) {
		struct joined *j = kx_grow(c->joined, &c->cap_joined, sizeof(*j), 8);

		if (!j)
			return -ENOMEM;
		c->joined = j;
	}
	c->joined[c->njoined].mark = c->mark;
	c->joined[c->njoined++].cy = *cy;
	return 0;
}

static int cycle_complete(struct kx_cycles *c, struct thread *t, uint64_t end)
{
	struct kx_cycle *cy = &t->cur;
	struct kx_cycles_stats *st = &t->st;
	struct kx_keytab *kt = t->cur_keys;
	int err;

	cy->end = end;
	cy->ratio = ratio_of(cy->host, cy->guest);
	if (!c->joining)
		cy->seq = ++c->seq;
	cy->nkeys = kt->n < KX_CYCLE_KEYS ? kt->n : KX_CYCLE_KEYS;
	if (kt->n) {
		keytimes_sort(kt->ent, kt->n);
		memcpy(cy->keys, kt->ent, cy->nkeys * sizeof(*cy->keys));
	}
	for (uint32_t i = cy->nkeys; i < kt->n; i++)
		cy->other_host += kt->ent[i].host;

	st->cycles++;
	st->guest_total += cy->guest;
	st->host_total += cy->host;
	st->idle_total += cy->idle;
	st->user_total += cy->user;
	st->exits += cy->exits;
	st->idle_exits += cy->idle_exits;
	if (kx_hist_add(&st->guest, cy->guest) || kx_hist_add(&st->host, cy->host))
		return -ENOMEM;
	if (cy->ratio == KX_RATIO_INF)
		st->zero_guest++;
	else if (kx_hist_add(&st->ratio, cy->ratio))
		return -ENOMEM;
	/* the table was sorted in place, so its hash slots are stale: merge from the dense array */
	if (keytab_merge(st->keys, kt))
		return -ENOMEM;
	if (c->joining)
		return c->opts.worst ? hold_joined(c, cy) : 0;
	kx_topn_offer(&c->worst, cy);
	if (c->opts.on_cycle) {
		err = c->opts.on_cycle(c->opts.ctx, cy);
		if (err)
			return err;
	}
	return 0;
}

static void discard(struct thread *t)
{
	if (t->leading)
		t->lead.broken = true;	/* the cycle before: kx_cycles_join() discards it */
	else if (t->open)
		t->st.discarded++;
	t->open = false;
}

static struct sums sums_of(const struct kx_cycle *cy)
{
	return (struct sums){ cy->guest, cy->host, cy->idle, cy->user, cy->exits, cy->idle_exits };
}

/* The lead-in ends at a timer exit whose VM entry is at @end: keep what it summed. */
static void lead_end(const struct kx_cycles *c, struct thread *t, uint64_t end)
{
	struct lead_in *l = &t->lead;
	struct kx_keytab *keys = l->keys;

	l->ended = true;
	l->end = end;
	l->own_before = c->seq;
	l->sums = sums_of(&t->cur);
	l->nsegs = t->cur.nsegs;
	l->segs_elided = t->cur.segs_elided;
	memcpy(l->segs, t->cur.segs, sizeof(l->segs));
	l->keys = t->cur_keys;	/* cycle_open() clears the other table for the next cycle */
	t->cur_keys = keys;
	t->leading = false;
}

int kx_cycles_feed(struct kx_cycles *c, const struct kx_interval *iv)
{
	struct thread *t;
	struct kx_cycle *cy;
	uint64_t dur;
	int err = 0;

	if (c->finished)
		return -EINVAL;
	t = thread_get(c, kx_thread_key(iv->buffer, iv->tid), iv->tid, iv->pid, iv->vcpu,
		       iv->buffer);
	if (!t)
		return -ENOMEM;
	if (iv->vcpu != KX_VCPU_UNKNOWN)
		t->st.vcpu = iv->vcpu;
	if (iv->pid >= 0)
		t->st.pid = iv->pid;
	if (iv->kind != KX_IV_BREAK && iv->kind != KX_IV_GUEST && iv->kind != KX_IV_EXIT)
		return 0;
	if (t->leading && !t->lead.seen) {
		t->lead.seen = true;
		t->lead.start = iv->start;
	}
	if (iv->kind == KX_IV_BREAK) {
		discard(t);
		t->seen = false;
		return 0;
	}
	/* the timeline must join up, or the cycle's sums would miss time */
	if (t->seen && iv->start != t->last_end)
		discard(t);
	t->seen = true;
	t->last_end = iv->end;
	cy = &t->cur;
	dur = iv->end - iv->start;
	if (iv->kind == KX_IV_GUEST) {
		if (t->open) {
			cy->guest += dur;
			seg_add(cy, dur, 0, true, false);
		}
		return 0;
	}
	if (t->open) {
		uint64_t key = kx_cycles_exit_key(iv);

		cy->exits++;
		cy->user += iv->user;
		if (iv->idle) {
			cy->idle += dur;
			cy->idle_exits++;
		} else {
			cy->host += dur;
			if (keytab_add(t->cur_keys, key, dur, 1))
				return -ENOMEM;
		}
		seg_add(cy, dur, key, false, iv->idle);
	}
	if (!kx_subkey_is_timer(&iv->subkey, c->opts.lvtt))
		return 0;
	t->st.timer_exits++;
	if (t->leading)
		lead_end(c, t, iv->end);
	else if (t->open)
		err = cycle_complete(c, t, iv->end);
	cycle_open(t, iv);
	return err;
}

int kx_cycles_sink(void *ctx, const struct kx_interval *iv)
{
	return kx_cycles_feed(ctx, iv);
}

void kx_cycles_mid_trace(struct kx_cycles *c)
{
	c->mid_trace = true;
}

/* @key of a later slice in the ids of the slice before (reason ids differ, sub-keys not). */
static uint64_t map_key(uint64_t key, const uint32_t *reason_map, uint32_t nr_reasons)
{
	return key < KX_CYCLE_KEY_SUBKEY && key < nr_reasons ? reason_map[key] : key;
}

static int keytab_merge_mapped(struct kx_keytab *dst, const struct kx_keytab *src,
			       const uint32_t *reason_map, uint32_t nr_reasons)
{
	for (uint32_t i = 0; i < src->n; i++)
		if (keytab_add(dst, map_key(src->ent[i].key, reason_map, nr_reasons),
			       src->ent[i].host, src->ent[i].count))
			return -ENOMEM;
	return 0;
}

/* Add the complete cycles of @from (a later slice's) to @to. */
static int stats_add(struct kx_cycles_stats *to, const struct kx_cycles_stats *from,
		     const uint32_t *reason_map, uint32_t nr_reasons)
{
	to->cycles += from->cycles;
	to->timer_exits += from->timer_exits;
	to->discarded += from->discarded;
	to->zero_guest += from->zero_guest;
	to->guest_total += from->guest_total;
	to->host_total += from->host_total;
	to->idle_total += from->idle_total;
	to->user_total += from->user_total;
	to->exits += from->exits;
	to->idle_exits += from->idle_exits;
	/* the last vCPU id and process a thread showed, as one pass keeps them */
	if (from->vcpu != KX_VCPU_UNKNOWN)
		to->vcpu = from->vcpu;
	if (from->pid >= 0)
		to->pid = from->pid;
	if (kx_hist_merge(&to->guest, &from->guest) || kx_hist_merge(&to->host, &from->host) ||
	    kx_hist_merge(&to->ratio, &from->ratio))
		return -ENOMEM;
	return keytab_merge_mapped(to->keys, from->keys, reason_map, nr_reasons);
}

/*
 * Append to @cy the segments a cycle kept as @segs (@n, @elided dropped
 * between its first KX_CYCLE_SEGS - 1 and its last), as adding them one by
 * one would: a dropped segment lands in the last slot, where the next one
 * replaces it.
 */
static void segs_append(struct kx_cycle *cy, const struct kx_cycle_seg *segs, uint32_t n,
			uint64_t elided, const uint32_t *reason_map, uint32_t nr_reasons)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct kx_cycle_seg *g = &segs[i];

		if (elided && i == n - 1) {
			/* the dropped ones: the first may take the last slot, each next replaces it */
			if (cy->nsegs < KX_CYCLE_SEGS) {
				cy->nsegs++;
				elided--;
			}
			cy->segs_elided += elided;
			/* no guest: @g, were it guest, did not merge with the one before it */
			cy->segs[cy->nsegs - 1] = (struct kx_cycle_seg){ 0 };
		}
		seg_add(cy, g->dur, g->guest ? g->key : map_key(g->key, reason_map, nr_reasons),
			g->guest, g->idle);
	}
}

/* @cy, a later slice's, in the ids of the slice before. */
static void map_cycle(struct kx_cycle *cy, const uint32_t *reason_map, uint32_t nr_reasons)
{
	for (uint32_t i = 0; i < cy->nsegs; i++)
		if (!cy->segs[i].guest)
			cy->segs[i].key = map_key(cy->segs[i].key, reason_map, nr_reasons);
	for (uint32_t i = 0; i < cy->nkeys; i++)
		cy->keys[i].key = map_key(cy->keys[i].key, reason_map, nr_reasons);
}

/*
 * Continue @t (this analysis's state at the end of the slice before) with
 * @l's lead-in, then, if a timer exit ended it, with @l's own state.
 */
static int join_thread(struct kx_cycles *c, struct thread *t, const struct thread *l,
		       const uint32_t *reason_map, uint32_t nr_reasons)
{
	const struct lead_in *lead = &l->lead;
	/* never ended: the lead-in is still summed in @l's cycle */
	const struct sums add = l->leading ? sums_of(&l->cur) : lead->sums;
	const struct kx_keytab *keys = l->leading ? l->cur_keys : lead->keys;
	struct kx_cycle *cy = &t->cur;
	int err = 0;

	if (lead->seen && (lead->broken || (t->seen && lead->start != t->last_end))) {
		discard(t);
	} else if (lead->seen && t->open) {
		cy->guest += add.guest;
		cy->host += add.host;
		cy->idle += add.idle;
		cy->user += add.user;
		cy->exits += add.exits;
		cy->idle_exits += add.idle_exits;
		if (l->leading)
			segs_append(cy, l->cur.segs, l->cur.nsegs, l->cur.segs_elided, reason_map,
				    nr_reasons);
		else
			segs_append(cy, lead->segs, lead->nsegs, lead->segs_elided, reason_map,
				    nr_reasons);
		err = keytab_merge_mapped(t->cur_keys, keys, reason_map, nr_reasons);
	}
	if (!err && lead->ended && t->open) {
		c->mark = lead->own_before;
		err = cycle_complete(c, t, lead->end);
	}
	if (err)
		return err;
	if (lead->seen) {
		t->seen = l->seen;
		t->last_end = l->last_end;
	}
	if (!lead->ended)
		return stats_add(&t->st, &l->st, reason_map, nr_reasons);
	/* from the timer exit on, the thread is where the later slice left it */
	t->open = l->open;
	*cy = l->cur;
	cy->index += t->ncycles;
	t->ncycles += l->ncycles;
	map_cycle(cy, reason_map, nr_reasons);
	keytab_clear(t->cur_keys);
	err = keytab_merge_mapped(t->cur_keys, l->cur_keys, reason_map, nr_reasons);
	return err ? err : stats_add(&t->st, &l->st, reason_map, nr_reasons);
}

uint64_t kx_cycles_mark(const struct kx_cycles *c)
{
	return c->seq;
}

void kx_cycles_replay_at(struct kx_cycles *c, uint64_t mark)
{
	c->joining = true;
	c->mark = mark;
}

/* joined cycles in completion order: by the later slice's own completed before, then time */
static int joined_cmp(const void *a, const void *b)
{
	const struct joined *x = a, *y = b;

	if (x->mark != y->mark)
		return x->mark < y->mark ? -1 : 1;
	return x->cy.end < y->cy.end ? -1 : x->cy.end > y->cy.end;
}

/*
 * Rank the cycles completed in the join and @later's worst ones, numbered
 * as one pass completes them, after the cycles so far. Return: 0, or
 * KX_CYCLES_APART when two joined cycles' order is not known.
 */
static int rank_worst(struct kx_cycles *c, const struct kx_cycles *later,
		      const uint32_t *reason_map, uint32_t nr_reasons)
{
	if (c->njoined)
		qsort(c->joined, c->njoined, sizeof(*c->joined), joined_cmp);
	for (size_t i = 0; i < c->njoined; i++) {
		struct kx_cycle *cy = &c->joined[i].cy;

		/* the same own cycles before and the same time: their order is the stream's */
		if (i && joined_cmp(&c->joined[i - 1], &c->joined[i]) == 0)
			return KX_CYCLES_APART;
		cy->seq = c->seq + c->joined[i].mark + i + 1;
		kx_topn_offer(&c->worst, cy);
	}
	/* @later's worst, by own completion order (seq): the joined ones before each */
	for (size_t i = 0; i < later->worst.n; i++) {
		struct kx_cycle cy = *(const struct kx_cycle *)kx_topn_at(&later->worst, i);
		const struct kx_cycle_keytime *at =
			keytab_find(c->thread_index, kx_thread_key(cy.buffer, cy.tid));
		const struct kx_cycle_keytime *was =
			keytab_find(later->thread_index, kx_thread_key(cy.buffer, cy.tid));
		size_t below = 0;

		while (below < c->njoined && c->joined[below].mark < cy.seq)
			below++;
		if (!at || !was)
			return -EINVAL;
		cy.index += c->threads[at->host]->ncycles - later->threads[was->host]->ncycles;
		cy.seq = c->seq + cy.seq + below;
		map_cycle(&cy, reason_map, nr_reasons);
		kx_topn_offer(&c->worst, &cy);
	}
	c->seq += later->seq + c->njoined;
	return 0;
}

int kx_cycles_join(struct kx_cycles *c, const struct kx_cycles *later, const uint32_t *reason_map,
		   uint32_t nr_reasons)
{
	int err = 0;

	if (c->finished || later->finished || c->mid_trace || c->opts.on_cycle)
		return -EINVAL;
	c->joining = true;
	for (size_t i = 0; i < later->nthreads && !err; i++) {
		const struct thread *l = later->threads[i];
		struct thread *t = thread_get(c, l->id, l->st.tid, l->st.pid, l->st.vcpu,
					      l->st.buffer);

		err = t ? join_thread(c, t, l, reason_map, nr_reasons) : -ENOMEM;
	}
	if (!err)
		err = rank_worst(c, later, reason_map, nr_reasons);
	c->joining = false;
	c->njoined = 0;
	return err;
}

static int thread_cmp(const void *a, const void *b)
{
	const struct thread *x = *(struct thread *const *)a, *y = *(struct thread *const *)b;
	/* unknown vCPU ids sort last */
	uint32_t vx = (uint32_t)x->st.vcpu, vy = (uint32_t)y->st.vcpu;

	if (x->st.buffer != y->st.buffer)
		return x->st.buffer < y->st.buffer ? -1 : 1;
	if (vx != vy)
		return vx < vy ? -1 : 1;
	return x->st.tid < y->st.tid ? -1 : x->st.tid > y->st.tid;
}

int kx_cycles_finish(struct kx_cycles *c)
{
	struct kx_cycles_stats *tot = &c->total;

	if (c->finished)
		return 0;
	c->finished = true;
	if (c->nthreads)
		qsort(c->threads, c->nthreads, sizeof(*c->threads), thread_cmp);
	for (size_t i = 0; i < c->nthreads; i++) {
		struct thread *t = c->threads[i];
		struct kx_cycles_stats *st = &t->st;

		if (t->open)
			st->unfinished++;
		t->open = false;
		tot->cycles += st->cycles;
		tot->timer_exits += st->timer_exits;
		tot->discarded += st->discarded;
		tot->unfinished += st->unfinished;
		tot->zero_guest += st->zero_guest;
		tot->guest_total += st->guest_total;
		tot->host_total += st->host_total;
		tot->idle_total += st->idle_total;
		tot->user_total += st->user_total;
		tot->exits += st->exits;
		tot->idle_exits += st->idle_exits;
		if (kx_hist_merge(&tot->guest, &st->guest) || kx_hist_merge(&tot->host, &st->host) ||
		    kx_hist_merge(&tot->ratio, &st->ratio) || keytab_merge(tot->keys, st->keys))
			return -ENOMEM;
	}
	kx_topn_sort(&c->worst);
	return 0;
}

size_t kx_cycles_nthreads(const struct kx_cycles *c)
{
	return c->nthreads;
}

const struct kx_cycles_stats *kx_cycles_thread(const struct kx_cycles *c, size_t i)
{
	return i < c->nthreads ? &c->threads[i]->st : NULL;
}

const struct kx_cycles_stats *kx_cycles_total(const struct kx_cycles *c)
{
	return &c->total;
}

size_t kx_cycles_top_keys(const struct kx_cycles_stats *s, struct kx_cycles_keyshare *out,
			  size_t n)
{
	const struct kx_keytab *kt = s->keys;
	size_t got = 0;

	/* selection of the n largest without reordering the table (its slots index it) */
	for (size_t k = 0; k < n; k++) {
		const struct kx_cycle_keytime *best = NULL;

		for (uint32_t i = 0; i < kt->n; i++) {
			const struct kx_cycle_keytime *e = &kt->ent[i];
			bool taken = false;

			for (size_t j = 0; j < got && !taken; j++)
				taken = out[j].key == e->key;
			if (!taken && (!best || keytime_cmp(e, best) < 0))
				best = e;
		}
		if (!best)
			break;
		out[got++] = (struct kx_cycles_keyshare){
			.key = best->key,
			.host = best->host,
			.count = best->count,
			.share = s->host_total ? (double)best->host / (double)s->host_total : 0.0,
		};
	}
	return got;
}

size_t kx_cycles_worst(const struct kx_cycles *c, const struct kx_cycle **out)
{
	*out = (const struct kx_cycle *)c->worst.items;
	return c->worst.n;
}
