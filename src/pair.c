// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pair.c - per-vCPU-thread state machine: kvm_exit -> kvm_entry is host
 * time charged to that exit, kvm_entry -> kvm_exit is guest time. Helper
 * events between an exit and its entry feed the exit's sub-key; a lost-
 * events marker breaks every thread last seen on that CPU. Threads live in
 * an open-addressing table keyed by (buffer, tid): no allocation per event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kx_exitnames.h"
#include "kx_pair.h"

enum thread_state {
	TS_UNUSED = 0,		/* free slot */
	TS_HELPER,		/* seen in helper events only: not (yet) a vCPU thread */
	TS_UNKNOWN,		/* seen, but nothing open (start, or after a break) */
	TS_GUEST,		/* entered the guest at @since */
	TS_HOST,		/* exited at @since, waiting for the entry */
};

struct thread {
	uint64_t key;
	uint64_t since;
	uint64_t user_since;
	struct kx_subkey_acc acc;
	int32_t tid;
	int32_t pid;
	int32_t vcpu;
	int32_t cpu;		/* CPU of the thread's last event */
	uint32_t reason;
	uint32_t code;
	uint32_t flags;
	uint64_t helper_key;	/* the previous helper event of this exit or guest run ... */
	uint8_t helper_kind;	/* ... and its kind; 0: none, or already paired */
	uint8_t isa;
	uint8_t guest_mode;	/* enum kx_guest_mode of the open exit */
	uint8_t state;
	bool in_user;		/* kvm_userspace_exit seen during this exit */
	bool idle;
	bool counted;		/* in counts.threads: an exit or entry in scope */
};

struct kx_pair {
	struct thread *threads;
	struct thread *last;	/* the last event's thread: the next event is often its */
	uint64_t last_key;
	uint32_t nslots;	/* power of two */
	uint32_t used;
	const struct kx_names *names;
	int8_t *idle_cache;	/* per reason id: -1 unknown, 0 busy, 1 idle */
	uint32_t idle_cap;
	bool mid_trace;		/* kx_pair_mid_trace(): threads enter at their first entry */
	struct kx_pair_scope scope;
	struct kx_pair_counts counts;
};

struct kx_pair *kx_pair_new(const struct kx_names *names)
{
	struct kx_pair *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->names = names;
	p->scope = (struct kx_pair_scope){ .to = UINT64_MAX, .vcpu = -1, .pid = -1 };
	p->nslots = 64;
	p->threads = calloc(p->nslots, sizeof(*p->threads));
	if (!p->threads) {
		free(p);
		return NULL;
	}
	return p;
}

void kx_pair_free(struct kx_pair *p)
{
	if (!p)
		return;
	free(p->threads);
	free(p->idle_cache);
	free(p);
}

void kx_pair_set_scope(struct kx_pair *p, const struct kx_pair_scope *scope)
{
	p->scope = *scope;
}

const struct kx_pair_counts *kx_pair_counts(const struct kx_pair *p)
{
	return &p->counts;
}

/* Whether an anomaly of @t at @ts counts: the scope selects the thread and the time. */
static bool in_scope(const struct kx_pair *p, const struct thread *t, uint64_t ts)
{
	const struct kx_pair_scope *s = &p->scope;

	return ts >= s->from && ts <= s->to && (s->vcpu < 0 || t->vcpu == s->vcpu) &&
	       (s->pid < 0 || t->tid == s->pid || t->pid == s->pid);
}

/* ... and one that spans @start to @end, both of which must lie in the scope's time. */
static bool span_in_scope(const struct kx_pair *p, const struct thread *t, uint64_t start,
			  uint64_t end)
{
	return in_scope(p, t, start) && end >= p->scope.from && end <= p->scope.to;
}

static struct thread *slot_for(struct thread *tab, uint32_t nslots, uint64_t key)
{
	uint32_t mask = nslots - 1;
	uint32_t i = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & mask;

	while (tab[i].state != TS_UNUSED && tab[i].key != key)
		i = (i + 1) & mask;
	return &tab[i];
}

static int grow(struct kx_pair *p)
{
	uint32_t nslots = p->nslots * 2;
	struct thread *tab = calloc(nslots, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->nslots; i++)
		if (p->threads[i].state != TS_UNUSED)
			*slot_for(tab, nslots, p->threads[i].key) = p->threads[i];
	free(p->threads);
	p->threads = tab;
	p->nslots = nslots;
	p->last = NULL;
	return 0;
}

/* The slot of @key, possibly unused; remembered when it is in use. */
static inline __attribute__((always_inline)) struct thread *find(struct kx_pair *p, uint64_t key)
{
	struct thread *t;

	if (p->last && p->last_key == key)
		return p->last;
	t = slot_for(p->threads, p->nslots, key);
	if (t->state != TS_UNUSED) {
		p->last = t;
		p->last_key = key;
	}
	return t;
}

/* A new thread in @t, the free slot find() gave for @key. Return: NULL on ENOMEM. */
static struct thread *add(struct kx_pair *p, struct thread *t, uint64_t key,
			  const struct kx_event *ev, uint8_t state)
{
	if ((p->used + 1) * 2 > p->nslots) {
		if (grow(p) < 0)
			return NULL;
		t = slot_for(p->threads, p->nslots, key);
	}
	memset(t, 0, sizeof(*t));
	t->key = key;
	t->state = state;
	t->tid = ev->tid;
	t->pid = ev->pid;
	t->vcpu = KX_VCPU_UNKNOWN;
	p->used++;
	return t;
}

/* The thread of an exit or entry: a vCPU thread from now on. */
static struct thread *lookup(struct kx_pair *p, const struct kx_event *ev)
{
	uint64_t key = kx_thread_key(ev->buffer, ev->tid);
	struct thread *t = find(p, key);

	if (t->state > TS_HELPER)
		return t;
	if (t->state == TS_HELPER) {
		t->state = TS_UNKNOWN;
		return t;
	}
	return add(p, t, key, ev, TS_UNKNOWN);
}

static bool reason_is_idle(struct kx_pair *p, uint32_t reason)
{
	const char *name;

	if (reason >= p->idle_cap) {
		uint32_t cap = reason + 32;
		int8_t *c = realloc(p->idle_cache, cap);

		if (!c)	/* classify without caching rather than fail the run */
			return kx_exitname_is_idle(kx_names_get(p->names, reason));
		memset(c + p->idle_cap, -1, cap - p->idle_cap);
		p->idle_cache = c;
		p->idle_cap = cap;
	}
	if (p->idle_cache[reason] < 0) {
		name = kx_names_get(p->names, reason);
		p->idle_cache[reason] = name && kx_exitname_is_idle(name);
	}
	return p->idle_cache[reason] == 1;
}

static void fill_interval(struct kx_interval *iv, const struct thread *t, uint32_t kind,
			  int32_t cpu)
{
	*iv = (struct kx_interval){
		.kind = kind,
		.tid = t->tid,
		.pid = t->pid,
		.vcpu = t->vcpu,
		.cpu = cpu,
		.buffer = (uint16_t)(t->key >> 32),
	};
}

static int emit_break(struct thread *t, int32_t cpu, uint64_t ts, kx_interval_fn sink, void *ctx)
{
	struct kx_interval iv;

	fill_interval(&iv, t, KX_IV_BREAK, cpu);
	iv.start = iv.end = ts;
	t->state = TS_UNKNOWN;
	return sink(ctx, &iv);
}

static int on_vm_exit(struct kx_pair *p, struct thread *t, const struct kx_event *ev,
		   kx_interval_fn sink, void *ctx)
{
	struct kx_interval iv;
	int err = 0;

	p->counts.exits++;
	if (ev->u.exit.flags && in_scope(p, t, ev->ts))
		p->counts.failed_vmentry++;
	if (t->state == TS_GUEST) {
		if (ev->ts < t->since) {
			p->counts.negative += span_in_scope(p, t, t->since, ev->ts);
			err = emit_break(t, ev->cpu, ev->ts, sink, ctx);
		} else {
			fill_interval(&iv, t, KX_IV_GUEST, ev->cpu);
			iv.start = t->since;
			iv.end = ev->ts;
			err = sink(ctx, &iv);
		}
	} else if (t->state == TS_HOST) {
		p->counts.unmatched_exits += in_scope(p, t, t->since);
		err = emit_break(t, ev->cpu, ev->ts, sink, ctx);
	}
	t->state = TS_HOST;
	t->since = ev->ts;
	t->reason = ev->u.exit.reason;
	t->code = ev->u.exit.code;
	t->flags = ev->u.exit.flags;
	t->isa = ev->u.exit.isa;
	t->guest_mode = ev->u.exit.guest_mode;
	t->idle = reason_is_idle(p, ev->u.exit.reason);
	t->in_user = false;
	t->helper_kind = 0;
	kx_subkey_begin(&t->acc, ev);
	return err;
}

static int on_vm_entry(struct kx_pair *p, struct thread *t, const struct kx_event *ev,
		    kx_interval_fn sink, void *ctx)
{
	struct kx_interval iv;
	int err = 0;

	p->counts.entries++;
	if (t->state == TS_HOST) {
		if (ev->ts < t->since) {
			p->counts.negative += span_in_scope(p, t, t->since, ev->ts);
			err = emit_break(t, ev->cpu, ev->ts, sink, ctx);
		} else {
			fill_interval(&iv, t, KX_IV_EXIT, ev->cpu);
			iv.start = t->since;
			iv.end = ev->ts;
			iv.user = t->in_user && ev->ts >= t->user_since ? ev->ts - t->user_since : 0;
			iv.subkey = kx_subkey_end(&t->acc);
			iv.reason = t->reason;
			iv.code = t->code;
			iv.flags = t->flags;
			iv.isa = t->isa;
			iv.guest_mode = t->guest_mode;
			iv.idle = t->idle;
			err = sink(ctx, &iv);
		}
	} else {
		/* no exit before this entry on this thread */
		p->counts.orphan_entries += in_scope(p, t, ev->ts);
		if (t->state == TS_GUEST)
			err = emit_break(t, ev->cpu, ev->ts, sink, ctx);
	}
	t->state = TS_GUEST;
	t->since = ev->ts;
	t->helper_kind = 0;
	return err;
}

/* A lost-events marker: every open thread last seen on its CPU breaks. */
int kx_pair_lost(struct kx_pair *p, const struct kx_event *ev, kx_interval_fn sink, void *ctx)
{
	int err = 0;

	for (uint32_t i = 0; i < p->nslots && !err; i++) {
		struct thread *t = &p->threads[i];

		if (t->state != TS_GUEST && t->state != TS_HOST)
			continue;
		if ((t->key >> 32) != ev->buffer || (ev->cpu >= 0 && t->cpu != ev->cpu))
			continue;
		p->counts.discarded += span_in_scope(p, t, t->since, ev->ts);
		err = emit_break(t, ev->cpu, ev->ts, sink, ctx);
	}
	/* mid-trace only the threads entered here are known: the others break in the replay */
	return err ? err : p->mid_trace ? KX_PAIR_DEFER : 0;
}

/* An exit or an entry: the state machine of its thread. */
/*
 * Mid-trace, a thread's state is known from its first kvm_entry (with a
 * vcpu_id) on: the entry itself closes an exit this pairing never saw, so
 * it is deferred like everything before it, and the thread starts in the
 * guest here.
 */
static int enter_mid_trace(struct kx_pair *p, struct thread *t, const struct kx_event *ev)
{
	uint64_t key = kx_thread_key(ev->buffer, ev->tid);

	if (ev->kind != KX_EV_ENTRY || ev->vcpu == KX_VCPU_UNKNOWN)
		return KX_PAIR_DEFER;
	t = add(p, t, key, ev, TS_GUEST);
	if (!t)
		return -ENOMEM;
	t->since = ev->ts;
	t->vcpu = ev->vcpu;
	t->cpu = ev->cpu;
	return KX_PAIR_DEFER;
}

int kx_pair_exit_entry(struct kx_pair *p, const struct kx_event *ev, kx_interval_fn sink,
		       void *ctx)
{
	struct thread *t;

	if (p->mid_trace) {
		t = find(p, kx_thread_key(ev->buffer, ev->tid));
		if (t->state == TS_UNUSED)
			return enter_mid_trace(p, t, ev);
	} else {
		t = lookup(p, ev);
	}
	if (!t)
		return -ENOMEM;
	if (ev->vcpu != KX_VCPU_UNKNOWN)
		t->vcpu = ev->vcpu;
	if (ev->pid >= 0)
		t->pid = ev->pid;
	t->cpu = ev->cpu;
	if (__builtin_expect(!t->counted, 0) && in_scope(p, t, ev->ts)) {
		t->counted = true;
		p->counts.threads++;
	}
	if (ev->kind == KX_EV_EXIT)
		return on_vm_exit(p, t, ev, sink, ctx);
	return on_vm_entry(p, t, ev, sink, ctx);
}

/*
 * One register access often shows as two helper events of its thread in a
 * row (kvm_mmio or kvm_msr, then kvm_apic): the second is not a new access.
 * Only within one exit or guest run: two exits are two accesses.
 */
static bool new_access(struct thread *t, const struct kx_event *ev)
{
	if (t->helper_kind && t->helper_key == ev->key && t->helper_kind != ev->kind) {
		t->helper_kind = 0;
		return false;
	}
	t->helper_key = ev->key;
	t->helper_kind = (uint8_t)ev->kind;
	return true;
}

/* A helper event: it feeds the sub-key of its thread's open exit. */
int kx_pair_helper(struct kx_pair *p, const struct kx_event *ev)
{
	uint64_t key = kx_thread_key(ev->buffer, ev->tid);
	struct thread *t = find(p, key);
	int access = 0;

	if (p->mid_trace && t->state == TS_UNUSED)
		return KX_PAIR_DEFER;
	if (ev->key_rank) {
		if (t->state == TS_UNUSED && !(t = add(p, t, key, ev, TS_HELPER)))
			return -ENOMEM;
		access = new_access(t, ev);
	}
	if (t->state != TS_HOST)
		return access;
	t->cpu = ev->cpu;
	if (ev->kind != KX_EV_USERSPACE_EXIT) {
		kx_subkey_helper(&t->acc, ev);
		return access;
	}
	if (!t->in_user) {
		t->in_user = true;
		t->user_since = ev->ts;
	}
	return access;
}

int32_t kx_pair_vcpu(struct kx_pair *p, uint16_t buffer, int32_t tid)
{
	const struct thread *t = slot_for(p->threads, p->nslots, kx_thread_key(buffer, tid));

	return t->state != TS_UNUSED ? t->vcpu : KX_VCPU_UNKNOWN;
}

int kx_pair_finish(struct kx_pair *p)
{
	uint64_t open = 0;

	for (uint32_t i = 0; i < p->nslots; i++)
		if (p->threads[i].state == TS_HOST && in_scope(p, &p->threads[i], p->threads[i].since))
			open++;
	p->counts.unfinished_exits = open;
	return 0;
}

void kx_pair_mid_trace(struct kx_pair *p)
{
	p->mid_trace = true;
}

void kx_pair_retire(struct kx_pair *p, uint16_t buffer, int32_t tid)
{
	struct thread *t = find(p, kx_thread_key(buffer, tid));

	if (t->state > TS_HELPER)
		t->state = TS_UNKNOWN;
}

int kx_pair_absorb(struct kx_pair *dst, const struct kx_pair *src, const uint32_t *reason_map,
		   uint32_t nr_reasons)
{
	const struct kx_pair_counts *c = &src->counts;

	for (uint32_t i = 0; i < src->nslots; i++) {
		const struct thread *from = &src->threads[i];
		struct thread *t;
		bool counted = false;

		if (from->state == TS_UNUSED)
			continue;
		t = find(dst, from->key);
		if (t->state == TS_UNUSED) {
			t = add(dst, t, from->key, &(struct kx_event){ .tid = from->tid }, TS_UNKNOWN);
			if (!t)
				return -ENOMEM;
		} else {
			counted = t->counted;
		}
		dst->counts.threads += !counted && from->counted;
		*t = *from;
		t->counted = counted || from->counted;
		if (from->reason < nr_reasons)
			t->reason = reason_map[from->reason];
	}
	dst->counts.exits += c->exits;
	dst->counts.entries += c->entries;
	dst->counts.orphan_entries += c->orphan_entries;
	dst->counts.unmatched_exits += c->unmatched_exits;
	dst->counts.negative += c->negative;
	dst->counts.discarded += c->discarded;
	dst->counts.failed_vmentry += c->failed_vmentry;
	return 0;
}
