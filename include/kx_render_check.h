/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_render_check.h - renderers of evaluated CI gate rules: a text table
 * (each rule, measured value, limit, PASS/FAIL/SKIP and why), JSON, CSV
 * and JUnit XML for CI systems.
 */
#ifndef KX_RENDER_CHECK_H
#define KX_RENDER_CHECK_H

#include <stdio.h>

#include "kx_rules.h"

/* What the output says about the run besides the results. */
struct kx_check_info {
	const char *file;
	const char *baseline;		/* NULL without one */
	const struct kx_check_opts *opts;
};

void kx_render_check_text(const struct kx_check *c, const struct kx_check_info *info, FILE *out);
void kx_render_check_json(const struct kx_check *c, const struct kx_check_info *info, FILE *out);
void kx_render_check_csv(const struct kx_check *c, FILE *out);

/**
 * kx_render_check_junit() - JUnit XML: one testsuite, one testcase per
 * result, <failure> and <skipped> with the reason; counts as attributes.
 * Strings are escaped and invalid UTF-8 replaced, so the document is
 * always well-formed.
 */
void kx_render_check_junit(const struct kx_check *c, const struct kx_check_info *info, FILE *out);

#endif /* KX_RENDER_CHECK_H */
