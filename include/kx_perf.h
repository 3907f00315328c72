/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_perf.h - the fixed binary structures of perf.data: event attributes,
 * the body of PERF_RECORD_SAMPLE laid out by sample_type/read_format, and
 * the sample_id trailer of the other kernel records. Pure parsing over a
 * cursor; the perf.data reader (input_perfdata.c) strings them together.
 */
#ifndef KX_PERF_H
#define KX_PERF_H

#include <stdbool.h>
#include <stdint.h>

#include "kx.h"
#include "kx_cursor.h"

/* perf_event_header.type values the reader acts on (UAPI + perf user types). */
enum kx_perf_record {
	KX_PERF_LOST = 2,
	KX_PERF_COMM = 3,
	KX_PERF_SAMPLE = 9,
	KX_PERF_LOST_SAMPLES = 13,
	KX_PERF_HEADER_ATTR = 64,
	KX_PERF_HEADER_TRACING_DATA = 66,
	KX_PERF_FINISHED_ROUND = 68,
	KX_PERF_ID_INDEX = 69,
	KX_PERF_HEADER_FEATURE = 80,
	KX_PERF_COMPRESSED = 81,
	KX_PERF_COMPRESSED2 = 83,
};

/* perf_event_attr.sample_type bits (UAPI). */
#define KX_PERF_S_IP		(1ULL << 0)
#define KX_PERF_S_TID		(1ULL << 1)
#define KX_PERF_S_TIME		(1ULL << 2)
#define KX_PERF_S_ADDR		(1ULL << 3)
#define KX_PERF_S_READ		(1ULL << 4)
#define KX_PERF_S_CALLCHAIN	(1ULL << 5)
#define KX_PERF_S_ID		(1ULL << 6)
#define KX_PERF_S_CPU		(1ULL << 7)
#define KX_PERF_S_PERIOD	(1ULL << 8)
#define KX_PERF_S_STREAM_ID	(1ULL << 9)
#define KX_PERF_S_RAW		(1ULL << 10)
#define KX_PERF_S_IDENTIFIER	(1ULL << 16)

/* perf_event_attr.read_format bits (UAPI). */
#define KX_PERF_R_TOTAL_TIME_ENABLED	(1ULL << 0)
#define KX_PERF_R_TOTAL_TIME_RUNNING	(1ULL << 1)
#define KX_PERF_R_ID			(1ULL << 2)
#define KX_PERF_R_GROUP			(1ULL << 3)
#define KX_PERF_R_LOST			(1ULL << 4)

#define KX_PERF_TYPE_TRACEPOINT	2
#define KX_PERF_ATTR_SIZE_VER0	64	/* smallest perf_event_attr: up to bp_len */

/* The fields of perf_event_attr the reader needs. */
struct kx_perf_attr {
	uint32_t type;
	uint32_t size;		/* attr.size as recorded */
	uint64_t config;	/* tracepoint id for PERF_TYPE_TRACEPOINT */
	uint64_t sample_type;
	uint64_t read_format;
	bool sample_id_all;
};

/* A parsed PERF_RECORD_SAMPLE; a field absent from sample_type stays 0. */
struct kx_perf_sample {
	uint64_t id;		/* IDENTIFIER or ID */
	uint64_t ip;
	uint64_t time;
	uint64_t addr;
	uint64_t stream_id;
	uint64_t period;
	uint32_t pid, tid;
	uint32_t cpu;
	const unsigned char *raw;	/* RAW bytes (borrowed from the record), NULL if absent */
	uint32_t raw_size;
};

/* A parsed sample_id trailer (non-SAMPLE records with sample_id_all). */
struct kx_perf_sample_id {
	uint64_t id;
	uint64_t time;
	uint32_t pid, tid;
	uint32_t cpu;
	bool has_time;
	bool has_cpu;
};

/*
 * Where the fields of a SAMPLE body sit for one attr, worked out once: with
 * no CALLCHAIN and no grouped READ everything up to RAW is at a fixed offset.
 * An offset of 0xffff means the field is not recorded.
 */
#define KX_PERF_NO_FIELD	0xffff

struct kx_perf_layout {
	bool fixed;		/* false: use kx_perf_sample_parse() */
	uint16_t identifier, ip, tid, time, addr, id, stream_id, cpu, period;
	uint16_t raw;		/* offset of RAW's u32 size */
	uint16_t min_len;	/* bytes up to and including RAW's size */
};

/**
 * kx_perf_layout_init() - the field offsets of SAMPLE bodies of @attr.
 */
void kx_perf_layout_init(const struct kx_perf_attr *attr, struct kx_perf_layout *l);

static inline uint64_t kx_perf_field64(const unsigned char *body, uint16_t off)
{
	return off == KX_PERF_NO_FIELD ? 0 : kx_load64(body + off, false);
}

/**
 * kx_perf_sample_fixed() - parse a little-endian SAMPLE body of @len bytes
 * with a fixed layout @l (l->fixed): the same result as
 * kx_perf_sample_parse(), from one bounds check of the fixed part and one
 * of the RAW data, without a call per field.
 * Return: 0, or -KX_ETRUNC if the body is shorter than its layout.
 */
static inline int kx_perf_sample_fixed(const struct kx_perf_layout *l, const unsigned char *body,
				       uint32_t len, struct kx_perf_sample *s)
{
	if (len < l->min_len)
		return -KX_ETRUNC;
	s->id = kx_perf_field64(body, l->id != KX_PERF_NO_FIELD ? l->id : l->identifier);
	s->ip = kx_perf_field64(body, l->ip);
	s->time = kx_perf_field64(body, l->time);
	s->addr = kx_perf_field64(body, l->addr);
	s->stream_id = kx_perf_field64(body, l->stream_id);
	s->period = kx_perf_field64(body, l->period);
	s->pid = s->tid = s->cpu = 0;
	if (l->tid != KX_PERF_NO_FIELD) {
		s->pid = kx_load32(body + l->tid, false);
		s->tid = kx_load32(body + l->tid + 4, false);
	}
	if (l->cpu != KX_PERF_NO_FIELD)
		s->cpu = kx_load32(body + l->cpu, false);
	s->raw = NULL;
	s->raw_size = 0;
	if (l->raw != KX_PERF_NO_FIELD) {
		s->raw_size = kx_load32(body + l->raw, false);
		if (s->raw_size > len - l->min_len)
			return -KX_ETRUNC;
		s->raw = body + l->min_len;
	}
	return 0;
}

/**
 * kx_perf_attr_parse() - read a perf_event_attr of @len bytes at the cursor
 * (the attrs entry or HEADER_ATTR body, whose attr.size may be smaller or
 * larger than the fields known here). Advances by @len.
 * attr.size 0 (old perf) means the v0 size.
 * Return: 0, -KX_ETRUNC, or -KX_ECORRUPT if attr.size is below the v0 size
 * or above @len.
 */
int kx_perf_attr_parse(struct kx_cursor *c, uint32_t len, struct kx_perf_attr *attr);

/**
 * kx_perf_sample_parse() - parse a SAMPLE body (the bytes after
 * perf_event_header) laid out by @attr's sample_type and read_format, up to
 * and including RAW (later fields are not needed and not read).
 * Return: 0, or -KX_ETRUNC if the body is shorter than its layout.
 */
int kx_perf_sample_parse(const unsigned char *body, uint32_t len, bool big_endian,
			 const struct kx_perf_attr *attr, struct kx_perf_sample *s);

/**
 * kx_perf_sample_id_parse() - parse the sample_id trailer at the end of a
 * non-SAMPLE record body of @len bytes, for @sample_type.
 * Return: 0, or -KX_ETRUNC if the body is shorter than the trailer.
 */
int kx_perf_sample_id_parse(const unsigned char *body, uint32_t len, bool big_endian,
			    uint64_t sample_type, struct kx_perf_sample_id *sid);

/**
 * kx_perf_sample_id_pos() - byte offset of the event id inside a SAMPLE body
 * (IDENTIFIER first, else ID after IP/TID/TIME/ADDR), as perf locates it
 * before it knows which attr the sample belongs to.
 * Return: the offset, or -1 if @sample_type records no id.
 */
int kx_perf_sample_id_pos(uint64_t sample_type);

/**
 * kx_perf_trailer_id_pos() - byte distance from the END of a non-SAMPLE
 * record body to the event id of its sample_id trailer.
 * Return: the distance (> 0), or -1 if @sample_type records no id.
 */
int kx_perf_trailer_id_pos(uint64_t sample_type);

#endif /* KX_PERF_H */
