/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_render_cycles.h - renderers of the timer-programming cycles: text
 * (the per-cycle line in the seed's words, a summary table per vCPU and
 * overall, top sub-keys, the worst cycles), JSON and CSV. Per-cycle output
 * is written as cycles complete, so --list needs no memory per cycle.
 * Durations are integers in the source unit in JSON/CSV; text shows
 * microseconds (or cycles when the source unit is cycles). Ratios are
 * host/guest as decimals (4 places in JSON/CSV, 2 in text).
 */
#ifndef KX_RENDER_CYCLES_H
#define KX_RENDER_CYCLES_H

#include <stdbool.h>
#include <stdio.h>

#include "kx_cycles.h"
#include "kx_json.h"
#include "kx_source.h"

/*
 * struct kx_cycles_render - what the renderers show besides the figures.
 * @src: the open source (reason names, thread names, unit); borrowed
 */
struct kx_cycles_render {
	const struct kx_cycles *cycles;
	const struct kx_source *src;
	const char *file;
	bool lvtt;		/* LVTT writes counted as timer writes */
	bool by_host;		/* worst cycles ranked by host time */
	unsigned worst;		/* number of worst cycles asked for (0 = none) */
	bool has_exits;		/* the input held timed exits (kvm_exit and kvm_entry) */
	bool filtered;		/* --vcpu, --pid or --time was given */
};

/**
 * kx_cycle_line() - one cycle in the seed's words, without newline:
 * "guest 2.0us | APIC EOI write 11.0us | ... => guest 11.0us host 22.0us ratio 2.00".
 */
void kx_cycle_line(FILE *out, const struct kx_cycles_render *r, const struct kx_cycle *cy);

/**
 * kx_cycles_key_name() - display name of a cycle key: the normalised name,
 * else the raw sub-key name, else the exit reason. Return: @buf.
 */
char *kx_cycles_key_name(const struct kx_cycles_render *r, uint64_t key, char *buf, size_t len);

/** kx_cycles_text_cycle() - one --list line with its vCPU prefix. */
void kx_cycles_text_cycle(FILE *out, const struct kx_cycles_render *r, const struct kx_cycle *cy);

/**
 * kx_cycles_text_summary() - the tables after kx_cycles_finish(), or a plain
 * note when there are no timer-programming exits.
 */
void kx_cycles_text_summary(FILE *out, const struct kx_cycles_render *r);

/** kx_cycles_json_begin() - open the top-level object and, with @list, the "list" array. */
void kx_cycles_json_begin(struct kx_json *j, const struct kx_cycles_render *r, bool list);

/** kx_cycles_json_cycle() - one element of "list" (every per-cycle figure). */
void kx_cycles_json_cycle(struct kx_json *j, const struct kx_cycles_render *r,
			  const struct kx_cycle *cy);

/** kx_cycles_json_end() - close "list" (with @list), write the summaries, close the object. */
void kx_cycles_json_end(struct kx_json *j, const struct kx_cycles_render *r, bool list);

/** kx_cycles_csv_cycle_header() - header of the per-cycle CSV table. */
void kx_cycles_csv_cycle_header(FILE *out);

/** kx_cycles_csv_cycle() - one per-cycle row; @set is "list" or "worst". */
void kx_cycles_csv_cycle(FILE *out, const struct kx_cycles_render *r, const char *set,
			 const struct kx_cycle *cy);

/** kx_cycles_csv_summary() - the summary table: one row per vCPU thread, then "all". */
void kx_cycles_csv_summary(FILE *out, const struct kx_cycles_render *r);

#endif /* KX_RENDER_CYCLES_H */
