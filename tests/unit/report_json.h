/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_json.h - for the unit tests that compare two ways of making a
 * report: its JSON, histograms included, as report --json --hist prints it.
 */
#ifndef KX_TEST_REPORT_JSON_H
#define KX_TEST_REPORT_JSON_H

#include <stdio.h>

#include "kx_render.h"

/* The JSON of @r (freed); NULL if it cannot be held. */
static inline char *report_json(struct kx_report *r)
{
	struct kx_render_opts o = { .hist = true };
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (f) {
		kx_render_json(r, &o, f);
		fclose(f);
	}
	kx_report_free(r);
	return buf;
}

#endif /* KX_TEST_REPORT_JSON_H */
