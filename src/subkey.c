// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subkey.c - decide what one exit was about (APIC register, MSR, port, MMIO
 * address, EOI vector) from the helper events between the exit and its
 * entry, else from the exit's own info fields, and name the result: a raw
 * name that shows how it was reached and a mode-independent normalised name.
 *
 * Raw names (kx_subkey_name):
 *   APIC register:  "x2APIC MSR 0x80b EOI write"  reached through an x2APIC MSR
 *                   "MMIO 0xfee000b0 EOI write"   learnt from kvm_mmio in the xAPIC page
 *                   "APIC 0xb0 EOI write"         otherwise (kvm_apic, exit info, unpacked key)
 *   MSR:            "MSR 0x6e0 TSC_DEADLINE write", "MSR 0x123 read" (no symbol if unknown)
 *   port:           "PIO 0x3f8 out", "PIO 0x60 in"
 *   MMIO:           "MMIO 0xfebd1000 write"
 *   EOI vector:     "EOI vector 0xec"             (VMX EOI_INDUCED)
 * An unknown register drops the register word; an unknown access reads "access".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kx_exitnames.h"
#include "kx_subkey.h"

#define APIC_PAGE_BASE		0xfee00000ull
#define APIC_PAGE_SIZE		0x1000ull
#define APIC_REG_MASK		0xff0u
#define X2APIC_MSR_FIRST	0x800u
#define X2APIC_MSR_LAST		0x8ffu
#define MSR_TSC_DEADLINE	0x6e0u

#define APIC_TPR		0x80u
#define APIC_EOI		0xb0u
#define APIC_LVTT		0x320u
#define APIC_TMICT		0x380u

/* VMX exit code for control-register accesses (mov to/from CR8 is the TPR). */
#define VMX_CR_ACCESS		28u
/* SVM exit codes for CR8 reads and writes (without V_INTR_MASKING). */
#define SVM_READ_CR8		0x008u
#define SVM_WRITE_CR8		0x018u
/* SVM NPF error code: the faulting access was a write. */
#define SVM_NPF_WRITE		(1ull << 1)
/* SVM AVIC unaccelerated access: exit_info_1 bit 32 = write, bits 11:4 = offset. */
#define SVM_AVIC_WRITE		(1ull << 32)

/* Ranks of the sources; a higher rank overrides what a lower one said. */
enum {
	RANK_NONE = 0,
	RANK_PIO,
	RANK_MMIO,
	RANK_MSR,
	RANK_APIC,
};

#define PACK_CLS_SHIFT		KX_SUBKEY_PACK_CLS_SHIFT
#define PACK_ACC_SHIFT		KX_SUBKEY_PACK_ACC_SHIFT
#define PACK_ID_MASK		KX_SUBKEY_PACK_ID_MASK

struct apic_reg {
	uint32_t offset;
	uint32_t span;		/* bytes covered: 0x10, or 0x80 for the ISR/TMR/IRR banks */
	const char *name;
};

/* sorted by offset, disjoint: apic_reg_find() searches it by halves */
static const struct apic_reg apic_regs[] = {
	{ 0x020, 0x10, "ID" },
	{ 0x030, 0x10, "LVR" },
	{ 0x080, 0x10, "TPR" },
	{ 0x090, 0x10, "ARBPRI" },
	{ 0x0a0, 0x10, "PROCPRI" },
	{ 0x0b0, 0x10, "EOI" },
	{ 0x0c0, 0x10, "RRR" },
	{ 0x0d0, 0x10, "LDR" },
	{ 0x0e0, 0x10, "DFR" },
	{ 0x0f0, 0x10, "SPIV" },
	{ 0x100, 0x80, "ISR" },
	{ 0x180, 0x80, "TMR" },
	{ 0x200, 0x80, "IRR" },
	{ 0x280, 0x10, "ESR" },
	{ 0x300, 0x10, "ICR" },
	{ 0x310, 0x10, "ICR2" },
	{ 0x320, 0x10, "LVTT" },
	{ 0x330, 0x10, "LVTTHMR" },
	{ 0x340, 0x10, "LVTPC" },
	{ 0x350, 0x10, "LVT0" },
	{ 0x360, 0x10, "LVT1" },
	{ 0x370, 0x10, "LVTERR" },
	{ 0x380, 0x10, "TMICT" },
	{ 0x390, 0x10, "TMCCT" },
	{ 0x3e0, 0x10, "TDCR" },
	{ 0x3f0, 0x10, "SELF_IPI" },
	{ 0x400, 0x10, "EFEAT" },
	{ 0x410, 0x10, "ECTRL" },
};

struct msr_name {
	uint32_t index;
	const char *name;
};

static const struct msr_name msr_names[] = {
	{ 0x00000010, "TSC" },
	{ 0x00000011, "KVM_WALL_CLOCK" },
	{ 0x00000012, "KVM_SYSTEM_TIME" },
	{ 0x0000001b, "APIC_BASE" },
	{ 0x0000003a, "FEATURE_CONTROL" },
	{ 0x0000003b, "TSC_ADJUST" },
	{ 0x00000048, "SPEC_CTRL" },
	{ 0x00000049, "PRED_CMD" },
	{ 0x0000008b, "UCODE_REV" },
	{ 0x0000010a, "ARCH_CAPABILITIES" },
	{ 0x0000010b, "FLUSH_CMD" },
	{ 0x00000174, "SYSENTER_CS" },
	{ 0x00000175, "SYSENTER_ESP" },
	{ 0x00000176, "SYSENTER_EIP" },
	{ 0x000001a0, "MISC_ENABLE" },
	{ 0x000001d9, "DEBUGCTL" },
	{ 0x00000277, "PAT" },
	{ 0x0000038f, "PERF_GLOBAL_CTRL" },
	{ 0x000006e0, "TSC_DEADLINE" },
	{ 0x00000da0, "XSS" },
	{ 0x4b564d00, "KVM_WALL_CLOCK_NEW" },
	{ 0x4b564d01, "KVM_SYSTEM_TIME_NEW" },
	{ 0x4b564d02, "KVM_ASYNC_PF_EN" },
	{ 0x4b564d03, "KVM_STEAL_TIME" },
	{ 0x4b564d04, "KVM_PV_EOI_EN" },
	{ 0x4b564d05, "KVM_POLL_CONTROL" },
	{ 0x4b564d06, "KVM_ASYNC_PF_INT" },
	{ 0x4b564d07, "KVM_ASYNC_PF_ACK" },
	{ 0xc0000080, "EFER" },
	{ 0xc0000081, "STAR" },
	{ 0xc0000082, "LSTAR" },
	{ 0xc0000083, "CSTAR" },
	{ 0xc0000084, "SFMASK" },
	{ 0xc0000100, "FS_BASE" },
	{ 0xc0000101, "GS_BASE" },
	{ 0xc0000102, "KERNEL_GS_BASE" },
	{ 0xc0000103, "TSC_AUX" },
};

/* The register covering @offset: the last one starting at or below it (sorted, disjoint). */
static const struct apic_reg *apic_reg_find(uint64_t offset)
{
	size_t lo = 0, hi = sizeof(apic_regs) / sizeof(apic_regs[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (apic_regs[mid].offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && offset < (uint64_t)apic_regs[lo - 1].offset + apic_regs[lo - 1].span)
		return &apic_regs[lo - 1];
	return NULL;
}

const char *kx_apic_reg_name(uint32_t offset)
{
	const struct apic_reg *r = apic_reg_find(offset);

	return r ? r->name : NULL;
}

const char *kx_msr_name(uint32_t index)
{
	for (size_t i = 0; i < sizeof(msr_names) / sizeof(msr_names[0]); i++)
		if (msr_names[i].index == index)
			return msr_names[i].name;
	return NULL;
}

static struct kx_subkey make_key(uint8_t cls, uint64_t id, uint8_t access, uint8_t via)
{
	struct kx_subkey sk = {
		.id = id & PACK_ID_MASK,
		.cls = cls,
		.access = access,
		.via = via,
	};
	return sk;
}

static uint8_t access_of(uint32_t write)
{
	return write ? KX_SKA_WRITE : KX_SKA_READ;
}

static bool in_apic_page(uint64_t gpa)
{
	return gpa >= APIC_PAGE_BASE && gpa < APIC_PAGE_BASE + APIC_PAGE_SIZE;
}

/* The key a helper event names, and its rank; RANK_NONE if it names none. */
static int helper_key(const struct kx_event *ev, struct kx_subkey *sk)
{
	switch (ev->kind) {
	case KX_EV_APIC:
		*sk = make_key(KX_SK_APIC, ev->u.apic.reg, access_of(ev->u.apic.write),
			       KX_SKV_APIC_EVENT);
		return RANK_APIC;
	case KX_EV_MSR: {
		uint32_t index = ev->u.msr.index;

		if (index >= X2APIC_MSR_FIRST && index <= X2APIC_MSR_LAST) {
			*sk = make_key(KX_SK_APIC, (uint64_t)(index - X2APIC_MSR_FIRST) << 4,
				       access_of(ev->u.msr.write), KX_SKV_MSR_EVENT);
			sk->x2apic = 1;
		} else {
			*sk = make_key(KX_SK_MSR, index, access_of(ev->u.msr.write),
				       KX_SKV_MSR_EVENT);
		}
		return RANK_MSR;
	}
	case KX_EV_MMIO: {
		/* an unsatisfied read and its completion are one read of the same gpa */
		uint8_t access = ev->u.mmio.type == KX_MMIO_WRITE ? KX_SKA_WRITE : KX_SKA_READ;

		if (in_apic_page(ev->u.mmio.gpa))
			*sk = make_key(KX_SK_APIC, ev->u.mmio.gpa & APIC_REG_MASK, access,
				       KX_SKV_MMIO_EVENT);
		else
			*sk = make_key(KX_SK_MMIO, ev->u.mmio.gpa, access, KX_SKV_MMIO_EVENT);
		return RANK_MMIO;
	}
	case KX_EV_PIO:
		*sk = make_key(KX_SK_PIO, ev->u.pio.port & 0xffff, access_of(ev->u.pio.write),
			       KX_SKV_PIO_EVENT);
		return RANK_PIO;
	default:
		return RANK_NONE;
	}
}

static struct kx_subkey vmx_exit_key(const struct kx_exit_fields *x)
{
	uint64_t q = x->info1;

	switch (x->code) {
	case KX_VMX_APIC_WRITE:
		/* trap-like: the qualification is the offset of the register written */
		return make_key(KX_SK_APIC, q & APIC_REG_MASK, KX_SKA_WRITE, KX_SKV_EXIT_INFO);
	case KX_VMX_APIC_ACCESS: {
		/* bits 15:12 type: 0 linear read, 1 linear write, 2 fetch, 3 event delivery */
		uint32_t type = (q >> 12) & 0xf;

		if (type > 3)
			break;	/* guest-physical accesses carry no offset */
		return make_key(KX_SK_APIC, q & APIC_REG_MASK,
				type == 0 ? KX_SKA_READ : type == 1 ? KX_SKA_WRITE : KX_SKA_NONE,
				KX_SKV_EXIT_INFO);
	}
	case KX_VMX_EOI_INDUCED:
		return make_key(KX_SK_VECTOR, q & 0xff, KX_SKA_WRITE, KX_SKV_EXIT_INFO);
	case KX_VMX_IO_INSTRUCTION:
		/* bit 3: 1 = in; bits 31:16: port */
		return make_key(KX_SK_PIO, (q >> 16) & 0xffff, (q & 8) ? KX_SKA_READ : KX_SKA_WRITE,
				KX_SKV_EXIT_INFO);
	case VMX_CR_ACCESS: {
		/* bits 3:0 CR number, bits 5:4 type: 0 mov to CR, 1 mov from CR */
		uint32_t type = (q >> 4) & 3;

		if ((q & 0xf) != 8 || type > 1)
			break;
		return make_key(KX_SK_APIC, APIC_TPR, type == 0 ? KX_SKA_WRITE : KX_SKA_READ,
				KX_SKV_EXIT_INFO);
	}
	default:
		break;
	}
	return make_key(KX_SK_NONE, 0, KX_SKA_NONE, KX_SKV_NONE);
}

static struct kx_subkey svm_exit_key(const struct kx_exit_fields *x)
{
	switch (x->code) {
	case KX_SVM_IOIO:
		/* bit 0: 1 = in; bits 31:16: port */
		return make_key(KX_SK_PIO, (x->info1 >> 16) & 0xffff,
				(x->info1 & 1) ? KX_SKA_READ : KX_SKA_WRITE, KX_SKV_EXIT_INFO);
	case KX_SVM_AVIC_UNACCELERATED_ACCESS:
		return make_key(KX_SK_APIC, x->info1 & APIC_REG_MASK,
				(x->info1 & SVM_AVIC_WRITE) ? KX_SKA_WRITE : KX_SKA_READ,
				KX_SKV_EXIT_INFO);
	case KX_SVM_NPF:
		/* info2 is the faulting gpa; only the APIC page says what was touched */
		if (!in_apic_page(x->info2))
			break;
		return make_key(KX_SK_APIC, x->info2 & APIC_REG_MASK,
				(x->info1 & SVM_NPF_WRITE) ? KX_SKA_WRITE : KX_SKA_READ,
				KX_SKV_EXIT_INFO);
	case SVM_READ_CR8:
		return make_key(KX_SK_APIC, APIC_TPR, KX_SKA_READ, KX_SKV_EXIT_INFO);
	case SVM_WRITE_CR8:
		return make_key(KX_SK_APIC, APIC_TPR, KX_SKA_WRITE, KX_SKV_EXIT_INFO);
	default:
		break;
	}
	return make_key(KX_SK_NONE, 0, KX_SKA_NONE, KX_SKV_NONE);
}

/* What the exit's own info fields name (used when no helper event names more). */
static struct kx_subkey exit_info_key(const struct kx_exit_fields *x)
{
	if (!x->has_info || x->code == KX_CODE_UNKNOWN)
		return make_key(KX_SK_NONE, 0, KX_SKA_NONE, KX_SKV_NONE);
	if (x->isa == KX_ISA_VMX)
		return vmx_exit_key(x);
	if (x->isa == KX_ISA_SVM)
		return svm_exit_key(x);
	return make_key(KX_SK_NONE, 0, KX_SKA_NONE, KX_SKV_NONE);
}

void kx_subkey_classify(struct kx_event *ev)
{
	struct kx_subkey sk;
	int rank = RANK_NONE;

	if (ev->kind == KX_EV_EXIT)
		sk = exit_info_key(&ev->u.exit);
	else if ((rank = helper_key(ev, &sk)) == RANK_NONE)
		sk = make_key(KX_SK_NONE, 0, KX_SKA_NONE, KX_SKV_NONE);
	ev->key = kx_subkey_pack(&sk);
	ev->key_rank = (uint8_t)rank;
	ev->key_via = sk.via;
	ev->key_x2apic = sk.x2apic;
}

static bool is_msr_exit(const struct kx_exit_fields *x)
{
	if (x->isa == KX_ISA_VMX)
		return x->code == KX_VMX_MSR_READ || x->code == KX_VMX_MSR_WRITE;
	if (x->isa == KX_ISA_SVM)
		return x->code == KX_SVM_MSR;
	return false;
}

void kx_subkey_begin(struct kx_subkey_acc *acc, const struct kx_event *ev)
{
	/* field by field: this runs for every exit, a memset of the whole was measurable */
	acc->best = (struct kx_subkey){ .cls = KX_SK_NONE };
	acc->best_packed = 0;
	acc->rank = RANK_NONE;
	acc->exit_key = ev->key;
	acc->msr_exit = is_msr_exit(&ev->u.exit);
}

void kx_subkey_helper(struct kx_subkey_acc *acc, const struct kx_event *ev)
{
	struct kx_subkey sk;
	int rank = ev->key_rank;

	if (rank == RANK_NONE)
		return;
	if (acc->best_packed && ev->key == acc->best_packed) {
		/* two sources agree: keep the key, add what the other knows of the path */
		kx_subkey_add_path(&acc->best, ev->key_via, ev->key_x2apic);
		if (rank > acc->rank)
			acc->rank = (uint8_t)rank;
		return;
	}
	/* equal rank: the first event wins (string PIO, repeated MMIO of one instruction) */
	if (rank <= acc->rank)
		return;
	kx_subkey_of_helper(ev, &sk);
	if (acc->best.cls == KX_SK_APIC && sk.cls == KX_SK_APIC)
		sk.x2apic |= acc->best.x2apic;
	acc->best = sk;
	acc->best_packed = ev->key;
	acc->rank = (uint8_t)rank;
}

struct kx_subkey kx_subkey_end(const struct kx_subkey_acc *acc)
{
	struct kx_subkey sk;

	if (acc->best.cls == KX_SK_APIC) {
		sk = acc->best;
		/* kvm_apic alone in an MSR exit: the register was reached as an x2APIC MSR */
		if (acc->msr_exit)
			sk.x2apic = 1;
		return sk;
	}
	if (acc->best.cls != KX_SK_NONE || !acc->exit_key)
		return acc->best;
	sk = kx_subkey_unpack(acc->exit_key);
	sk.via = KX_SKV_EXIT_INFO;
	return sk;
}

struct kx_subkey kx_subkey_unpack(uint64_t packed)
{
	return make_key((uint8_t)(packed >> PACK_CLS_SHIFT),
			packed & PACK_ID_MASK,
			(uint8_t)((packed >> PACK_ACC_SHIFT) & 0x3), KX_SKV_NONE);
}

static const char *access_word(uint8_t access)
{
	switch (access) {
	case KX_SKA_READ:
		return "read";
	case KX_SKA_WRITE:
		return "write";
	default:
		return "access";
	}
}

/* " NAME" or "" for an optional symbol inside a name */
static const char *sp(const char *name)
{
	return name ? " " : "";
}

static const char *nz(const char *name)
{
	return name ? name : "";
}

int kx_subkey_name(const struct kx_subkey *sk, char *buf, size_t len)
{
	const char *acc = access_word(sk->access);
	const char *reg, *msr;

	switch (sk->cls) {
	case KX_SK_APIC:
		reg = kx_apic_reg_name((uint32_t)sk->id);
		if (sk->x2apic)
			return snprintf(buf, len, "x2APIC MSR %#" PRIx64 "%s%s %s",
					X2APIC_MSR_FIRST + (sk->id >> 4), sp(reg), nz(reg), acc);
		if (sk->via == KX_SKV_MMIO_EVENT)
			return snprintf(buf, len, "MMIO %#" PRIx64 "%s%s %s",
					(uint64_t)(APIC_PAGE_BASE + sk->id), sp(reg), nz(reg), acc);
		return snprintf(buf, len, "APIC %#" PRIx64 "%s%s %s", sk->id, sp(reg), nz(reg),
				acc);
	case KX_SK_MSR:
		msr = kx_msr_name((uint32_t)sk->id);
		return snprintf(buf, len, "MSR %#" PRIx64 "%s%s %s", sk->id, sp(msr), nz(msr), acc);
	case KX_SK_PIO:
		return snprintf(buf, len, "PIO %#" PRIx64 " %s", sk->id,
				sk->access == KX_SKA_READ ? "in" :
				sk->access == KX_SKA_WRITE ? "out" : "access");
	case KX_SK_MMIO:
		return snprintf(buf, len, "MMIO %#" PRIx64 " %s", sk->id, acc);
	case KX_SK_VECTOR:
		return snprintf(buf, len, "EOI vector %#" PRIx64, sk->id);
	default:
		return snprintf(buf, len, "none");
	}
}

bool kx_subkey_normalized(const struct kx_subkey *sk, char *buf, size_t len)
{
	const char *reg;

	switch (sk->cls) {
	case KX_SK_APIC:
		reg = kx_apic_reg_name((uint32_t)sk->id);
		if (!reg || sk->access == KX_SKA_NONE)
			return false;
		snprintf(buf, len, "APIC %s %s", reg, access_word(sk->access));
		return true;
	case KX_SK_MSR:
		if (sk->id != MSR_TSC_DEADLINE || sk->access == KX_SKA_NONE)
			return false;
		snprintf(buf, len, "TSC_DEADLINE %s", access_word(sk->access));
		return true;
	case KX_SK_VECTOR:
		/* an EOI_INDUCED exit is the EOI write itself */
		snprintf(buf, len, "APIC EOI write");
		return true;
	default:
		return false;
	}
}

struct kx_subkey kx_subkey_canonical(const struct kx_subkey *sk)
{
	const struct apic_reg *r;

	switch (sk->cls) {
	case KX_SK_VECTOR:
		return make_key(KX_SK_APIC, APIC_EOI, KX_SKA_WRITE, KX_SKV_NONE);
	case KX_SK_APIC:
		r = apic_reg_find(sk->id);
		if (r && sk->access != KX_SKA_NONE)
			return make_key(KX_SK_APIC, r->offset, sk->access, KX_SKV_NONE);
		break;
	default:
		break;
	}
	return make_key(sk->cls, sk->id, sk->access, KX_SKV_NONE);
}

bool kx_subkey_is_timer(const struct kx_subkey *sk, bool lvtt)
{
	if (sk->access != KX_SKA_WRITE)
		return false;
	if (sk->cls == KX_SK_APIC)
		return sk->id == APIC_TMICT || (lvtt && sk->id == APIC_LVTT);
	return sk->cls == KX_SK_MSR && sk->id == MSR_TSC_DEADLINE;
}
