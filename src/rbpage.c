// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rbpage.c - loading a kernel ring-buffer page: its header (timestamp,
 * commit size and missed-events flags, the stored lost count) and the
 * first event. The per-event step is kx_rbpage_next() in kx_rbpage.h.
 */
#include "kx_rbpage.h"

#define COMMIT_MASK	((1u << 27) - 1)
#define MISSED_EVENTS	(1ull << 31)
#define MISSED_STORED	(1ull << 30)

int kx_rbpage_load(struct kx_rbpage *p, const unsigned char *page, uint32_t page_size,
		   unsigned long_size, bool big_endian)
{
	uint64_t flags, lost = 0;
	uint32_t hdr = 8 + long_size, type_len;
	int ret;

	flags = long_size == 8 ? kx_load64(page + 8, big_endian) : kx_load32(page + 8, big_endian);
	p->big_endian = big_endian;
	p->ts = kx_load64(page, big_endian);
	p->data = page + hdr;
	p->size = (uint32_t)(flags & COMMIT_MASK);
	p->next = 0;
	p->rec = NULL;
	p->rec_size = 0;
	if ((uint64_t)hdr + p->size + (flags & MISSED_STORED ? long_size : 0) > page_size) {
		p->size = 0;
		p->missed = 0;
		return -KX_ECORRUPT;
	}
	if (flags & MISSED_EVENTS) {
		if (flags & MISSED_STORED) {
			lost = long_size == 8 ? kx_load64(p->data + p->size, big_endian) :
						kx_load32(p->data + p->size, big_endian);
			/* kbuffer hands the count out as an int */
			lost = (uint64_t)(int64_t)(int)lost;
		} else {
			lost = UINT64_MAX;	/* -1: unknown */
		}
	}
	/* kbuffer reports the loss only when the first event starts the page */
	if (p->size) {
		uint32_t word = kx_load32(p->data, big_endian);

		type_len = big_endian ? word >> 27 : word & 31;
		if (type_len > 28)
			lost = 0;
	}
	p->missed = (int64_t)lost;
	ret = kx_rbpage_next(p);
	return ret;
}
