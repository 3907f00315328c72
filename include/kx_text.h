/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_text.h - parsing of text trace dumps, one line at a time: the event
 * line layouts of trace-cmd report / tracefs trace and trace_pipe / perf
 * script, their lost-data lines, timestamps, and the print-format text of
 * the kvm events kvmexit-stat uses. Used by the text reader (input_text.c);
 * public so the unit tests can check each form. Nothing here allocates per
 * line; spans point into the caller's line.
 */
#ifndef KX_TEXT_H
#define KX_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx_event.h"
#include "kx_names.h"

/* The two event line layouts. */
enum kx_text_layout {
	KX_TEXT_FTRACE,		/* "[inst: ]comm-pid [cpu] [flags] ts: event: text" */
	KX_TEXT_PERF,		/* "comm [pid/]tid [cpu] ts: sys:event: text" (perf script) */
};

/* A piece of the caller's line (not NUL-terminated). */
struct kx_text_span {
	const char *p;
	size_t len;
};

/*
 * struct kx_text_line - the parts of one event line.
 * @instance: trace-cmd instance prefix without ": " (len 0 if none)
 * @comm:     command name as printed (may hold spaces and '-')
 * @tid, @pid: thread id; process id or -1 when the layout has none
 * @ts:       timestamp in ns (@ts_digits > 0) or as a plain count (@ts_digits == 0)
 * @ts_digits: digits after the decimal point, 0 for an integer timestamp
 * @system:   perf "sys" of "sys:event" (len 0 for ftrace layouts)
 * @event, @text: event name and its print-format output
 * @lost:     perf "PERF_RECORD_LOST lost N" line: N (else 0 and @is_lost false)
 */
struct kx_text_line {
	struct kx_text_span instance;
	struct kx_text_span comm;
	int32_t tid;
	int32_t pid;
	int32_t cpu;
	uint64_t ts;
	unsigned ts_digits;
	struct kx_text_span system;
	struct kx_text_span event;
	struct kx_text_span text;
	bool is_lost;
	uint64_t lost;
};

/**
 * kx_text_parse_ts() - a timestamp "sec.frac" (1 to 9 fraction digits,
 * converted exactly to ns) or a plain integer (kept as is: cycles).
 * Return: 0, or -1 if @len bytes at @s are not such a number or overflow.
 */
int kx_text_parse_ts(const char *s, size_t len, uint64_t *ts, unsigned *digits);

/**
 * kx_text_parse_line() - split an event line of @layout into @out.
 * Return: 0, or -1 if the line is not an event line of that layout.
 */
int kx_text_parse_line(enum kx_text_layout layout, const char *line, size_t len,
		       struct kx_text_line *out);

/*
 * struct kx_text_lost - a lost-data line without timestamp:
 * trace-cmd "[inst: ]CPU:N [N EVENTS DROPPED]" / "CPU:N [EVENTS DROPPED]",
 * trace_pipe "CPU:N [LOST N EVENTS]", tracefs "##### CPU N buffer started ####".
 * @count is KX_LOST_UNKNOWN when the line gives none.
 */
struct kx_text_lost {
	struct kx_text_span instance;
	int32_t cpu;
	uint64_t count;
};

/** kx_text_parse_lost() - Return: 0 and @out if @line is a lost-data line, else -1. */
int kx_text_parse_lost(const char *line, size_t len, struct kx_text_lost *out);

/**
 * kx_text_parse_u64() - an unsigned number filling all @len bytes at @s, in
 * @base 10 or 16 (an optional "0x" prefix accepted in base 16).
 * Return: 0, or -1 if not such a number or it overflows 64 bits.
 */
int kx_text_parse_u64(const char *s, size_t len, unsigned base, uint64_t *v);

/**
 * kx_text_is_kvm_system() - whether ftrace event @name (no system printed)
 * belongs to the "kvm" system: kvm_* except the kvmmmu system's kvm_mmu_*
 * and kvm_tdp_mmu_*, plus vcpu_match_mmio.
 */
bool kx_text_is_kvm_system(const char *name, size_t len);

/*
 * struct kx_text_kvm - state of the kvm print-format parser: the intern
 * table exit reasons go into, and per interned name its code and ISA
 * (looked up once per distinct name).
 */
struct kx_text_kvm {
	struct kx_names *names;		/* borrowed */
	struct kx_text_reason *reasons;	/* [nr_reasons], indexed by name id */
	uint32_t nr_reasons;
};

/** kx_text_kvm_init() - parser state interning into @names (borrowed). */
void kx_text_kvm_init(struct kx_text_kvm *k, struct kx_names *names);
void kx_text_kvm_free(struct kx_text_kvm *k);

/**
 * kx_text_parse_kvm() - decode the printed @text of kvm event @event
 * (without system) into @ev's kind, vcpu, fields and own sub-key
 * (kx_subkey_classify()); leaves ts, cpu, tid,
 * pid and buffer alone. Accepts the kernel print fmt output of any kernel
 * version, libtraceevent's kvm plugin output, and field lists
 * ("[FAILED TO PARSE] name=value ...", trace-cmd report -R).
 * Return: 1 decoded, 0 an event kvmexit-stat does not use, -1 the text
 * does not parse, -ENOMEM.
 */
int kx_text_parse_kvm(struct kx_text_kvm *k, struct kx_text_span event,
		      struct kx_text_span text, struct kx_event *ev);

#endif /* KX_TEXT_H */
