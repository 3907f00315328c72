/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_perf_order.h - puts the decoded events of a perf.data file into global
 * timestamp order with bounded memory. perf drains one CPU ring after the
 * other and marks each pass with FINISHED_ROUND; at each mark every event at
 * or below the largest timestamp seen at the previous mark is final (perf's
 * own rule). Without marks everything is sorted at the end, within a memory
 * cap. Ties keep arrival order.
 */
#ifndef KX_PERF_ORDER_H
#define KX_PERF_ORDER_H

#include <stdint.h>

#include "kx_event.h"
#include "kx_source.h"

struct kx_perf_order;

/**
 * kx_perf_order_new() - an empty orderer holding at most @mem_cap bytes of
 * queued events. Return: 0 and *@out (free with kx_perf_order_free()), or -ENOMEM.
 */
int kx_perf_order_new(uint64_t mem_cap, struct kx_perf_order **out);
void kx_perf_order_free(struct kx_perf_order *o);

/**
 * kx_perf_order_push() - queue @evs[0..@n) in their order, packed
 * (kx_packed_event.h): each comes back from kx_perf_order_pop() in buffer
 * 0 (perf.data has no other), its exit reason not named. An event older
 * than one already delivered cannot be put in place: its ts is raised to
 * the last delivered ts and it is counted in kx_perf_order_late(). Runs of
 * one CPU are queued together: perf writes a CPU's events in a row.
 * Return: 0, -ENOMEM, or -E2BIG when the queue would exceed the memory cap
 * (some of @evs may be queued then).
 */
int kx_perf_order_push(struct kx_perf_order *o, const struct kx_event *evs, unsigned n);

/** kx_perf_order_saw() - note the timestamp of a record that is not queued. */
void kx_perf_order_saw(struct kx_perf_order *o, uint64_t ts);

/** kx_perf_order_round() - a FINISHED_ROUND mark: release events up to the previous mark's max. */
void kx_perf_order_round(struct kx_perf_order *o);

/** kx_perf_order_finish() - end of input: release everything. */
void kx_perf_order_finish(struct kx_perf_order *o);

/**
 * kx_perf_order_pop() - the oldest released event.
 * Return: 1 with *@ev filled, 0 if none is released yet.
 */
int kx_perf_order_pop(struct kx_perf_order *o, struct kx_event *ev);

/**
 * kx_perf_order_window() - the released events before a time, CPU by CPU
 * (kx_source_opts.windows), into @evs (at most @max), laid out in @w with
 * @tie[i] the file order of evs[i]: the time is the least of the CPUs'
 * k-th next times (k = @max / CPUs with events) and past the limit, so
 * the window holds what kx_perf_order_pop() would give next, as a set.
 * It ends before the oldest event that came out of its CPU's order (they
 * wait in a heap of their own). Only for up to KX_WINDOW_STREAMS CPUs
 * with events.
 * Return: the number of events; 0: pop instead.
 */
unsigned kx_perf_order_window(struct kx_perf_order *o, struct kx_event *evs, unsigned max,
			      struct kx_window *w, uint64_t *tie);

/**
 * kx_perf_order_limit() - events up to this ts are released: pushing one
 * above it releases nothing new.
 */
uint64_t kx_perf_order_limit(const struct kx_perf_order *o);

/** kx_perf_order_rounds() - FINISHED_ROUND marks seen. */
uint64_t kx_perf_order_rounds(const struct kx_perf_order *o);

/** kx_perf_order_late() - events that arrived after a younger event was delivered. */
uint64_t kx_perf_order_late(const struct kx_perf_order *o);

/** kx_perf_order_peak() - largest number of events queued at once. */
uint64_t kx_perf_order_peak(const struct kx_perf_order *o);

#endif /* KX_PERF_ORDER_H */
