/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_packed_event.h - a decoded event as readers hold it between decoding
 * and delivery (trace.dat batches, the perf.data orderer): what the
 * analysis reads of it, half the size of struct kx_event. Queues of
 * thousands of events cost half the memory and half the cache lines. The
 * holder keeps what it knows on its own (cpu, buffer, pid); the fields the
 * sub-key came from are left behind (@key has it), and exit reasons are
 * named at delivery from code and isa.
 */
#ifndef KX_PACKED_EVENT_H
#define KX_PACKED_EVENT_H

#include <stdint.h>

#include "kx_event.h"

struct kx_packed_event {
	uint64_t ts;
	uint64_t key;
	int32_t tid;
	int32_t vcpu;
	union {
		struct {
			uint32_t code;
			uint32_t flags;
		} exit;
		uint64_t lost;
	} u;
	uint8_t kind;
	uint8_t isa;
	uint8_t key_rank;
	uint8_t key_via;
	uint8_t key_x2apic;
	uint8_t guest_mode;
};

static inline void kx_event_pack(struct kx_packed_event *p, const struct kx_event *ev)
{
	p->ts = ev->ts;
	p->key = ev->key;
	p->tid = ev->tid;
	p->vcpu = ev->vcpu;
	p->kind = (uint8_t)ev->kind;
	p->key_rank = ev->key_rank;
	p->key_via = ev->key_via;
	p->key_x2apic = ev->key_x2apic;
	p->u.lost = 0;
	p->isa = 0;
	p->guest_mode = 0;
	if (ev->kind == KX_EV_EXIT) {
		p->u.exit.code = ev->u.exit.code;
		p->u.exit.flags = ev->u.exit.flags;
		p->isa = ev->u.exit.isa;
		p->guest_mode = ev->u.exit.guest_mode;
	} else if (ev->kind == KX_EV_LOST) {
		p->u.lost = ev->u.lost;
	}
}

/*
 * The event @p of @cpu in @buffer, from process @pid (-1 unknown); an
 * exit's reason is left for the reader to name.
 */
static inline void kx_event_unpack(struct kx_event *ev, const struct kx_packed_event *p,
				   int32_t cpu, uint16_t buffer, int32_t pid)
{
	ev->ts = p->ts;
	ev->key = p->key;
	ev->kind = p->kind;
	ev->cpu = cpu;
	ev->tid = p->tid;
	ev->pid = pid;
	ev->vcpu = p->vcpu;
	ev->buffer = buffer;
	ev->key_rank = p->key_rank;
	ev->key_via = p->key_via;
	ev->key_x2apic = p->key_x2apic;
	if (p->kind == KX_EV_EXIT) {
		ev->u.exit.code = p->u.exit.code;
		ev->u.exit.flags = p->u.exit.flags;
		ev->u.exit.isa = p->isa;
		ev->u.exit.guest_mode = p->guest_mode;
	} else if (p->kind == KX_EV_LOST) {
		ev->u.lost = p->u.lost;
	}
}

#endif /* KX_PACKED_EVENT_H */
