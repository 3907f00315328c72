// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_subkey.c - sub-keys from every source (kvm_apic, kvm_msr, kvm_mmio,
 * kvm_pio, VMX/SVM exit info) with events built as the kernel emits them;
 * xAPIC and x2APIC forms of one register meet in one key; the edges of the
 * APIC page and of the x2APIC MSR range; the way an exit reached a
 * register; priorities; names.
 * Expected values come from the SDM/APM field layouts, not from the code.
 */
#include <stdbool.h>
#include <string.h>

#include "kx_exitnames.h"
#include "kx_subkey.h"
#include "tap.h"

#define MAX_HELPERS 4

static struct kx_event exit_ev(enum kx_isa isa, uint32_t code, uint64_t info1, uint64_t info2)
{
	struct kx_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = KX_EV_EXIT;
	ev.tid = 100;
	ev.u.exit.isa = (uint8_t)isa;
	ev.u.exit.code = code;
	ev.u.exit.info1 = info1;
	ev.u.exit.info2 = info2;
	ev.u.exit.has_info = 1;
	return ev;
}

static struct kx_event apic_ev(uint32_t reg, uint32_t write)
{
	struct kx_event ev = { .kind = KX_EV_APIC, .tid = 100 };

	ev.u.apic.reg = reg;
	ev.u.apic.write = write;
	return ev;
}

static struct kx_event msr_ev(uint32_t index, uint32_t write)
{
	struct kx_event ev = { .kind = KX_EV_MSR, .tid = 100 };

	ev.u.msr.index = index;
	ev.u.msr.write = write;
	return ev;
}

static struct kx_event mmio_ev(uint64_t gpa, uint32_t type)
{
	struct kx_event ev = { .kind = KX_EV_MMIO, .tid = 100 };

	ev.u.mmio.gpa = gpa;
	ev.u.mmio.type = type;
	ev.u.mmio.len = 4;
	return ev;
}

static struct kx_event pio_ev(uint32_t port, uint32_t write)
{
	struct kx_event ev = { .kind = KX_EV_PIO, .tid = 100 };

	ev.u.pio.port = port;
	ev.u.pio.write = write;
	ev.u.pio.size = 1;
	ev.u.pio.count = 1;
	return ev;
}

/* One exit with its helper events (in trace order), as pair.c drives the module. */
static struct kx_subkey run_exit(struct kx_event ex, const struct kx_event *helpers, int n)
{
	struct kx_subkey_acc acc;

	/* a previous exit's state must not leak into this one */
	memset(&acc, 0xa5, sizeof(acc));
	kx_subkey_classify(&ex);	/* as the readers do while decoding */
	kx_subkey_begin(&acc, &ex);
	for (int i = 0; i < n; i++) {
		struct kx_event h = helpers[i];

		kx_subkey_classify(&h);
		kx_subkey_helper(&acc, &h);
	}
	return kx_subkey_end(&acc);
}

static const char *raw(const struct kx_subkey *sk)
{
	static char buf[128];

	kx_subkey_name(sk, buf, sizeof(buf));
	return buf;
}

static const char *norm(const struct kx_subkey *sk)
{
	static char buf[128];

	if (!kx_subkey_normalized(sk, buf, sizeof(buf)))
		return NULL;
	return buf;
}

static void test_eoi_forms(void)
{
	/* xAPIC EOI via APIC_ACCESS: qualification type 1 (linear write), offset 0xb0 */
	struct kx_event xh[] = { mmio_ev(0xfee000b0, KX_MMIO_WRITE), apic_ev(0xb0, 1) };
	struct kx_subkey x = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x10b0, 0), xh, 2);
	/* x2APIC EOI: WRMSR 0x80b; the lapic write (kvm_apic) precedes kvm_msr */
	struct kx_event x2h[] = { apic_ev(0xb0, 1), msr_ev(0x80b, 1) };
	struct kx_subkey x2 = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), x2h, 2);
	/* APICv trap-like APIC_WRITE with kvm_apic */
	struct kx_event ah[] = { apic_ev(0xb0, 1) };
	struct kx_subkey a = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_WRITE, 0xb0, 0), ah, 1);
	/* x2APIC without kvm_apic recorded */
	struct kx_event mh[] = { msr_ev(0x80b, 1) };
	struct kx_subkey m = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), mh, 1);

	is_u64(x.cls, KX_SK_APIC, "xAPIC EOI: APIC class");
	is_u64(x.id, 0xb0, "xAPIC EOI: offset 0xb0");
	is_u64(x.access, KX_SKA_WRITE, "xAPIC EOI: write");
	is_u64(x.x2apic, 0, "xAPIC EOI: not x2APIC");
	is_u64(kx_subkey_pack(&x2), kx_subkey_pack(&x), "x2APIC WRMSR 0x80b packs as xAPIC MMIO EOI");
	is_u64(kx_subkey_pack(&a), kx_subkey_pack(&x), "kvm_apic EOI packs as xAPIC MMIO EOI");
	is_u64(kx_subkey_pack(&m), kx_subkey_pack(&x), "kvm_msr 0x80b alone packs as EOI");
	is_str(norm(&x), "APIC EOI write", "xAPIC normalised");
	is_str(norm(&x2), "APIC EOI write", "x2APIC normalised");
	is_str(norm(&a), "APIC EOI write", "kvm_apic normalised");
	is_str(raw(&x), "MMIO 0xfee000b0 EOI write", "xAPIC raw name shows the gpa");
	is_str(raw(&x2), "x2APIC MSR 0x80b EOI write", "x2APIC raw name shows the MSR");
	is_u64(x2.x2apic, 1, "x2APIC flag kept when kvm_apic came first");
	is_str(raw(&a), "APIC 0xb0 EOI write", "kvm_apic raw name shows the offset");
	is_u64(a.via, KX_SKV_APIC_EVENT, "via kvm_apic");

	/* kvm_apic alone in an MSR exit: the guest used x2APIC */
	struct kx_subkey k = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), ah, 1);

	is_str(raw(&k), "x2APIC MSR 0x80b EOI write", "kvm_apic in MSR_WRITE exit is x2APIC");
}

static void test_vmx_exit_info(void)
{
	struct kx_subkey sk;

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_WRITE, 0x380, 0), NULL, 0);
	is_str(raw(&sk), "APIC 0x380 TMICT write", "APIC_WRITE info 380");
	is_u64(sk.via, KX_SKV_EXIT_INFO, "APIC_WRITE via exit info");
	ok(kx_subkey_is_timer(&sk, false), "APIC_WRITE 380 programs the timer");

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x1380, 0), NULL, 0);
	is_str(norm(&sk), "APIC TMICT write", "APIC_ACCESS type 1 is a write");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x0390, 0), NULL, 0);
	is_str(norm(&sk), "APIC TMCCT read", "APIC_ACCESS type 0 is a read");
	ok(!kx_subkey_is_timer(&sk, true), "a read does not program the timer");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x30b0, 0), NULL, 0);
	is_str(raw(&sk), "APIC 0xb0 EOI access", "APIC_ACCESS type 3 (event delivery): no access");
	ok(norm(&sk) == NULL, "no normalised name without read/write");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0xf000, 0), NULL, 0);
	is_u64(sk.cls, KX_SK_NONE, "APIC_ACCESS guest-physical (type 15): nothing known");

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_EOI_INDUCED, 0xec, 0), NULL, 0);
	is_u64(sk.cls, KX_SK_VECTOR, "EOI_INDUCED: vector class");
	is_u64(sk.id, 0xec, "EOI_INDUCED: vector 0xec");
	is_str(raw(&sk), "EOI vector 0xec", "EOI_INDUCED raw name");
	is_str(norm(&sk), "APIC EOI write", "EOI_INDUCED is the EOI write");

	/* exit qualification: size-1 in 2:0, bit 3 in, port 31:16 */
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_IO_INSTRUCTION, 0x03f80000, 0), NULL, 0);
	is_str(raw(&sk), "PIO 0x3f8 out", "IO_INSTRUCTION outb 0x3f8");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_IO_INSTRUCTION, 0x0060000b, 0), NULL, 0);
	is_str(raw(&sk), "PIO 0x60 in", "IO_INSTRUCTION inl 0x60");
	ok(norm(&sk) == NULL, "ports have no normalised name");

	/* CR_ACCESS: CR number 3:0, type 5:4 (0 mov to, 1 mov from), GPR 11:8 */
	sk = run_exit(exit_ev(KX_ISA_VMX, 28, 0x0308, 0), NULL, 0);
	is_str(norm(&sk), "APIC TPR write", "mov to cr8 is a TPR write");
	sk = run_exit(exit_ev(KX_ISA_VMX, 28, 0x0318, 0), NULL, 0);
	is_str(norm(&sk), "APIC TPR read", "mov from cr8 is a TPR read");
	sk = run_exit(exit_ev(KX_ISA_VMX, 28, 0x0300, 0), NULL, 0);
	is_u64(sk.cls, KX_SK_NONE, "mov to cr0: nothing");

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), NULL, 0);
	is_u64(sk.cls, KX_SK_NONE, "MSR_WRITE without kvm_msr: index unknown");

	struct kx_event noinfo = exit_ev(KX_ISA_VMX, KX_VMX_APIC_WRITE, 0x380, 0);

	noinfo.u.exit.has_info = 0;
	sk = run_exit(noinfo, NULL, 0);
	is_u64(sk.cls, KX_SK_NONE, "no info recorded: nothing");
	sk = run_exit(exit_ev(KX_ISA_UNKNOWN, KX_VMX_APIC_WRITE, 0x380, 0), NULL, 0);
	is_u64(sk.cls, KX_SK_NONE, "unknown ISA: exit info not decoded");
}

static void test_svm_exit_info(void)
{
	struct kx_subkey sk;
	struct kx_event tdl[] = { msr_ev(0x6e0, 1) };

	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_MSR, 1, 0), NULL, 0);
	is_u64(sk.cls, KX_SK_NONE, "SVM msr without kvm_msr: index unknown");
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_MSR, 1, 0), tdl, 1);
	is_str(raw(&sk), "MSR 0x6e0 TSC_DEADLINE write", "SVM msr with kvm_msr 0x6e0");

	/* IOIO: bit 0 type (1 = in), bit 4 SZ8, port 31:16 */
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_IOIO, 0x03f80010, 0), NULL, 0);
	is_str(raw(&sk), "PIO 0x3f8 out", "SVM ioio out");
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_IOIO, 0x00710011, 0), NULL, 0);
	is_str(raw(&sk), "PIO 0x71 in", "SVM ioio in");

	/* AVIC unaccelerated access: offset in info1 11:4, write in bit 32 */
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_AVIC_UNACCELERATED_ACCESS,
			      (1ull << 32) | 0x380, 0xef), NULL, 0);
	is_str(norm(&sk), "APIC TMICT write", "AVIC unaccelerated TMICT write");
	ok(kx_subkey_is_timer(&sk, false), "AVIC TMICT write programs the timer");
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_AVIC_UNACCELERATED_ACCESS, 0x310, 0), NULL, 0);
	is_str(norm(&sk), "APIC ICR2 read", "AVIC unaccelerated ICR2 read");

	/* NPF: info1 = page-fault error code (bit 1 write), info2 = gpa */
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_NPF, 0x100000006ull, 0xfee000b0), NULL, 0);
	is_str(norm(&sk), "APIC EOI write", "npf in the APIC page");
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_NPF, 0x100000004ull, 0xfee00020), NULL, 0);
	is_str(norm(&sk), "APIC ID read", "npf read in the APIC page");
	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_NPF, 6, 0xfebf0000), NULL, 0);
	is_u64(sk.cls, KX_SK_NONE, "npf outside the APIC page: nothing");

	sk = run_exit(exit_ev(KX_ISA_SVM, 0x018, 0, 0), NULL, 0);
	is_str(norm(&sk), "APIC TPR write", "SVM write_cr8");
}

static void test_msr(void)
{
	struct kx_event h[1];
	struct kx_subkey sk, x;

	h[0] = msr_ev(0x6e0, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	is_str(raw(&sk), "MSR 0x6e0 TSC_DEADLINE write", "TSC_DEADLINE raw");
	is_str(norm(&sk), "TSC_DEADLINE write", "TSC_DEADLINE normalised");
	ok(kx_subkey_is_timer(&sk, false), "TSC_DEADLINE write programs the timer");
	h[0] = msr_ev(0x6e0, 0);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_READ, 0, 0), h, 1);
	is_str(norm(&sk), "TSC_DEADLINE read", "TSC_DEADLINE read");
	ok(!kx_subkey_is_timer(&sk, false), "TSC_DEADLINE read does not");

	h[0] = msr_ev(0xc0000080, 0);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_READ, 0, 0), h, 1);
	is_str(raw(&sk), "MSR 0xc0000080 EFER read", "EFER");
	ok(norm(&sk) == NULL, "EFER has no normalised name");
	h[0] = msr_ev(0x4b564d04, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	is_str(raw(&sk), "MSR 0x4b564d04 KVM_PV_EOI_EN write", "PV EOI MSR");
	h[0] = msr_ev(0x123, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	is_str(raw(&sk), "MSR 0x123 write", "unknown MSR: index only");
	is_str(kx_msr_name(0x1b), "APIC_BASE", "APIC_BASE");
	is_str(kx_msr_name(0xc0000102), "KERNEL_GS_BASE", "KERNEL_GS_BASE");
	is_str(kx_msr_name(0x48), "SPEC_CTRL", "SPEC_CTRL");

	/* x2APIC TMICT 0x838 = (0x380 >> 4) + 0x800, ICR 0x830, SELF_IPI 0x83f */
	h[0] = msr_ev(0x838, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	x = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_WRITE, 0x380, 0), NULL, 0);
	is_u64(kx_subkey_pack(&sk), kx_subkey_pack(&x), "x2APIC TMICT == APICv TMICT");
	is_str(norm(&sk), "APIC TMICT write", "x2APIC TMICT normalised");
	is_str(raw(&sk), "x2APIC MSR 0x838 TMICT write", "x2APIC TMICT raw");
	ok(kx_subkey_is_timer(&sk, false), "x2APIC TMICT programs the timer");
	h[0] = msr_ev(0x830, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	is_str(norm(&sk), "APIC ICR write", "x2APIC ICR");
	h[0] = msr_ev(0x83f, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	is_str(norm(&sk), "APIC SELF_IPI write", "x2APIC SELF_IPI");
	h[0] = msr_ev(0x832, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	ok(!kx_subkey_is_timer(&sk, false), "LVTT write is not a timer write by default");
	ok(kx_subkey_is_timer(&sk, true), "LVTT write is one when asked");
	h[0] = msr_ev(0x808, 0);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_READ, 0, 0), h, 1);
	is_str(norm(&sk), "APIC TPR read", "x2APIC TPR 0x808");
}

static void test_mmio_pio(void)
{
	struct kx_subkey sk;
	struct kx_event rd[] = { mmio_ev(0xfebf0000, KX_MMIO_UNSATISFIED_READ),
				 mmio_ev(0xfebf0000, KX_MMIO_READ) };
	struct kx_event only_unsat[] = { mmio_ev(0xfebf0000, KX_MMIO_UNSATISFIED_READ) };
	struct kx_event apic_rd[] = { apic_ev(0x390, 0), mmio_ev(0xfee00390, KX_MMIO_READ) };
	struct kx_event pio[] = { pio_ev(0x3f8, 1), pio_ev(0x3f9, 1) };
	struct kx_subkey a, b;

	a = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_EPT_MISCONFIG, 0, 0), rd, 2);
	b = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_EPT_MISCONFIG, 0, 0), only_unsat, 1);
	is_str(raw(&a), "MMIO 0xfebf0000 read", "unsatisfied read + read = one read");
	is_u64(kx_subkey_pack(&a), kx_subkey_pack(&b), "unsatisfied read alone: the same key");
	ok(norm(&a) == NULL, "plain MMIO has no normalised name");

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x0390, 0), apic_rd, 2);
	is_str(raw(&sk), "MMIO 0xfee00390 TMCCT read", "xAPIC read: kvm_apic then kvm_mmio");
	is_str(norm(&sk), "APIC TMCCT read", "xAPIC read normalised");

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_IO_INSTRUCTION, 0x03f90000, 0), pio, 2);
	is_str(raw(&sk), "PIO 0x3f8 out", "kvm_pio: the first port wins, beats exit info");
	is_u64(sk.via, KX_SKV_PIO_EVENT, "via kvm_pio");
}

/* The class a helper event's key gets on its own (what classify stores). */
static struct kx_subkey classified(struct kx_event ev)
{
	kx_subkey_classify(&ev);
	return kx_subkey_unpack(ev.key);
}

/*
 * The edges of the APIC page (4 KiB at 0xfee00000) and of the x2APIC MSR
 * range (0x800-0x8ff, offset = (index - 0x800) << 4), per the SDM.
 */
static void test_edges(void)
{
	static const struct {
		uint64_t gpa;
		uint8_t cls;
	} mmio[] = {
		{ 0xfedffffcull, KX_SK_MMIO }, { 0xfee00000ull, KX_SK_APIC },
		{ 0xfee00ffcull, KX_SK_APIC }, { 0xfee01000ull, KX_SK_MMIO },
	};
	static const struct {
		uint32_t index;
		uint8_t cls;
		uint64_t id;
	} msr[] = {
		{ 0x7ff, KX_SK_MSR, 0x7ff }, { 0x800, KX_SK_APIC, 0x000 },
		{ 0x8ff, KX_SK_APIC, 0xff0 }, { 0x900, KX_SK_MSR, 0x900 },
	};
	struct kx_event x2 = msr_ev(0x80b, 1);

	for (size_t i = 0; i < sizeof(mmio) / sizeof(mmio[0]); i++)
		ok(classified(mmio_ev(mmio[i].gpa, KX_MMIO_WRITE)).cls == mmio[i].cls,
		   "MMIO 0x%llx: %s", (unsigned long long)mmio[i].gpa,
		   mmio[i].cls == KX_SK_APIC ? "in the APIC page" : "outside the APIC page");
	for (size_t i = 0; i < sizeof(msr) / sizeof(msr[0]); i++) {
		struct kx_subkey sk = classified(msr_ev(msr[i].index, 1));

		ok(sk.cls == msr[i].cls && sk.id == msr[i].id, "MSR 0x%x: %s 0x%llx", msr[i].index,
		   msr[i].cls == KX_SK_APIC ? "x2APIC register at offset" : "an MSR of its own",
		   (unsigned long long)msr[i].id);
	}
	kx_subkey_classify(&x2);
	is_u64(x2.key_x2apic, 1, "an x2APIC MSR event's key says x2APIC");
}

/* Only TMICT (LVTT when asked) and TSC_DEADLINE writes program the timer; odd keys stay as they are. */
static void test_timer_and_canonical(void)
{
	struct kx_subkey spec_ctrl = classified(msr_ev(0x48, 1));
	struct kx_subkey port = classified(pio_ev(0x6e0, 1)), reserved = classified(msr_ev(0x800, 1));
	struct kx_subkey c;

	ok(!kx_subkey_is_timer(&spec_ctrl, true), "an MSR write other than TSC_DEADLINE: no timer");
	ok(!kx_subkey_is_timer(&port, true), "a port write to 0x6e0: no timer");
	c = kx_subkey_canonical(&reserved);
	ok(c.cls == KX_SK_APIC && c.id == 0 && c.access == KX_SKA_WRITE,
	   "an APIC offset with no register (0x000) keeps its key, canonical");
}

/*
 * Which way an exit reached a register: kvm_apic alone in an MSR exit of
 * either ISA was an x2APIC MSR (not in an exit of unknown ISA); a key two
 * helpers agree on keeps the higher helper's rank against a third; an
 * x2APIC key replaced by a higher-ranked APIC key passes its mark on.
 */
static void test_paths(void)
{
	struct kx_event eoi[] = { apic_ev(0xb0, 1) };
	struct kx_event agree[] = { mmio_ev(0xfee000b0, KX_MMIO_WRITE), msr_ev(0x80b, 1),
				    msr_ev(0x838, 1) };
	struct kx_event replaced[] = { msr_ev(0x80b, 1), apic_ev(0x380, 1) };
	struct kx_subkey sk;

	sk = run_exit(exit_ev(KX_ISA_SVM, KX_SVM_MSR, 1, 0), eoi, 1);
	ok(sk.cls == KX_SK_APIC && sk.id == 0xb0 && sk.x2apic, "SVM msr exit, kvm_apic alone: x2APIC");
	sk = run_exit(exit_ev(KX_ISA_UNKNOWN, KX_SVM_MSR, 1, 0), eoi, 1);
	ok(sk.cls == KX_SK_APIC && !sk.x2apic, "an exit of unknown ISA: not taken for an MSR exit");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_EPT_MISCONFIG, 0, 0), agree, 3);
	ok(sk.cls == KX_SK_APIC && sk.id == 0xb0 && sk.x2apic,
	   "kvm_mmio and kvm_msr agree on EOI: a later MSR of another register does not win");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_EPT_MISCONFIG, 0, 0), replaced, 2);
	ok(sk.cls == KX_SK_APIC && sk.id == 0x380 && sk.x2apic,
	   "kvm_apic outranks an x2APIC MSR of another register and keeps its x2APIC mark");
}

static void test_priority(void)
{
	struct kx_subkey sk;
	struct kx_event apic_vs_msr[] = { msr_ev(0x6e0, 1), apic_ev(0x380, 1) };
	struct kx_event msr_vs_apic[] = { apic_ev(0x380, 1), msr_ev(0x6e0, 1) };
	struct kx_event msr_vs_mmio[] = { mmio_ev(0xfebf0000, KX_MMIO_WRITE), msr_ev(0x10, 1) };
	struct kx_event mmio_vs_pio[] = { pio_ev(0x70, 1), mmio_ev(0xfebf0000, KX_MMIO_WRITE),
					  pio_ev(0x71, 0) };
	struct kx_event apic_vs_info[] = { apic_ev(0x300, 1) };

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), apic_vs_msr, 2);
	is_str(norm(&sk), "APIC TMICT write", "kvm_apic beats an earlier kvm_msr");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), msr_vs_apic, 2);
	is_str(norm(&sk), "APIC TMICT write", "kvm_apic beats a later kvm_msr");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), msr_vs_mmio, 2);
	is_str(raw(&sk), "MSR 0x10 TSC write", "kvm_msr beats kvm_mmio");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_EPT_MISCONFIG, 0, 0), mmio_vs_pio, 3);
	is_str(raw(&sk), "MMIO 0xfebf0000 write", "kvm_mmio beats kvm_pio either side");
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x10b0, 0), apic_vs_info, 1);
	is_str(norm(&sk), "APIC ICR write", "a helper event beats the exit info");
}

static void test_pack_names(void)
{
	static const struct { uint32_t off; const char *name; } regs[] = {
		{ 0x20, "ID" }, { 0x30, "LVR" }, { 0x80, "TPR" }, { 0x90, "ARBPRI" },
		{ 0xa0, "PROCPRI" }, { 0xb0, "EOI" }, { 0xc0, "RRR" }, { 0xd0, "LDR" },
		{ 0xe0, "DFR" }, { 0xf0, "SPIV" }, { 0x100, "ISR" }, { 0x170, "ISR" },
		{ 0x180, "TMR" }, { 0x1f0, "TMR" }, { 0x200, "IRR" }, { 0x270, "IRR" },
		{ 0x280, "ESR" }, { 0x300, "ICR" }, { 0x310, "ICR2" }, { 0x320, "LVTT" },
		{ 0x330, "LVTTHMR" }, { 0x340, "LVTPC" }, { 0x350, "LVT0" }, { 0x360, "LVT1" },
		{ 0x370, "LVTERR" }, { 0x380, "TMICT" }, { 0x390, "TMCCT" }, { 0x3e0, "TDCR" },
		{ 0x3f0, "SELF_IPI" },
	};
	struct kx_subkey sk, u, c1, c2;
	struct kx_event h[1];

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		is_str(kx_apic_reg_name(regs[i].off), regs[i].name, "APIC register name");
	ok(kx_apic_reg_name(0x3a0) == NULL, "0x3a0 is no register");
	ok(kx_apic_reg_name(0x10) == NULL, "0x10 is no register");

	h[0] = apic_ev(0x110, 0);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x110, 0), h, 1);
	is_str(raw(&sk), "APIC 0x110 ISR read", "ISR bank member keeps its offset");
	is_str(norm(&sk), "APIC ISR read", "ISR bank member normalised");
	h[0] = apic_ev(0x100, 0);
	u = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_ACCESS, 0x100, 0), h, 1);
	c1 = kx_subkey_canonical(&sk);
	c2 = kx_subkey_canonical(&u);
	is_u64(kx_subkey_pack(&c1), kx_subkey_pack(&c2), "canonical: ISR bank members meet");
	ok(kx_subkey_pack(&sk) != kx_subkey_pack(&u), "raw keys of bank members differ");

	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_EOI_INDUCED, 0x21, 0), NULL, 0);
	h[0] = msr_ev(0x80b, 1);
	u = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_MSR_WRITE, 0, 0), h, 1);
	c1 = kx_subkey_canonical(&sk);
	c2 = kx_subkey_canonical(&u);
	is_u64(kx_subkey_pack(&c1), kx_subkey_pack(&c2), "canonical: EOI vector meets EOI write");

	h[0] = apic_ev(0x3a0, 1);
	sk = run_exit(exit_ev(KX_ISA_VMX, KX_VMX_APIC_WRITE, 0x3a0, 0), h, 1);
	is_str(raw(&sk), "APIC 0x3a0 write", "unknown register: offset only");
	ok(norm(&sk) == NULL, "unknown register: no normalised name");

	/* pack/unpack round trip for every class; via is not part of the key */
	struct kx_subkey keys[] = {
		{ .cls = KX_SK_APIC, .id = 0x380, .access = KX_SKA_WRITE, .via = KX_SKV_MSR_EVENT },
		{ .cls = KX_SK_MSR, .id = 0xc0000080, .access = KX_SKA_READ },
		{ .cls = KX_SK_PIO, .id = 0xcf8, .access = KX_SKA_WRITE },
		{ .cls = KX_SK_MMIO, .id = 0xfffff0001000ull, .access = KX_SKA_READ },
		{ .cls = KX_SK_VECTOR, .id = 0xec, .access = KX_SKA_WRITE },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		u = kx_subkey_unpack(kx_subkey_pack(&keys[i]));
		ok(u.cls == keys[i].cls && u.id == keys[i].id && u.access == keys[i].access &&
		   u.via == KX_SKV_NONE, "pack/unpack round trip, class %u", keys[i].cls);
	}
	sk = (struct kx_subkey){ .cls = KX_SK_NONE, .id = 7, .access = KX_SKA_WRITE };
	is_u64(kx_subkey_pack(&sk), 0, "no key packs to 0");
	u = kx_subkey_unpack(kx_subkey_pack(&keys[0]));
	is_str(raw(&u), "APIC 0x380 TMICT write", "unpacked key has the generic APIC name");
	ok(kx_subkey_pack(&keys[2]) != kx_subkey_pack(&keys[4]), "classes do not collide");
}

int main(void)
{
	test_eoi_forms();
	test_vmx_exit_info();
	test_svm_exit_info();
	test_msr();
	test_mmio_pio();
	test_edges();
	test_timer_and_canonical();
	test_paths();
	test_priority();
	test_pack_names();
	return done_testing();
}
