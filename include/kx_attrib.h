/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_attrib.h - accumulates intervals into statistics: per exit reason,
 * per (reason, sub-key), guest runs, host and idle totals; for all vCPU
 * threads together (group 0) and, when asked, per thread. Also counts
 * helper events by sub-key when they belong to no exit (traces without
 * kvm_exit), and on request keeps the N longest non-idle exits. Memory
 * grows with threads, reasons and keys, never with the number of intervals.
 */
#ifndef KX_ATTRIB_H
#define KX_ATTRIB_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "kx_event.h"
#include "kx_hist.h"
#include "kx_idmap.h"
#include "kx_pair.h"
#include "kx_subkey.h"
#include "kx_topn.h"

/*
 * Exits by enum kx_guest_mode: one increment an exit, indexed (the mode
 * is 0..2; the mask keeps any other value inside the array).
 */
struct kx_guest_modes {
	uint64_t n[4];
};

static inline void kx_guest_modes_add(struct kx_guest_modes *m, uint8_t guest_mode)
{
	m->n[guest_mode & 3]++;
}

static inline void kx_guest_modes_merge(struct kx_guest_modes *m, const struct kx_guest_modes *from)
{
	for (int i = 0; i < 4; i++)
		m->n[i] += from->n[i];
}

/** kx_guest_kernel() - exits taken in the guest's kernel. */
static inline uint64_t kx_guest_kernel(const struct kx_guest_modes *m)
{
	return m->n[KX_GUEST_KERNEL];
}

/** kx_guest_mode_known() - exits whose guest_rip was recorded. */
static inline uint64_t kx_guest_mode_known(const struct kx_guest_modes *m)
{
	return m->n[KX_GUEST_USER] + m->n[KX_GUEST_KERNEL];
}

/** kx_guest_kernel_pct() - the kernel's share of the known exits in percent, NaN if none. */
static inline double kx_guest_kernel_pct(const struct kx_guest_modes *m)
{
	uint64_t known = kx_guest_mode_known(m);

	return known ? 100.0 * (double)kx_guest_kernel(m) / (double)known : NAN;
}

struct kx_attrib_sub {
	uint64_t packed;		/* kx_subkey_pack() */
	struct kx_subkey sk;
	struct kx_hist h;
	uint64_t user;			/* time after kvm_userspace_exit */
	struct kx_guest_modes modes;
};

struct kx_attrib_row {
	struct kx_hist h;
	uint64_t user;
	uint64_t failed_vmentry;
	struct kx_guest_modes modes;
	struct kx_attrib_sub *subs;
	size_t cap_subs;
	uint32_t nsubs;
	uint32_t last_sub;		/* index of the last sub-key hit (locality) */
	struct kx_idmap sub_of;		/* packed -> index in @subs, once there are many */
	uint32_t reason;		/* kx_names id */
	uint32_t code;
	uint8_t isa;
	bool idle;
	bool used;
};

struct kx_attrib_group {
	struct kx_hist guest;		/* guest run intervals */
	struct kx_attrib_row *rows;	/* indexed by reason id */
	uint32_t nrows;			/* allocated entries in rows */
	int32_t tid;			/* -1 for the all-threads group */
	int32_t pid;
	int32_t vcpu;
	uint16_t buffer;
};

/* Helper events counted outside any exit, by sub-key. */
struct kx_attrib_helper {
	uint64_t packed;
	struct kx_subkey sk;
	uint64_t count;
};

/* One of the longest non-idle exits: where and when, for the user to find it. */
struct kx_attrib_exit {
	uint64_t start;
	uint64_t end;
	struct kx_subkey sk;
	int32_t tid;
	int32_t pid;
	int32_t vcpu;
	uint32_t reason;		/* kx_names id */
	uint32_t code;
	uint16_t buffer;
	uint8_t guest_mode;		/* enum kx_guest_mode */
};

struct kx_attrib {
	struct kx_attrib_group *groups;	/* [0] = all threads */
	size_t cap_groups;
	uint32_t ngroups;
	uint32_t last_group;
	/* by_thread: kx_thread_key() -> index in @groups, until a report sorts them */
	struct kx_idmap group_of;
	bool by_thread;
	struct kx_attrib_helper *helpers;
	size_t cap_helpers;
	uint32_t nhelpers;
	struct kx_idmap helper_of;	/* packed key -> index in @helpers */
	/*
	 * struct kx_attrib_exit, the longest non-idle exits: longest first; as
	 * long, earlier first, then by buffer and thread. That order is total,
	 * so which are kept does not depend on how the trace was split.
	 */
	struct kx_topn longest;
};

/**
 * kx_attrib_new() - empty accumulators; @by_thread adds one group per vCPU
 * thread; @longest > 0 keeps that many longest non-idle exits.
 */
struct kx_attrib *kx_attrib_new(bool by_thread, uint32_t longest);
void kx_attrib_free(struct kx_attrib *a);

/** kx_attrib_interval() - a kx_interval_fn: @ctx is the kx_attrib. Return: 0 or -ENOMEM. */
int kx_attrib_interval(void *ctx, const struct kx_interval *iv);

/**
 * kx_attrib_event() - a kx_event_fn counting register accesses by sub-key:
 * the helper events kx_pair_helper() found to be new accesses (events
 * without a key of their own are ignored). Return: 0 or -ENOMEM.
 */
int kx_attrib_event(void *ctx, const struct kx_event *ev);

/**
 * kx_attrib_absorb() - add everything @src accumulated (a later time slice)
 * to @dst; @src's exit reason ids become @reason_map[id] (@nr_reasons of
 * them). Return: 0, -ENOMEM, or -EINVAL for an id past the map.
 */
int kx_attrib_absorb(struct kx_attrib *dst, const struct kx_attrib *src,
		     const uint32_t *reason_map, uint32_t nr_reasons);

#endif /* KX_ATTRIB_H */
