/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source_events.h - a source's events one at a time, for the tests that
 * look at them one by one; the tool itself only takes batches
 * (kx_source_next_batch()).
 */
#ifndef KX_TEST_SOURCE_EVENTS_H
#define KX_TEST_SOURCE_EVENTS_H

#include "kx_source.h"

struct source_events {
	struct kx_source *src;
	const struct kx_event *evs;	/* the current batch */
	int n, at;
};

/* The next event of @se->src. Return: 1 with *@ev, 0 at the end, or <0 with @diag. */
static inline int next_event(struct source_events *se, struct kx_event *ev, struct kx_diag *diag)
{
	if (se->at == se->n) {
		se->n = kx_source_next_batch(se->src, &se->evs, diag);
		se->at = 0;
		if (se->n <= 0)
			return se->n;
	}
	*ev = se->evs[se->at++];
	return 1;
}

#endif /* KX_TEST_SOURCE_EVENTS_H */
