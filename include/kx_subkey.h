/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_subkey.h - what an exit was about beyond its reason: the APIC
 * register, MSR, I/O port or MMIO address, taken from the helper events
 * between the exit and the next entry on the same thread (kvm_apic,
 * kvm_msr, kvm_mmio, kvm_pio), else from the exit's own info fields
 * (VMX APIC_WRITE/APIC_ACCESS/EOI_INDUCED/IO_INSTRUCTION, SVM msr/ioio/
 * avic_unaccelerated_access). Also the normalised name that is the same in
 * xAPIC and x2APIC mode ("APIC EOI write" for MMIO 0xfee000b0, kvm_apic
 * EOI, or WRMSR 0x80b).
 */
#ifndef KX_SUBKEY_H
#define KX_SUBKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx_event.h"

enum kx_subkey_class {
	KX_SK_NONE = 0,		/* nothing known beyond the reason */
	KX_SK_APIC,		/* id = APIC register offset (0xb0 EOI, 0x380 TMICT ...) */
	KX_SK_MSR,		/* id = MSR index (not an x2APIC one: those are KX_SK_APIC) */
	KX_SK_PIO,		/* id = port */
	KX_SK_MMIO,		/* id = guest physical address (outside the APIC page) */
	KX_SK_VECTOR,		/* id = vector (EOI_INDUCED) */
};

/* How the sub-key was learnt; shown in the raw name so a user can verify it. */
enum kx_subkey_via {
	KX_SKV_NONE = 0,
	KX_SKV_APIC_EVENT,	/* kvm_apic */
	KX_SKV_MSR_EVENT,	/* kvm_msr */
	KX_SKV_MMIO_EVENT,	/* kvm_mmio */
	KX_SKV_PIO_EVENT,	/* kvm_pio */
	KX_SKV_EXIT_INFO,	/* the kvm_exit's own info fields */
};

enum kx_subkey_access {
	KX_SKA_NONE = 0,
	KX_SKA_READ,
	KX_SKA_WRITE,
};

/*
 * struct kx_subkey - a value type; two sub-keys are the same key when
 * kx_subkey_pack() is equal. @via is not part of the key.
 */
struct kx_subkey {
	uint64_t id;
	uint8_t cls;		/* enum kx_subkey_class */
	uint8_t access;		/* enum kx_subkey_access */
	uint8_t via;		/* enum kx_subkey_via */
	uint8_t x2apic;		/* APIC register reached through an x2APIC MSR */
};

/*
 * struct kx_subkey_acc - collects what one exit was about while its
 * helper events arrive. Plain data, lives inside the pairing state.
 */
struct kx_subkey_acc {
	struct kx_subkey best;	/* from the helper events so far */
	uint64_t best_packed;	/* kx_subkey_pack(&best) */
	uint64_t exit_key;	/* packed key of the exit's own info fields, 0 none */
	uint8_t rank;		/* priority of @best's source, higher wins */
	bool msr_exit;		/* the exit is an MSR access (VMX MSR_READ/WRITE, SVM msr) */
};

/**
 * kx_subkey_classify() - fill @ev's own key (struct kx_event @key..): what
 * a kvm_apic/kvm_msr/kvm_mmio/kvm_pio event names, or what a kvm_exit's
 * info fields name; nothing for other kinds. Readers call it as they
 * decode, so that the pairing only combines keys.
 */
void kx_subkey_classify(struct kx_event *ev);

/** kx_subkey_begin() - start collecting for the classified kvm_exit @ev. */
void kx_subkey_begin(struct kx_subkey_acc *acc, const struct kx_event *ev);

/** kx_subkey_helper() - a classified helper event between that exit and its entry. */
void kx_subkey_helper(struct kx_subkey_acc *acc, const struct kx_event *ev);

/** kx_subkey_end() - the sub-key of the exit (helper events, else exit info). */
struct kx_subkey kx_subkey_end(const struct kx_subkey_acc *acc);

/* Pack layout: bits 63:60 class, 59:58 access, 57:0 id. */
#define KX_SUBKEY_PACK_CLS_SHIFT	60
#define KX_SUBKEY_PACK_ACC_SHIFT	58
#define KX_SUBKEY_PACK_ID_MASK		((1ull << KX_SUBKEY_PACK_ACC_SHIFT) - 1)

/**
 * kx_subkey_pack() - one integer per distinct key, for hashing/sorting
 * (inline: it runs for every exit interval).
 */
static inline uint64_t kx_subkey_pack(const struct kx_subkey *sk)
{
	if (sk->cls == KX_SK_NONE)
		return 0;
	return (uint64_t)(sk->cls & 0xf) << KX_SUBKEY_PACK_CLS_SHIFT |
	       (uint64_t)(sk->access & 0x3) << KX_SUBKEY_PACK_ACC_SHIFT |
	       (sk->id & KX_SUBKEY_PACK_ID_MASK);
}

/** kx_subkey_unpack() - inverse of kx_subkey_pack() (via = NONE). */
struct kx_subkey kx_subkey_unpack(uint64_t packed);

/**
 * kx_subkey_add_path() - the key of @into learnt once more, by @via, as an
 * x2APIC MSR if @x2apic: keep what each way of learning it says of the
 * path, so that the name shown does not depend on which came first.
 */
static inline void kx_subkey_add_path(struct kx_subkey *into, uint8_t via, uint8_t x2apic)
{
	into->x2apic |= x2apic;
	if (via == KX_SKV_MMIO_EVENT)
		into->via = KX_SKV_MMIO_EVENT;
}

/**
 * kx_subkey_of_helper() - the key a classified helper event names on its
 * own: what kx_subkey_end() gives for an exit of unknown reason with only
 * @ev after it. Return: false when @ev names none (not a helper event).
 */
static inline bool kx_subkey_of_helper(const struct kx_event *ev, struct kx_subkey *sk)
{
	if (!ev->key_rank)
		return false;
	*sk = kx_subkey_unpack(ev->key);
	sk->via = ev->key_via;
	sk->x2apic = ev->key_x2apic;
	return true;
}

/**
 * kx_subkey_name() - the raw name, e.g. "MSR 0x6e0 TSC_DEADLINE write",
 * "x2APIC MSR 0x80b EOI write", "MMIO 0xfee000b0 EOI write", "PIO 0x3f8 out".
 * Return: length written (snprintf semantics).
 */
int kx_subkey_name(const struct kx_subkey *sk, char *buf, size_t len);

/**
 * kx_subkey_normalized() - the mode-independent name ("APIC EOI write",
 * "APIC TMICT write", "TSC_DEADLINE write", "APIC ICR write" ...), or false
 * when the key has none (ports, plain MMIO).
 */
bool kx_subkey_normalized(const struct kx_subkey *sk, char *buf, size_t len);

/** kx_subkey_is_timer() - writes the timer: APIC TMICT or TSC_DEADLINE (LVTT with @lvtt). */
bool kx_subkey_is_timer(const struct kx_subkey *sk, bool lvtt);

/** kx_apic_reg_name() - "EOI", "TMICT", ... for an APIC register offset, NULL if unknown. */
const char *kx_apic_reg_name(uint32_t offset);

/** kx_msr_name() - symbolic name of a common MSR ("EFER", "TSC_DEADLINE" ...), NULL if unknown. */
const char *kx_msr_name(uint32_t index);

/**
 * kx_subkey_canonical() - the one key standing for every key with the same
 * normalised name (EOI vector -> APIC EOI write, ISR/TMR/IRR bank member ->
 * the bank's first register), with via and x2apic cleared; a key without a
 * normalised name comes back with only via and x2apic cleared. Aggregating
 * by kx_subkey_pack() of this merges exactly the keys that share a name.
 */
struct kx_subkey kx_subkey_canonical(const struct kx_subkey *sk);

#endif /* KX_SUBKEY_H */
