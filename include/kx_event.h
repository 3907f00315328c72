/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_event.h - the one event stream every reader produces and every
 * analysis consumes. Readers (trace.dat, perf.data, text) decode only the
 * kvm events kvmexit-stat uses into struct kx_event, in global timestamp
 * order, with timestamps already converted to the source's unit
 * (kx_source_info.unit). No pointer inside an event outlives the next call
 * to kx_source_next_batch(). What the sub-key classifier reads (the exit's
 * info1/info2, u.apic, u.msr, u.mmio, u.pio, u.uexit, u.eoi) a reader may
 * leave unset in the events it delivers: @key says what they named.
 */
#ifndef KX_EVENT_H
#define KX_EVENT_H

#include <stdint.h>

enum kx_event_kind {
	KX_EV_EXIT = 1,		/* kvm:kvm_exit */
	KX_EV_ENTRY,		/* kvm:kvm_entry */
	KX_EV_APIC,		/* kvm:kvm_apic */
	KX_EV_MSR,		/* kvm:kvm_msr */
	KX_EV_MMIO,		/* kvm:kvm_mmio */
	KX_EV_PIO,		/* kvm:kvm_pio */
	KX_EV_USERSPACE_EXIT,	/* kvm:kvm_userspace_exit */
	KX_EV_EOI,		/* kvm:kvm_eoi */
	KX_EV_LOST,		/* events were lost on @cpu before this point */
};

/* ISA of a kvm_exit, from its own "isa" field (kernel: 1 = VMX, 2 = SVM). */
enum kx_isa {
	KX_ISA_UNKNOWN = 0,
	KX_ISA_VMX = 1,
	KX_ISA_SVM = 2,
};

#define KX_VCPU_UNKNOWN	(-1)
#define KX_LOST_UNKNOWN	UINT64_MAX	/* a gap whose size was not recorded */

/*
 * struct kx_lost_counts - lost-events markers counted: the events lost in
 * those of known size, their number, and those of unknown size.
 */
struct kx_lost_counts {
	uint64_t events;
	uint64_t markers;
	uint64_t unknown;
};

/*
 * kx_lost_add() - one marker of @lost events into @c, whatever the number
 * says (perf.data: a LOST record's count is a count, even 2^64 - 1).
 */
static inline void kx_lost_add(struct kx_lost_counts *c, uint64_t lost)
{
	c->markers++;
	c->events += lost;
}

/* kx_lost_count() - one marker of @lost events (KX_LOST_UNKNOWN: not recorded) into @c. */
static inline void kx_lost_count(struct kx_lost_counts *c, uint64_t lost)
{
	if (lost != KX_LOST_UNKNOWN) {
		kx_lost_add(c, lost);
		return;
	}
	c->markers++;
	c->unknown++;
}

/* kx_lost_join() - @from's markers added to @c's (a later time slice's). */
static inline void kx_lost_join(struct kx_lost_counts *c, const struct kx_lost_counts *from)
{
	c->events += from->events;
	c->markers += from->markers;
	c->unknown += from->unknown;
}
#define KX_CODE_UNKNOWN	UINT32_MAX	/* text input whose reason name has no code */

/* MMIO access types, as kvm_mmio's "type" field. */
enum kx_mmio_type {
	KX_MMIO_UNSATISFIED_READ = 0,
	KX_MMIO_READ = 1,
	KX_MMIO_WRITE = 2,
};

/*
 * Whether the guest ran its kernel when it exited, from the exit's
 * guest_rip. 64-bit kernels (Linux, Windows, the BSDs) live in the upper
 * half of the address space, user space in the lower; a guest in 32-bit
 * mode therefore always counts as user.
 */
enum kx_guest_mode {
	KX_GUEST_MODE_UNKNOWN = 0,	/* the recording has no guest_rip */
	KX_GUEST_USER = 1,
	KX_GUEST_KERNEL = 2,
};

static inline uint8_t kx_guest_mode_of_rip(uint64_t rip)
{
	return (uint8_t)(KX_GUEST_USER + (rip >> 63));	/* USER + 1 = KERNEL */
}

/* The exit's intr_info and error_code are not kept: no analysis reads them. */
struct kx_exit_fields {
	uint64_t info1;
	uint64_t info2;
	uint32_t reason;	/* interned name id (kx_names) of the reason */
	uint32_t code;		/* reason code, VMX flag bits masked off */
	uint32_t flags;		/* VMX upper bits (e.g. 0x80000000 FAILED_VMENTRY) */
	uint8_t isa;		/* enum kx_isa */
	uint8_t has_info;	/* info1/info2 were recorded */
	uint8_t guest_mode;	/* enum kx_guest_mode, from guest_rip */
};

struct kx_apic_fields {
	uint64_t val;
	uint32_t reg;		/* register offset: 0xb0 EOI, 0x380 TMICT ... */
	uint32_t write;		/* 1 write, 0 read */
};

struct kx_msr_fields {
	uint64_t data;
	uint32_t index;		/* ecx */
	uint32_t write;
	uint32_t exception;
};

struct kx_mmio_fields {
	uint64_t gpa;
	uint64_t val;
	uint32_t type;		/* enum kx_mmio_type */
	uint32_t len;
};

struct kx_pio_fields {
	uint32_t port;
	uint32_t write;
	uint32_t size;
	uint32_t count;
	uint32_t val;
};

struct kx_uexit_fields {
	uint32_t reason;	/* KVM_EXIT_* */
	int32_t err;		/* the event's errno field */
};

struct kx_eoi_fields {
	uint32_t apicid;
	int32_t vector;
};

/*
 * struct kx_event - one decoded event.
 * @ts:     timestamp in the source unit, after TSC2NSEC/OFFSET/DATE
 * @key:    the sub-key the event names on its own, packed (kx_subkey.h; 0 none):
 *          a helper's register/MSR/port/address, an exit's from its info fields.
 *          Readers fill it with kx_subkey_classify() while decoding, so that
 *          decoding threads do this work rather than the one that pairs.
 * @key_rank, @key_via, @key_x2apic: how much a helper's @key says, how it was
 *          learnt and whether an APIC register was reached as an x2APIC MSR
 * @kind:   enum kx_event_kind
 * @cpu:    CPU whose buffer held it (-1 unknown, text without CPU column)
 * @tid:    common_pid: the vCPU thread
 * @pid:    process (VM) id when the input records it (perf), else -1
 * @buffer: index of the trace buffer (0 = top/only); pairing never crosses buffers
 * @vcpu:   vcpu_id field of kvm_exit/kvm_entry, or KX_VCPU_UNKNOWN
 * @lost:   KX_EV_LOST only: events lost on @cpu, or KX_LOST_UNKNOWN
 */
struct kx_event {
	uint64_t ts;
	uint64_t key;
	uint32_t kind;
	int32_t cpu;
	int32_t tid;
	int32_t pid;
	int32_t vcpu;
	uint16_t buffer;
	uint8_t key_rank;
	uint8_t key_via;
	uint8_t key_x2apic;
	union {
		struct kx_exit_fields exit;
		struct kx_apic_fields apic;
		struct kx_msr_fields msr;
		struct kx_mmio_fields mmio;
		struct kx_pio_fields pio;
		struct kx_uexit_fields uexit;
		struct kx_eoi_fields eoi;
		uint64_t lost;
	} u;
};

/*
 * kx_thread_key() - one vCPU thread: a thread id in one trace buffer (the
 * same tid in two buffers is two threads; pairing never crosses buffers).
 */
static inline uint64_t kx_thread_key(uint16_t buffer, int32_t tid)
{
	return (uint64_t)buffer << 32 | (uint32_t)tid;
}

#endif /* KX_EVENT_H */
