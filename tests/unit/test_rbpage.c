// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rbpage.c - the project's ring-buffer page walker (kx_rbpage)
 * against libtraceevent's kbuffer, the reference: every event's timestamp,
 * payload position and size and every page's missed count must agree.
 * Without arguments: hand-made pages (time extends, absolute time stamps,
 * padding, long events, missed counts, both byte orders, 4- and 8-byte
 * longs) checked also against hand-computed values. With arguments
 * "FILE PAGE_SIZE le|be LONG...": every page of raw per-CPU page streams
 * (tests/corpus/t-rbpage.sh extracts them from real recordings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kbuffer.h>

#include "kx_rbpage.h"
#include "tap.h"

#define PAGE 4096

/* Walk one page both ways; return the number of disagreements. */
static unsigned compare_page(unsigned char *page, uint32_t page_size, unsigned lsize, bool be,
			     uint64_t *events, uint64_t *lost_pages)
{
	struct kbuffer *kb = kbuffer_alloc(lsize == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
					   be ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE);
	unsigned long long ts;
	struct kx_rbpage p;
	unsigned bad = 0;
	int ret, missed;
	void *ev;

	kbuffer_load_subbuffer(kb, page);
	ret = kx_rbpage_load(&p, page, page_size, lsize, be);
	missed = kbuffer_missed_events(kb);
	if (p.missed != missed)
		bad++;
	if (missed)
		(*lost_pages)++;
	for (ev = kbuffer_read_event(kb, &ts); ev; ev = kbuffer_next_event(kb, &ts)) {
		if (ret != 1 || p.rec != ev || p.ts != ts ||
		    (int)p.rec_size != kbuffer_event_size(kb)) {
			bad++;
			break;
		}
		(*events)++;
		ret = kx_rbpage_next(&p);
	}
	if (!ev && ret != 0)
		bad++;
	kbuffer_free(kb);
	return bad;
}

static void put32(unsigned char *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v, bool be)
{
	for (int i = 0; i < 8; i++)
		p[be ? 7 - i : i] = (unsigned char)(v >> (8 * i));
}

static uint32_t hdr(uint32_t type_len, uint32_t delta, bool be)
{
	return be ? type_len << 27 | delta : delta << 5 | type_len;
}

/*
 * A page of: event(8 bytes, delta 10), TIME_EXTEND(+3 << 27), event(type
 * 0, 13 bytes -> 16, delta 5), PADDING(8 bytes, delta 1), TIME_STAMP
 * (absolute 1 << 27 | 7), event(4 bytes, delta 2); commit flags, lost count.
 */
static uint32_t build_page(unsigned char *page, unsigned lsize, bool be, uint64_t flags,
			   uint64_t lost, bool extend_first)
{
	unsigned char *d = page + 8 + lsize;
	uint32_t o = 0;

	memset(page, 0, PAGE + KX_RBPAGE_SLACK);
	put64(page, 1000, be);
	if (extend_first) {
		put32(d + o, hdr(KX_RB_TIME_EXTEND, 1, be), be);
		put32(d + o + 4, 0, be);
		o += 8;
	}
	put32(d + o, hdr(2, 10, be), be);
	put32(d + o + 4, 0xaaaa, be);
	put32(d + o + 8, 0xbbbb, be);
	o += 12;
	put32(d + o, hdr(KX_RB_TIME_EXTEND, 4, be), be);
	put32(d + o + 4, 3, be);
	o += 8;
	put32(d + o, hdr(0, 5, be), be);
	put32(d + o + 4, 13 + 4, be);
	o += 8 + 16;
	put32(d + o, hdr(KX_RB_PADDING, 1, be), be);
	put32(d + o + 4, 8, be);
	o += 4 + 8;
	put32(d + o, hdr(KX_RB_TIME_STAMP, 7, be), be);
	put32(d + o + 4, 1, be);
	o += 8;
	put32(d + o, hdr(1, 2, be), be);
	o += 8;
	if (lsize == 8)
		put64(page + 8, flags | o, be);
	else
		put32(page + 8, (uint32_t)(flags | o), be);
	if (lost != UINT64_MAX) {
		if (lsize == 8)
			put64(d + o, lost, be);
		else
			put32(d + o, (uint32_t)lost, be);
	}
	return o;
}

static void test_handmade(void)
{
	static unsigned char page[PAGE + KX_RBPAGE_SLACK];
	uint64_t events = 0, lost_pages = 0;
	struct kx_rbpage p;

	for (unsigned lsize = 4; lsize <= 8; lsize += 4) {
		for (int be = 0; be <= 1; be++) {
			for (int variant = 0; variant < 4; variant++) {
				uint64_t flags = variant == 1 ? 3ull << 30 :
						 variant == 2 ? 1ull << 31 : 0;
				bool ext = variant == 3;

				build_page(page, lsize, be, flags, variant == 1 ? 42 : UINT64_MAX,
					   ext);
				ok(compare_page(page, PAGE, lsize, be, &events, &lost_pages) == 0,
				   "long %u %s variant %d: same as kbuffer", lsize,
				   be ? "be" : "le", variant);
			}
			build_page(page, lsize, be, 3ull << 30, 42, false);
			is_u64(kx_rbpage_load(&p, page, PAGE, lsize, be), 1, "first event");
			is_u64(p.missed, 42, "stored lost count");
			is_u64(p.ts, 1010, "page ts + delta");
			is_u64(p.rec_size, 8, "type_len 2 = 8 bytes");
			is_u64(kx_rbpage_next(&p), 1, "second event");
			is_u64(p.ts, 1010 + 4 + (3ull << 27) + 5, "time extend then delta");
			is_u64(p.rec_size, 16, "type_len 0: length - 4 rounded up");
			is_u64(kx_rbpage_next(&p), 1, "third event");
			is_u64(p.ts, (1ull << 27) + 7 + 2, "absolute time stamp, padding delta dropped");
			is_u64(p.rec_size, 4, "type_len 1");
			is_u64(kx_rbpage_next(&p), 0, "end of page");
			build_page(page, lsize, be, 3ull << 30, 42, true);
			kx_rbpage_load(&p, page, PAGE, lsize, be);
			is_u64(p.missed, 0, "a time extend first hides the count, as in kbuffer");
		}
	}
	ok(events == 2 * 2 * 4 * 3, "every hand-made event compared");
	/* corrupt pages */
	build_page(page, 8, false, 0, UINT64_MAX, false);
	put64(page + 8, PAGE, false);
	ok(kx_rbpage_load(&p, page, PAGE, 8, false) < 0, "commit larger than the page");
	build_page(page, 8, false, 0, UINT64_MAX, false);
	put32(page + 16, hdr(0, 0, false), false);
	put32(page + 20, 2, false);
	ok(kx_rbpage_load(&p, page, PAGE, 8, false) < 0, "type 0 length below 4");
	build_page(page, 8, false, 0, UINT64_MAX, false);
	put32(page + 16, hdr(28, 0, false), false);
	ok(kx_rbpage_load(&p, page, PAGE, 8, false) < 0, "event past the committed data");
}

/* The stored lost count: where it must fit, how kbuffer narrows it, which events hide it. */
static void test_lost_count(void)
{
	static unsigned char page[PAGE + KX_RBPAGE_SLACK];
	uint64_t events = 0, lost_pages = 0;
	uint32_t o = build_page(page, 8, false, 3ull << 30, 42, false);
	unsigned char *d = page + 16;
	struct kx_rbpage p;

	ok(kx_rbpage_load(&p, page, 16 + o + 8, 8, false) == 1 && p.missed == 42,
	   "commit and stored count filling the page exactly");
	ok(kx_rbpage_load(&p, page, 16 + o + 7, 8, false) < 0,
	   "a stored count one byte past the page");
	for (int be = 0; be <= 1; be++) {
		build_page(page, 8, be, 3ull << 30, 0x100000005ull, false);
		ok(compare_page(page, PAGE, 8, be, &events, &lost_pages) == 0 &&
		   kx_rbpage_load(&p, page, PAGE, 8, be) == 1 && p.missed == 5,
		   "%s: a 64-bit count narrowed to an int, as kbuffer does", be ? "be" : "le");
		build_page(page, 8, be, 3ull << 30, 0xffffffffull, false);
		ok(compare_page(page, PAGE, 8, be, &events, &lost_pages) == 0 &&
		   kx_rbpage_load(&p, page, PAGE, 8, be) == 1 && p.missed == -1,
		   "%s: 0xffffffff is -1, as kbuffer has it", be ? "be" : "le");
		/* one data event of type_len 28 (112 bytes) first: the count stays */
		memset(page, 0, PAGE + KX_RBPAGE_SLACK);
		put64(page, 1000, be);
		put64(page + 8, 3ull << 30 | (4 + 112), be);
		put32(d, hdr(28, 1, be), be);
		put64(d + 4 + 112, 7, be);
		ok(compare_page(page, PAGE, 8, be, &events, &lost_pages) == 0 &&
		   kx_rbpage_load(&p, page, PAGE, 8, be) == 1 && p.missed == 7 && p.rec_size == 112,
		   "%s: a 112-byte event first keeps the count", be ? "be" : "le");
	}
}

/* FILE PAGE_SIZE le|be LONG: every page of a raw page stream. */
static void test_file(const char *path, uint32_t page_size, bool be, unsigned lsize)
{
	uint64_t events = 0, lost_pages = 0, pages = 0;
	unsigned char *page = calloc(1, page_size + KX_RBPAGE_SLACK);
	unsigned bad = 0;
	FILE *f = fopen(path, "rb");

	ok(f && page, "open %s", path);
	if (!f || !page) {
		free(page);
		return;
	}
	while (fread(page, 1, page_size, f) == page_size) {
		bad += compare_page(page, page_size, lsize, be, &events, &lost_pages);
		pages++;
	}
	fclose(f);
	free(page);
	ok(bad == 0 && pages > 0, "%s: %llu pages, %llu events, %llu pages with lost events: "
	   "%u differences from kbuffer", path, (unsigned long long)pages,
	   (unsigned long long)events, (unsigned long long)lost_pages, bad);
}

int main(int argc, char **argv)
{
	if (argc == 1) {
		test_handmade();
		test_lost_count();
		return done_testing();
	}
	for (int i = 1; i + 3 < argc; i += 4)
		test_file(argv[i], (uint32_t)strtoul(argv[i + 1], NULL, 0),
			  strcmp(argv[i + 2], "be") == 0, (unsigned)strtoul(argv[i + 3], NULL, 0));
	return done_testing();
}
