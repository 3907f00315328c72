/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_render.h - renderers of the exit-time report: a text table a
 * `perf kvm stat` user recognises, JSON (versioned schema, integers in the
 * report unit), CSV (RFC 4180). Each writes to the FILE it is given and
 * never changes the report.
 */
#ifndef KX_RENDER_H
#define KX_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "kx_report.h"

struct kx_render_opts {
	unsigned top_subkeys;	/* sub-keys shown under each reason in text (0 = none) */
	bool keys;		/* flat list by sub-key instead of the reason tree */
	bool hist;		/* JSON: include the sparse histograms */
	bool log2;		/* text: each row's times in power-of-two ranges (--hist) */
};

void kx_render_text(const struct kx_report *r, const struct kx_render_opts *o, FILE *out);
void kx_render_json(const struct kx_report *r, const struct kx_render_opts *o, FILE *out);
void kx_render_csv(const struct kx_report *r, const struct kx_render_opts *o, FILE *out);

/**
 * kx_format_duration() - @v (report unit) for text: microseconds with 3
 * decimals for ns, plain cycles otherwise. Return: @buf.
 */
char *kx_format_duration(char *buf, size_t len, uint64_t v, enum kx_unit unit);

/** kx_csv_field() - write @s as one CSV field (quoted when needed). */
void kx_csv_field(FILE *out, const char *s);

#endif /* KX_RENDER_H */
