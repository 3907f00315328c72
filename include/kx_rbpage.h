/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_rbpage.h - walking one kernel ring-buffer sub-buffer ("page") of a
 * trace.dat: page header (timestamp, commit with the missed-events flags),
 * event headers (type_len/time_delta, TIME_EXTEND, TIME_STAMP, PADDING).
 * Same results as libtraceevent's kbuffer (tests/unit/test_rbpage.c walks
 * real pages both ways), without a library call per event: the per-event
 * step is inline. Only the post-2.6.31 page format (kbuffer's default).
 */
#ifndef KX_RBPAGE_H
#define KX_RBPAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "kx.h"
#include "kx_cursor.h"

/* Bytes a walker may read past the committed data (an event header). */
#define KX_RBPAGE_SLACK		16

#define KX_RB_PADDING		29
#define KX_RB_TIME_EXTEND	30
#define KX_RB_TIME_STAMP	31
#define KX_RB_TS_MSB		(0xf8ULL << 56)

/*
 * struct kx_rbpage - a loaded page and the current event.
 * @data:     first byte after the page header
 * @size:     committed data bytes
 * @next:     offset in @data of the next event header
 * @ts:       raw timestamp of the current event (page clock units)
 * @rec:      current event payload, @rec_size bytes
 * @missed:   events lost before this page: 0, a count, or -1 (unknown);
 *            as kbuffer, only when the first event starts the page
 */
struct kx_rbpage {
	const unsigned char *data;
	uint32_t size;
	uint32_t next;
	uint64_t ts;
	const unsigned char *rec;
	uint32_t rec_size;
	bool big_endian;
	int64_t missed;
};

/**
 * kx_rbpage_load() - read the header of @page (@page_size bytes, followed
 * by KX_RBPAGE_SLACK readable bytes) and move to its first event.
 * @long_size: the kernel's long (4 or 8), the size of the commit field.
 * Return: 1 at an event, 0 if the page has none, -KX_ECORRUPT if the
 * committed size does not fit the page or an event overruns the data.
 */
int kx_rbpage_load(struct kx_rbpage *p, const unsigned char *page, uint32_t page_size,
		   unsigned long_size, bool big_endian);

/*
 * kx_rbpage_next() - move to the next event, skipping time extends, time
 * stamps and padding. Return: 1 at an event, 0 at the end of the page,
 * -KX_ECORRUPT if the event overruns the committed data.
 */
static inline int kx_rbpage_next(struct kx_rbpage *p)
{
	const unsigned char *d = p->data;
	uint64_t next = p->next;

	while (next < p->size) {
		uint32_t word = kx_load32(d + next, p->big_endian);
		uint32_t type_len, delta;
		uint64_t index = next + 4, len;

		if (p->big_endian) {
			type_len = word >> 27;
			delta = word & ((1u << 27) - 1);
		} else {
			type_len = word & 31;
			delta = word >> 5;
		}
		if (type_len - 1 < 28) {		/* 1..28: length in words */
			len = type_len * 4;
		} else if (type_len == 0) {
			uint32_t n = kx_load32(d + index, p->big_endian);

			if (n < 4)
				return -KX_ECORRUPT;
			len = ((uint64_t)n - 4 + 3) & ~(uint64_t)3;
			index += 4;
		} else if (type_len == KX_RB_PADDING) {
			p->ts += delta;
			next = index + kx_load32(d + index, p->big_endian);
			continue;
		} else {
			uint64_t ext = ((uint64_t)kx_load32(d + index, p->big_endian) << 27) + delta;

			if (type_len == KX_RB_TIME_STAMP)
				p->ts = ext + (p->ts & KX_RB_TS_MSB);
			else
				p->ts += ext;
			next = index + 4;
			continue;
		}
		p->ts += delta;
		if (index + len > p->size)
			return -KX_ECORRUPT;
		p->rec = d + index;
		p->rec_size = (uint32_t)len;
		p->next = (uint32_t)(index + len);
		return 1;
	}
	p->next = p->size;
	return 0;
}

#endif /* KX_RBPAGE_H */
