/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_order.h - the order to feed a batch of events in when the threads'
 * events may come in any interleaving (kx_run.any_thread_order): each
 * thread's in delivery order (the order of a source read in time order),
 * the threads one after the other as far as the tid modulo
 * KX_ORDER_GROUPS tells them apart. Threads that share
 * a group stay interleaved. Fed so, every thread's events follow their
 * own pattern, which the branch predictor learns; interleaved, every
 * event branches on another thread's state.
 */
#ifndef KX_ORDER_H
#define KX_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "kx_event.h"
#include "kx_source.h"

#define KX_ORDER_GROUPS	32

/**
 * kx_order_by_thread() - @order[0, @n) (n <= KX_SOURCE_BATCH): the
 * indices of @e, events in delivery order, by thread. A thread's events
 * reach another's only through lost-events markers, so a batch holding
 * one keeps its order.
 * Return: false (and @order unset) when @e holds a lost-events marker.
 */
bool kx_order_by_thread(const struct kx_event *e, unsigned n, uint16_t *order);

/**
 * kx_order_window() - @order: the indices of the time window @e laid out
 * as @w says, by thread; in delivery order when @w may hold a
 * lost-events marker.
 */
void kx_order_window(const struct kx_event *e, const struct kx_window *w, uint16_t *order);

#endif /* KX_ORDER_H */
