// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_perf_sample.c - perf.data structure parsing: attrs, SAMPLE bodies for
 * several sample_type/read_format layouts (built here field by field, and
 * one real sample from the corpus whose values were dumped by
 * ../shared/tools/perf_walk.py), sample_id trailers, id positions, and
 * truncation at every length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx.h"
#include "kx_perf.h"
#include "kx_idmap.h"
#include "tap.h"

struct buf {
	unsigned char b[512];
	uint32_t len;
};

static void put64(struct buf *b, uint64_t v)
{
	memcpy(b->b + b->len, &v, 8);
	b->len += 8;
}

static void put32(struct buf *b, uint32_t v)
{
	memcpy(b->b + b->len, &v, 4);
	b->len += 4;
}

static void test_attr(void)
{
	struct buf b = { .len = 0 };
	struct kx_perf_attr a;
	struct kx_cursor c;

	put32(&b, 2);			/* type tracepoint */
	put32(&b, 128);			/* size */
	put64(&b, 85);			/* config */
	put64(&b, 1);			/* period */
	put64(&b, 0x10587);		/* sample_type */
	put64(&b, 0x14);		/* read_format ID|LOST */
	put64(&b, (1ULL << 18) | 1);	/* sample_id_all, disabled */
	b.len = 128;
	kx_cursor_init(&c, b.b, b.len, false);
	ok(kx_perf_attr_parse(&c, 128, &a) == 0, "attr parses");
	is_u64(c.pos, 128, "attr consumes its length");
	is_u64(a.type, 2, "attr type");
	is_u64(a.config, 85, "attr config");
	is_u64(a.sample_type, 0x10587, "attr sample_type");
	is_u64(a.read_format, 0x14, "attr read_format");
	ok(a.sample_id_all, "attr sample_id_all bit 18");

	kx_cursor_init(&c, b.b, b.len, false);
	ok(kx_perf_attr_parse(&c, 112, &a) == -KX_ECORRUPT, "attr.size above the entry is corrupt");
	kx_cursor_init(&c, b.b, 100, false);
	ok(kx_perf_attr_parse(&c, 128, &a) == -KX_ETRUNC, "attr past the end is truncated");
	memset(b.b + 4, 0, 4);
	kx_cursor_init(&c, b.b, b.len, false);
	ok(kx_perf_attr_parse(&c, 128, &a) == 0 && a.size == 64, "attr.size 0 means the v0 size");
	memcpy(b.b + 4, "\x20\0\0\0", 4);
	kx_cursor_init(&c, b.b, b.len, false);
	ok(kx_perf_attr_parse(&c, 128, &a) == -KX_ECORRUPT, "attr.size 32 is corrupt");
}

/* sample_type IDENTIFIER|IP|TID|TIME|ADDR|ID|STREAM_ID|CPU|PERIOD|READ|CALLCHAIN|RAW */
static void test_full_sample(void)
{
	struct kx_perf_attr a = {
		.sample_type = KX_PERF_S_IDENTIFIER | KX_PERF_S_IP | KX_PERF_S_TID | KX_PERF_S_TIME |
			       KX_PERF_S_ADDR | KX_PERF_S_ID | KX_PERF_S_STREAM_ID | KX_PERF_S_CPU |
			       KX_PERF_S_PERIOD | KX_PERF_S_READ | KX_PERF_S_CALLCHAIN | KX_PERF_S_RAW,
		.read_format = KX_PERF_R_GROUP | KX_PERF_R_ID | KX_PERF_R_LOST |
			       KX_PERF_R_TOTAL_TIME_ENABLED | KX_PERF_R_TOTAL_TIME_RUNNING,
	};
	struct buf b = { .len = 0 };
	struct kx_perf_sample s;
	uint32_t cut;
	bool all_trunc = true;
	int i;

	put64(&b, 77);			/* identifier */
	put64(&b, 0xffffffff81000000ULL);
	put32(&b, 100);			/* pid */
	put32(&b, 101);			/* tid */
	put64(&b, 123456789);		/* time */
	put64(&b, 0xdead);		/* addr */
	put64(&b, 77);			/* id */
	put64(&b, 78);			/* stream id */
	put32(&b, 3);			/* cpu */
	put32(&b, 0);
	put64(&b, 1);			/* period */
	put64(&b, 2);			/* read: nr */
	put64(&b, 1000);		/* enabled */
	put64(&b, 900);			/* running */
	for (i = 0; i < 2; i++) {
		put64(&b, 5);		/* value */
		put64(&b, 77 + i);	/* id */
		put64(&b, 0);		/* lost */
	}
	put64(&b, 3);			/* callchain nr */
	put64(&b, 1);
	put64(&b, 2);
	put64(&b, 3);
	put32(&b, 12);			/* raw size */
	memcpy(b.b + b.len, "\x55\x00\x01\x00\x42\x41\x00\x00\x01\x02\x03\x04", 12);
	b.len += 12;

	ok(kx_perf_sample_parse(b.b, b.len, false, &a, &s) == 0, "full sample parses");
	is_u64(s.id, 77, "id");
	is_u64(s.ip, 0xffffffff81000000ULL, "ip");
	is_u64(s.pid, 100, "pid");
	is_u64(s.tid, 101, "tid");
	is_u64(s.time, 123456789, "time");
	is_u64(s.addr, 0xdead, "addr");
	is_u64(s.stream_id, 78, "stream id");
	is_u64(s.cpu, 3, "cpu");
	is_u64(s.period, 1, "period");
	is_u64(s.raw_size, 12, "raw size after READ group and CALLCHAIN");
	ok(s.raw == b.b + b.len - 12, "raw points at the raw bytes");

	for (cut = 0; cut < b.len; cut++)
		if (kx_perf_sample_parse(b.b, cut, false, &a, &s) != -KX_ETRUNC)
			all_trunc = false;
	ok(all_trunc, "every shorter body is -KX_ETRUNC");

	/* a callchain count far beyond the record must not overflow the bound */
	memcpy(b.b + 8 * 12 + 2 * 24, "\xff\xff\xff\xff\xff\xff\xff\x1f", 8);
	ok(kx_perf_sample_parse(b.b, b.len, false, &a, &s) == -KX_ETRUNC, "huge callchain nr");
	/* 2^61 entries are 2^64 bytes: a size that wraps to 0 would skip nothing */
	memcpy(b.b + 8 * 12 + 2 * 24, "\0\0\0\0\0\0\0\x20", 8);
	ok(kx_perf_sample_parse(b.b, b.len, false, &a, &s) == -KX_ETRUNC,
	   "callchain nr whose byte size wraps to 0");
}

/* A callchain that ends the body exactly (no RAW after it) is whole. */
static void test_callchain_last(void)
{
	struct kx_perf_attr a = { .sample_type = KX_PERF_S_TIME | KX_PERF_S_CALLCHAIN };
	struct buf b = { .len = 0 };
	struct kx_perf_sample s;

	put64(&b, 42);		/* time */
	put64(&b, 2);		/* callchain nr */
	put64(&b, 0xffffffff81000000ULL);
	put64(&b, 0xffffffff81000010ULL);
	ok(kx_perf_sample_parse(b.b, b.len, false, &a, &s) == 0 && s.time == 42,
	   "callchain up to the body's end parses");
	ok(kx_perf_sample_parse(b.b, b.len - 1, false, &a, &s) == -KX_ETRUNC,
	   "callchain one byte past the body's end is truncated");
}

static void test_read_single(void)
{
	struct kx_perf_attr a = {
		.sample_type = KX_PERF_S_TIME | KX_PERF_S_READ | KX_PERF_S_RAW,
		.read_format = KX_PERF_R_ID | KX_PERF_R_LOST,
	};
	struct buf b = { .len = 0 };
	struct kx_perf_sample s;

	put64(&b, 42);		/* time */
	put64(&b, 7);		/* value */
	put64(&b, 8);		/* id */
	put64(&b, 9);		/* lost */
	put32(&b, 4);
	put32(&b, 0xabcd);
	ok(kx_perf_sample_parse(b.b, b.len, false, &a, &s) == 0, "single read value parses");
	is_u64(s.time, 42, "time before read");
	is_u64(s.raw_size, 4, "raw after single read value");
	is_u64(s.raw[0], 0xcd, "raw byte");
}

/*
 * The first SAMPLE of perf-kvm-pipe.data at offset 0x172dc, size 104, as
 * printed by perf_walk.py: identifier 692, ip 0xffffffff812a88eb, pid/tid
 * 16706, time 520932717026, cpu 1, period 1, raw_size 44, common_type 85.
 */
static void test_corpus_sample(void)
{
	const char *path = "../shared/corpus/local/perf-kvm-pipe.data";
	struct kx_perf_attr a = { .sample_type = 0x10587 };
	unsigned char rec[104];
	struct kx_perf_sample s;
	FILE *fp = fopen(path, "rb");
	bool have;

	have = fp && fseek(fp, 0x172dc, SEEK_SET) == 0 && fread(rec, 1, sizeof(rec), fp) == sizeof(rec);
	if (fp)
		fclose(fp);
	if (!have) {
		printf("ok %d - corpus sample # SKIP %s not readable\n", ++tap_run, path);
		return;
	}
	is_u64(kx_load32(rec, false), 9, "corpus record is a SAMPLE");
	is_u64(kx_perf_sample_id_pos(a.sample_type), 0, "IDENTIFIER is first");
	ok(kx_perf_sample_parse(rec + 8, 96, false, &a, &s) == 0, "corpus sample parses");
	is_u64(s.id, 692, "corpus id");
	is_u64(s.ip, 0xffffffff812a88ebULL, "corpus ip");
	is_u64(s.pid, 16706, "corpus pid");
	is_u64(s.tid, 16706, "corpus tid");
	is_u64(s.time, 520932717026ULL, "corpus time");
	is_u64(s.cpu, 1, "corpus cpu");
	is_u64(s.period, 1, "corpus period");
	is_u64(s.raw_size, 44, "corpus raw size");
	is_u64(kx_load16(s.raw, false), 85, "corpus common_type");
	ok(s.raw + s.raw_size == rec + 104, "raw ends the record");

	struct kx_perf_layout l;

	kx_perf_layout_init(&a, &l);
	ok(l.fixed, "corpus layout is fixed");
	memset(&s, 0xaa, sizeof(s));
	ok(kx_perf_sample_fixed(&l, rec + 8, 96, &s) == 0, "corpus sample parses (fixed)");
	ok(s.id == 692 && s.ip == 0xffffffff812a88ebULL && s.pid == 16706 && s.tid == 16706 &&
	   s.time == 520932717026ULL && s.cpu == 1 && s.period == 1 && s.raw_size == 44 &&
	   s.raw == rec + 60 && s.addr == 0 && s.stream_id == 0, "corpus fields (fixed)");
}

/*
 * Every combination of the fixed-size fields (and a single READ value of
 * three read_formats), built field by field with known values: the fixed
 * layout must give those values, the same result as kx_perf_sample_parse(),
 * and -KX_ETRUNC at every shorter length.
 */
static void test_fixed_layouts(void)
{
	static const uint64_t bits[] = {
		KX_PERF_S_IDENTIFIER, KX_PERF_S_IP, KX_PERF_S_TID, KX_PERF_S_TIME, KX_PERF_S_ADDR,
		KX_PERF_S_ID, KX_PERF_S_STREAM_ID, KX_PERF_S_CPU, KX_PERF_S_PERIOD, KX_PERF_S_READ,
		KX_PERF_S_RAW,
	};
	static const unsigned read_words[] = { 1, 3, 4 };	/* u64s of one READ value */
	static const uint64_t formats[] = {
		0, KX_PERF_R_ID | KX_PERF_R_LOST,
		KX_PERF_R_TOTAL_TIME_ENABLED | KX_PERF_R_TOTAL_TIME_RUNNING | KX_PERF_R_ID,
	};
	unsigned mask, f, n = 0, bad_values = 0, differ = 0, not_trunc = 0, not_fixed = 0;

	for (mask = 0; mask < 1u << 11; mask++) {
		for (f = 0; f < 3; f++) {
			struct kx_perf_attr a = { .read_format = formats[f] };
			struct kx_perf_sample want, got;
			struct kx_perf_layout l;
			struct buf b = { .len = 0 };
			uint32_t cut;
			unsigned k;

			for (k = 0; k < 11; k++)
				if (mask & (1u << k))
					a.sample_type |= bits[k];
			if (!(a.sample_type & KX_PERF_S_READ) && f)
				continue;
			if (a.sample_type & KX_PERF_S_IDENTIFIER)
				put64(&b, 1001);
			if (a.sample_type & KX_PERF_S_IP)
				put64(&b, 1002);
			if (a.sample_type & KX_PERF_S_TID) {
				put32(&b, 1003);
				put32(&b, 1004);
			}
			if (a.sample_type & KX_PERF_S_TIME)
				put64(&b, 1005);
			if (a.sample_type & KX_PERF_S_ADDR)
				put64(&b, 1006);
			if (a.sample_type & KX_PERF_S_ID)
				put64(&b, 1001);
			if (a.sample_type & KX_PERF_S_STREAM_ID)
				put64(&b, 1007);
			if (a.sample_type & KX_PERF_S_CPU) {
				put32(&b, 1008);
				put32(&b, 0);
			}
			if (a.sample_type & KX_PERF_S_PERIOD)
				put64(&b, 1009);
			if (a.sample_type & KX_PERF_S_READ)
				for (k = 0; k < read_words[f]; k++)
					put64(&b, 5000 + k);
			if (a.sample_type & KX_PERF_S_RAW) {
				put32(&b, 6);
				memcpy(b.b + b.len, "abcdef", 6);
				b.len += 6;
			}
			kx_perf_layout_init(&a, &l);
			if (!l.fixed) {
				not_fixed++;
				continue;
			}
			n++;
			memset(&got, 0xaa, sizeof(got));
			if (kx_perf_sample_fixed(&l, b.b, b.len, &got) ||
			    kx_perf_sample_parse(b.b, b.len, false, &a, &want)) {
				differ++;
				continue;
			}
			if (got.id != want.id || got.ip != want.ip || got.time != want.time ||
			    got.addr != want.addr || got.stream_id != want.stream_id ||
			    got.period != want.period || got.pid != want.pid || got.tid != want.tid ||
			    got.cpu != want.cpu || got.raw != want.raw || got.raw_size != want.raw_size)
				differ++;
			if (got.time != (a.sample_type & KX_PERF_S_TIME ? 1005 : 0) ||
			    got.tid != (a.sample_type & KX_PERF_S_TID ? 1004 : 0) ||
			    got.cpu != (a.sample_type & KX_PERF_S_CPU ? 1008 : 0) ||
			    got.period != (a.sample_type & KX_PERF_S_PERIOD ? 1009 : 0) ||
			    got.id != (a.sample_type & (KX_PERF_S_ID | KX_PERF_S_IDENTIFIER) ? 1001 : 0) ||
			    got.raw_size != (a.sample_type & KX_PERF_S_RAW ? 6 : 0) ||
			    (got.raw && memcmp(got.raw, "abcdef", 6)))
				bad_values++;
			for (cut = 0; cut < b.len; cut++)
				if (kx_perf_sample_fixed(&l, b.b, cut, &got) != -KX_ETRUNC)
					not_trunc++;
		}
	}
	is_u64(not_fixed, 0, "layouts without CALLCHAIN or READ group are fixed");
	for (f = 0; f < 3; f++) {
		struct kx_perf_attr a = { .read_format = formats[f] };
		struct kx_perf_layout l;

		a.sample_type = KX_PERF_S_TIME | KX_PERF_S_CALLCHAIN | KX_PERF_S_RAW;
		kx_perf_layout_init(&a, &l);
		if (l.fixed)
			not_fixed++;
		a.sample_type = KX_PERF_S_TIME | KX_PERF_S_READ | KX_PERF_S_RAW;
		a.read_format |= KX_PERF_R_GROUP;
		kx_perf_layout_init(&a, &l);
		if (l.fixed)
			not_fixed++;
	}
	is_u64(not_fixed, 0, "a CALLCHAIN or a READ group makes the layout variable");
	is_u64(n, 1024 + 1024 * 3, "every combination tried");
	is_u64(differ, 0, "fixed layout parses as kx_perf_sample_parse");
	is_u64(bad_values, 0, "fixed layout finds the values put in");
	is_u64(not_trunc, 0, "fixed layout: every shorter body is -KX_ETRUNC");
}

static void test_trailer(void)
{
	uint64_t type = KX_PERF_S_TID | KX_PERF_S_TIME | KX_PERF_S_ID | KX_PERF_S_CPU |
			KX_PERF_S_IDENTIFIER;
	struct buf b = { .len = 0 };
	struct kx_perf_sample_id sid;

	put64(&b, 234);		/* LOST: id */
	put64(&b, 595);		/* LOST: lost */
	put32(&b, 16099);	/* pid */
	put32(&b, 16100);	/* tid */
	put64(&b, 462998547398ULL);
	put64(&b, 234);		/* id */
	put32(&b, 1);		/* cpu */
	put32(&b, 0);
	put64(&b, 234);		/* identifier */
	ok(kx_perf_sample_id_parse(b.b, b.len, false, type, &sid) == 0, "trailer parses");
	is_u64(sid.pid, 16099, "trailer pid");
	is_u64(sid.tid, 16100, "trailer tid");
	is_u64(sid.time, 462998547398ULL, "trailer time");
	ok(sid.has_time && sid.has_cpu, "trailer has time and cpu");
	is_u64(sid.cpu, 1, "trailer cpu");
	is_u64(sid.id, 234, "trailer id");
	ok(kx_perf_sample_id_parse(b.b, 32, false, type, &sid) == -KX_ETRUNC, "short trailer");

	is_u64(kx_perf_trailer_id_pos(type), 8, "IDENTIFIER is last in the trailer");
	is_u64(kx_perf_trailer_id_pos(KX_PERF_S_TIME | KX_PERF_S_ID | KX_PERF_S_CPU), 16,
	       "trailer ID before CPU");
	is_u64(kx_perf_trailer_id_pos(KX_PERF_S_ID | KX_PERF_S_STREAM_ID), 16,
	       "trailer ID before STREAM_ID");
	ok(kx_perf_trailer_id_pos(KX_PERF_S_TIME) == -1, "no id in trailer");

	/* every trailer field, each with its own value: STREAM_ID is skipped, not read as CPU */
	b.len = 0;
	put64(&b, 595);		/* LOST: lost */
	put32(&b, 16099);	/* pid */
	put32(&b, 16100);	/* tid */
	put64(&b, 462998547398ULL);
	put64(&b, 234);		/* id */
	put64(&b, 777);		/* stream id */
	put32(&b, 5);		/* cpu */
	put32(&b, 0);
	put64(&b, 235);		/* identifier */
	ok(kx_perf_sample_id_parse(b.b, b.len, false, type | KX_PERF_S_STREAM_ID, &sid) == 0 &&
	   sid.pid == 16099 && sid.tid == 16100 && sid.time == 462998547398ULL &&
	   sid.cpu == 5 && sid.id == 235, "trailer with STREAM_ID: IDENTIFIER, the last, wins");
	/* IDENTIFIER alone: the trailer's one u64 */
	ok(kx_perf_sample_id_parse(b.b, b.len, false, KX_PERF_S_IDENTIFIER, &sid) == 0 &&
	   sid.id == 235 && !sid.has_time && !sid.has_cpu, "trailer of IDENTIFIER alone");
	is_u64(kx_perf_sample_id_pos(KX_PERF_S_IP | KX_PERF_S_TID | KX_PERF_S_TIME |
				     KX_PERF_S_ADDR | KX_PERF_S_ID), 32, "ID after IP/TID/TIME/ADDR");
	/* emulated/perf-x2apic.data: IP|TID|TIME|ID|CPU|PERIOD|RAW, id after ip, tid, time */
	is_u64(kx_perf_sample_id_pos(0x5c7), 24, "ID after IP/TID/TIME");
	ok(kx_perf_sample_id_pos(KX_PERF_S_TIME | KX_PERF_S_RAW) == -1, "no id in sample");
}

static void test_idmap(void)
{
	struct kx_idmap m = { 0 };
	uint32_t v = 0;
	bool all = true;
	uint64_t k;

	ok(!kx_idmap_get(&m, 5, &v), "empty map has nothing");
	for (k = 0; k < 5000; k++)
		if (kx_idmap_put(&m, k * 977 + 1, (uint32_t)k))
			all = false;
	ok(all, "5000 inserts");
	for (k = 0; k < 5000; k++)
		if (!kx_idmap_get(&m, k * 977 + 1, &v) || v != k)
			all = false;
	ok(all, "5000 lookups");
	ok(!kx_idmap_get(&m, 2, &v), "absent key");
	ok(kx_idmap_put(&m, 1, 99) == 0 && kx_idmap_get(&m, 1, &v) && v == 99,
	   "replace keeps one entry");
	is_u64(m.nr, 5000, "entry count");
	kx_idmap_fini(&m);
}

int main(void)
{
	test_attr();
	test_full_sample();
	test_callchain_last();
	test_read_single();
	test_corpus_sample();
	test_fixed_layouts();
	test_trailer();
	test_idmap();
	return done_testing();
}
