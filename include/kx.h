/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx.h - types shared by every kvmexit-stat module: error codes, the
 * diagnostic buffer a module fills when it fails, time units.
 *
 * Modules return 0 (or a positive count) on success and a negative code on
 * failure: -errno (-ENOMEM, -EIO, -EINVAL) or -KX_E*. They never print and
 * never exit; the command layer turns a code plus its kx_diag into one line
 * "kvmexit-stat: FILE: message" on stderr.
 */
#ifndef KX_H
#define KX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Project error codes, above the errno range; returned negated. */
enum kx_error {
	KX_EFORMAT = 4096,	/* not a file of any supported format */
	KX_ETRUNC,		/* the file ends inside a structure */
	KX_ECORRUPT,		/* a structure is inconsistent */
	KX_EVERSION,		/* a version or feature we do not read */
	KX_ENOZSTD,		/* zstd data, built without libzstd */
	KX_ENOEVENTS,		/* required events are missing */
	KX_EUSAGE,		/* bad option value (command layer) */
	KX_ESORTMEM,		/* reordering events would exceed the sort memory cap */
};

/* Time unit of every timestamp and duration a source delivers. */
enum kx_unit {
	KX_UNIT_NS,		/* nanoseconds */
	KX_UNIT_CYCLES,		/* TSC cycles or counter ticks, not converted */
};

/*
 * struct kx_time - a trace time as the user gave it (--time), as trace-cmd
 * report prints it: seconds with decimals on a ns clock, whole cycles on a
 * cycle clock. Which one it is, the trace says once it is open.
 */
struct kx_time {
	uint64_t whole;		/* the digits before the point */
	uint32_t ns;		/* the decimals, in nanoseconds */
	bool decimals;		/* a point was written */
	bool set;
};

#define KX_DIAG_MAX 512

/*
 * struct kx_diag - the detail of a failure, written by the failing module.
 * @msg: lowercase, no trailing full stop, no file name (the caller adds it),
 *       e.g. "truncated flyrecord section at offset 0x3f000".
 */
struct kx_diag {
	char msg[KX_DIAG_MAX];
};

/**
 * kx_diag_set() - format a message into @diag (if not NULL) and return @err.
 * Return: @err, so a module can write "return kx_diag_set(d, -KX_ETRUNC, ...)".
 */
int kx_diag_set(struct kx_diag *diag, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** kx_strerror() - short text for an error code (negative or positive). */
const char *kx_strerror(int err);

/** kx_unit_name() - "ns" or "cycles". */
const char *kx_unit_name(enum kx_unit unit);

#endif /* KX_H */
