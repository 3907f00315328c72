/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_render_compare.h - renderers of an aligned comparison: a side-by-side
 * text table with one readable verdict line per row, JSON and CSV with
 * every figure. Also the short duration format shared with check output.
 */
#ifndef KX_RENDER_COMPARE_H
#define KX_RENDER_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "kx_compare.h"

/**
 * kx_format_short() - @v in @unit with three significant digits and a unit
 * ("11.0us", "850ns", "2.10ms", "1200cyc"); "-" for NaN. Return: @buf.
 */
char *kx_format_short(char *buf, size_t len, double v, enum kx_unit unit);

/** kx_format_p() - "p<0.001" or "p=0.043"; "-" for NaN. Return: @buf. */
char *kx_format_p(char *buf, size_t len, double p);

void kx_render_compare_text(const struct kx_compare *c, FILE *out);
void kx_render_compare_json(const struct kx_compare *c, FILE *out);
void kx_render_compare_csv(const struct kx_compare *c, FILE *out);

#endif /* KX_RENDER_COMPARE_H */
