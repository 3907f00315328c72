/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_tracedata.h - the "tracing data" metadata blocks (header_page and
 * header_event, ftrace and event formats, kallsyms, printk formats, saved
 * cmdlines) read into a libtraceevent handle: the header page, the formats
 * asked for (see kx_tracedata_init()) and, when a comm is first asked for,
 * the cmdlines; the rest is checked and skipped. trace.dat v6 has them in
 * sequence, v7 one per (optionally compressed) section, perf.data in its
 * HEADER_TRACING_DATA feature: all three readers share this module.
 */
#ifndef KX_TRACEDATA_H
#define KX_TRACEDATA_H

#include <stdbool.h>
#include <stdint.h>

#include "kx.h"
#include "kx_cursor.h"

struct tep_handle;

/* A kvm event whose format was not parsed: its name and id, to count its records by. */
struct kx_format_id {
	char *name;
	int id;
};

/*
 * struct kx_format_memo - copies of the format texts a tracedata parsed
 * in this process: another tracedata reading the same texts (a later time
 * slice of the same file) parses them without the guard (kx_guard.h).
 */
struct kx_format_memo {
	struct kx_format_copy {
		char *text;
		uint64_t size;
	} *texts;
	size_t nr, cap;
};

struct kx_tracedata {
	struct tep_handle *tep;
	bool big_endian;		/* byte order of the recorded data */
	unsigned kernel_long_size;	/* size of header_page's commit field (4 or 8) */
	uint32_t page_size;
	char *cmdlines;			/* saved cmdlines not parsed yet (NUL-terminated), or NULL */
	const char *const *decoded;	/* kvm events parsed into @tep; NULL: every format */
	struct kx_format_id *counted;	/* the other kvm events, by name and id */
	size_t nr_counted, cap_counted;
	char **unreadable;		/* events whose format is damaged or does not parse */
	size_t nr_unreadable, cap_unreadable;
	struct kx_format_memo parsed;	/* the texts parsed here */
	const struct kx_format_memo *trusted;	/* kx_tracedata_trust() */
};

/**
 * kx_tracedata_init() - a tep handle for a recording of the given byte order,
 * user-space long size (prelude byte) and page size.
 * @decoded: NULL, or the kvm events to parse (NULL-terminated names): the
 * formats of other kvm events are only named in @counted, those of other
 * systems skipped. A real recording carries a hundred kvm formats, and
 * each time slice parses them again, one after the other.
 * Return: 0 or -ENOMEM.
 */
int kx_tracedata_init(struct kx_tracedata *td, bool big_endian, unsigned long_size,
		      uint32_t page_size, const char *const *decoded);

/**
 * kx_tracedata_trust() - formats found in @memo (another tracedata's
 * @parsed, which must outlive @td) are parsed without a guard.
 */
void kx_tracedata_trust(struct kx_tracedata *td, const struct kx_format_memo *memo);

/*
 * Each parser consumes exactly its block at the cursor's position and
 * returns 0 or a negative code with @diag filled (truncation, oversized
 * length, header_page without the fields kbuffer needs).
 */
int kx_tracedata_header_info(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag);
int kx_tracedata_ftrace_formats(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag);
int kx_tracedata_event_formats(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag);
int kx_tracedata_kallsyms(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag);
int kx_tracedata_printk(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag);
/*
 * Saved cmdlines are kept as text and parsed on the first kx_tracedata_comm():
 * only the run that renders a report asks for comms, and the probe and the
 * later time slices of a real recording would each spend as much on
 * parsing them (thousands of lines through sscanf) as on all the kvm
 * formats.
 */
int kx_tracedata_cmdlines(struct kx_tracedata *td, struct kx_cursor *c, struct kx_diag *diag);

/** kx_tracedata_comm() - the saved comm of @tid, or NULL. */
const char *kx_tracedata_comm(struct kx_tracedata *td, int32_t tid);

void kx_tracedata_fini(struct kx_tracedata *td);

#endif /* KX_TRACEDATA_H */
