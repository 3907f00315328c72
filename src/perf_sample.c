// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf_sample.c - parses the fixed perf.data structures whose layout depends
 * on the event attributes: perf_event_attr itself, the PERF_RECORD_SAMPLE
 * body (sample_type/read_format) and the sample_id trailer of other kernel
 * records. Every read is bounds-checked through a cursor, or, for the
 * common fixed SAMPLE layouts, against offsets worked out once per attr.
 */
#include "kx.h"
#include "kx_perf.h"

#define ATTR_SAMPLE_ID_ALL_BIT	18	/* bit of the flags word after read_format */

int kx_perf_attr_parse(struct kx_cursor *c, uint32_t len, struct kx_perf_attr *attr)
{
	struct kx_cursor a;
	const unsigned char *p;
	uint64_t period, flags;
	int err;

	err = kx_cursor_bytes(c, len, &p);
	if (err)
		return err;
	kx_cursor_init(&a, p, len, c->big_endian);
	if (kx_cursor_u32(&a, &attr->type) || kx_cursor_u32(&a, &attr->size) ||
	    kx_cursor_u64(&a, &attr->config) || kx_cursor_u64(&a, &period) ||
	    kx_cursor_u64(&a, &attr->sample_type) || kx_cursor_u64(&a, &attr->read_format) ||
	    kx_cursor_u64(&a, &flags))
		return -KX_ETRUNC;
	if (!attr->size)
		attr->size = KX_PERF_ATTR_SIZE_VER0;	/* old perf wrote 0 for v0 */
	if (attr->size < KX_PERF_ATTR_SIZE_VER0 || attr->size > len)
		return -KX_ECORRUPT;
	attr->sample_id_all = flags & (1ULL << ATTR_SAMPLE_ID_ALL_BIT);
	return 0;
}

/* Skip the read_format values of SAMPLE_READ: one counter or a group of them. */
static int skip_read_values(struct kx_cursor *c, uint64_t read_format)
{
	unsigned per_value = 1 + !!(read_format & KX_PERF_R_ID) + !!(read_format & KX_PERF_R_LOST);
	unsigned times = !!(read_format & KX_PERF_R_TOTAL_TIME_ENABLED) +
			 !!(read_format & KX_PERF_R_TOTAL_TIME_RUNNING);
	uint64_t nr = 1;

	if (read_format & KX_PERF_R_GROUP) {
		int err = kx_cursor_u64(c, &nr);

		if (err)
			return err;
	}
	if (kx_cursor_skip(c, (size_t)times * 8))
		return -KX_ETRUNC;
	/* nr comes from the file: bound it by what is left before multiplying */
	if (nr > kx_cursor_left(c) / 8 / per_value)
		return -KX_ETRUNC;
	return kx_cursor_skip(c, (size_t)nr * per_value * 8);
}

static int read_pair(struct kx_cursor *c, uint32_t *a, uint32_t *b)
{
	if (kx_cursor_u32(c, a) || kx_cursor_u32(c, b))
		return -KX_ETRUNC;
	return 0;
}

int kx_perf_sample_parse(const unsigned char *body, uint32_t len, bool big_endian,
			 const struct kx_perf_attr *attr, struct kx_perf_sample *s)
{
	uint64_t type = attr->sample_type;
	struct kx_cursor c;
	uint32_t reserved;
	int err = 0;

	*s = (struct kx_perf_sample){ 0 };
	kx_cursor_init(&c, body, len, big_endian);
	if (type & KX_PERF_S_IDENTIFIER)
		err = err ?: kx_cursor_u64(&c, &s->id);
	if (type & KX_PERF_S_IP)
		err = err ?: kx_cursor_u64(&c, &s->ip);
	if (type & KX_PERF_S_TID)
		err = err ?: read_pair(&c, &s->pid, &s->tid);
	if (type & KX_PERF_S_TIME)
		err = err ?: kx_cursor_u64(&c, &s->time);
	if (type & KX_PERF_S_ADDR)
		err = err ?: kx_cursor_u64(&c, &s->addr);
	if (type & KX_PERF_S_ID)
		err = err ?: kx_cursor_u64(&c, &s->id);
	if (type & KX_PERF_S_STREAM_ID)
		err = err ?: kx_cursor_u64(&c, &s->stream_id);
	if (type & KX_PERF_S_CPU)
		err = err ?: read_pair(&c, &s->cpu, &reserved);
	if (type & KX_PERF_S_PERIOD)
		err = err ?: kx_cursor_u64(&c, &s->period);
	if (type & KX_PERF_S_READ)
		err = err ?: skip_read_values(&c, attr->read_format);
	if (type & KX_PERF_S_CALLCHAIN) {
		uint64_t nr = 0;

		err = err ?: kx_cursor_u64(&c, &nr);
		if (!err && nr > kx_cursor_left(&c) / 8)
			err = -KX_ETRUNC;
		err = err ?: kx_cursor_skip(&c, (size_t)nr * 8);
	}
	if (type & KX_PERF_S_RAW) {
		err = err ?: kx_cursor_u32(&c, &s->raw_size);
		err = err ?: kx_cursor_bytes(&c, s->raw_size, &s->raw);
	}
	return err ? -KX_ETRUNC : 0;
}

/* The next field's offset if @bit is recorded; advances *@pos by @size. */
static uint16_t place(uint64_t type, uint64_t bit, unsigned size, unsigned *pos)
{
	unsigned off = *pos;

	if (!(type & bit))
		return KX_PERF_NO_FIELD;
	*pos += size;
	return (uint16_t)off;
}

void kx_perf_layout_init(const struct kx_perf_attr *attr, struct kx_perf_layout *l)
{
	uint64_t type = attr->sample_type, rf = attr->read_format;
	unsigned pos = 0;

	l->identifier = place(type, KX_PERF_S_IDENTIFIER, 8, &pos);
	l->ip = place(type, KX_PERF_S_IP, 8, &pos);
	l->tid = place(type, KX_PERF_S_TID, 8, &pos);
	l->time = place(type, KX_PERF_S_TIME, 8, &pos);
	l->addr = place(type, KX_PERF_S_ADDR, 8, &pos);
	l->id = place(type, KX_PERF_S_ID, 8, &pos);
	l->stream_id = place(type, KX_PERF_S_STREAM_ID, 8, &pos);
	l->cpu = place(type, KX_PERF_S_CPU, 8, &pos);
	l->period = place(type, KX_PERF_S_PERIOD, 8, &pos);
	if (type & KX_PERF_S_READ)	/* one value (no GROUP): its size is fixed */
		pos += 8 * (!!(rf & KX_PERF_R_TOTAL_TIME_ENABLED) +
			    !!(rf & KX_PERF_R_TOTAL_TIME_RUNNING) + 1 + !!(rf & KX_PERF_R_ID) +
			    !!(rf & KX_PERF_R_LOST));
	l->raw = place(type, KX_PERF_S_RAW, 4, &pos);
	l->min_len = (uint16_t)pos;
	l->fixed = !(type & KX_PERF_S_CALLCHAIN) &&
		   !((type & KX_PERF_S_READ) && (rf & KX_PERF_R_GROUP));
}

int kx_perf_sample_id_parse(const unsigned char *body, uint32_t len, bool big_endian,
			    uint64_t sample_type, struct kx_perf_sample_id *sid)
{
	uint32_t need = 0, reserved;
	struct kx_cursor c;
	uint64_t stream_id;
	int err = 0;

	*sid = (struct kx_perf_sample_id){ 0 };
	need += sample_type & KX_PERF_S_TID ? 8 : 0;
	need += sample_type & KX_PERF_S_TIME ? 8 : 0;
	need += sample_type & KX_PERF_S_ID ? 8 : 0;
	need += sample_type & KX_PERF_S_STREAM_ID ? 8 : 0;
	need += sample_type & KX_PERF_S_CPU ? 8 : 0;
	need += sample_type & KX_PERF_S_IDENTIFIER ? 8 : 0;
	if (need > len)
		return -KX_ETRUNC;
	kx_cursor_init(&c, body + len - need, need, big_endian);
	if (sample_type & KX_PERF_S_TID)
		err = err ?: read_pair(&c, &sid->pid, &sid->tid);
	if (sample_type & KX_PERF_S_TIME) {
		err = err ?: kx_cursor_u64(&c, &sid->time);
		sid->has_time = true;
	}
	if (sample_type & KX_PERF_S_ID)
		err = err ?: kx_cursor_u64(&c, &sid->id);
	if (sample_type & KX_PERF_S_STREAM_ID)
		err = err ?: kx_cursor_u64(&c, &stream_id);
	if (sample_type & KX_PERF_S_CPU) {
		err = err ?: read_pair(&c, &sid->cpu, &reserved);
		sid->has_cpu = true;
	}
	if (sample_type & KX_PERF_S_IDENTIFIER)
		err = err ?: kx_cursor_u64(&c, &sid->id);
	return err;
}

int kx_perf_sample_id_pos(uint64_t sample_type)
{
	int pos = 0;

	if (sample_type & KX_PERF_S_IDENTIFIER)
		return 0;
	if (!(sample_type & KX_PERF_S_ID))
		return -1;
	pos += sample_type & KX_PERF_S_IP ? 8 : 0;
	pos += sample_type & KX_PERF_S_TID ? 8 : 0;
	pos += sample_type & KX_PERF_S_TIME ? 8 : 0;
	pos += sample_type & KX_PERF_S_ADDR ? 8 : 0;
	return pos;
}

int kx_perf_trailer_id_pos(uint64_t sample_type)
{
	int pos = 8;

	if (sample_type & KX_PERF_S_IDENTIFIER)
		return 8;
	if (!(sample_type & KX_PERF_S_ID))
		return -1;
	pos += sample_type & KX_PERF_S_STREAM_ID ? 8 : 0;
	pos += sample_type & KX_PERF_S_CPU ? 8 : 0;
	return pos;
}
