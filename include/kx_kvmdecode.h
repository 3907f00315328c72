/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_kvmdecode.h - turns raw ftrace records of kvm events into struct
 * kx_event. Shared by the trace.dat and perf.data readers: both hold a
 * tep_handle parsed from the recording's own formats. At setup the decoder
 * looks up each kvm event and the offsets/sizes of the fields it needs
 * (libtraceevent is the source of truth for formats); per record it reads
 * those fields directly, with the file's byte order, without allocating.
 * Exit-reason names come from the kvm_exit print fmt symbol tables, with
 * kx_exitnames as fallback.
 */
#ifndef KX_KVMDECODE_H
#define KX_KVMDECODE_H

#include <stddef.h>
#include <stdint.h>

#include "kx_event.h"
#include "kx_names.h"
#include "kx_source.h"

struct tep_handle;
struct kx_format_id;
struct kx_kvmdecode;

/*
 * The kvm events it decodes (NULL-terminated): their formats must be
 * parsed into the tep handle; any other kvm event may come as a
 * kx_format_id, only to be counted.
 */
extern const char *const *const kx_kvmdecode_events;

/* kx_exit_fields.reason as decoded: not named yet (see kx_kvmdecode_reason()). */
#define KX_REASON_DEFERRED	UINT32_MAX

/**
 * kx_kvmdecode_new() - prepare decoding for the kvm events in @tep, and
 * counting for them and the @nr_counted of @counted (borrowed: they must
 * outlive the decoder, as @tep must). Decoded
 * exits carry reason KX_REASON_DEFERRED: a decoder with @names (borrowed;
 * must outlive it) names them with kx_kvmdecode_reason(), in delivery
 * order, so that the ids do not depend on which thread decoded what.
 * An event whose format did not parse is simply absent.
 * Return: 0 and *@out, or -ENOMEM.
 */
int kx_kvmdecode_new(struct tep_handle *tep, const struct kx_format_id *counted,
		     size_t nr_counted, struct kx_names *names, struct kx_kvmdecode **out);
void kx_kvmdecode_free(struct kx_kvmdecode *dec);

/**
 * kx_kvmdecode_record() - decode one raw record (starting at common_type).
 * Sets every field of @ev but ts, cpu and buffer, which the caller sets:
 * kind, tid, pid (-1), vcpu, the sub-key fields and its kind's part of the
 * union.
 * Every record is counted per event for the kvm system (see event_counts).
 * Return: 1 for a kvm event kvmexit-stat uses, 0 for any other event (or a
 * record too short for its format, counted in kx_kvmdecode_short()).
 * @readable: bytes that may be read at @data (>= @size): with 8 past the
 * last field, each field is read with one 8-byte load.
 */
int kx_kvmdecode_record(struct kx_kvmdecode *dec, const void *data, uint32_t size,
			uint32_t readable, struct kx_event *ev);

/**
 * kx_kvmdecode_reason() - the interned name id of exit reason @code of @isa
 * (an exit's isa and code fields), as kx_kvmdecode_record() sets it.
 */
uint32_t kx_kvmdecode_reason(struct kx_kvmdecode *dec, enum kx_isa isa, uint32_t code);

/**
 * kx_kvmdecode_add_counts() - add the event counts and short records of
 * @src to @dst (both made from the same tep handle).
 */
void kx_kvmdecode_add_counts(struct kx_kvmdecode *dst, const struct kx_kvmdecode *src);

/**
 * kx_kvmdecode_event_counts() - counts of kvm-system events seen so far, by
 * name (borrowed array of *@nr entries, names borrowed from the tep handle).
 */
const struct kx_event_count *kx_kvmdecode_event_counts(const struct kx_kvmdecode *dec,
							size_t *nr);

/** kx_kvmdecode_short() - records shorter than their format needs (skipped). */
uint64_t kx_kvmdecode_short(const struct kx_kvmdecode *dec);

#endif /* KX_KVMDECODE_H */
