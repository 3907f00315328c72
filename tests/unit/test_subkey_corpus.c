// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_subkey_corpus.c - sub-keys of real kernel helper events: in the
 * emulated corpus every xAPIC access is a kvm_mmio in the APIC page followed
 * by the kernel's own kvm_apic (register decoded by the kernel), and every
 * x2APIC access a kvm_apic followed (after kvm_eoi) by its kvm_msr. The key from the gpa or
 * the MSR index must be the key from kvm_apic, and the guest's 300 timer
 * cycles must show as 300 EOI and 300 TMICT writes in both modes.
 */
#include <string.h>

#include "kx_exitnames.h"
#include "kx_source.h"
#include "kx_subkey.h"
#include "source_events.h"
#include "tap.h"

struct tally {
	unsigned pairs;
	unsigned mismatches;
	unsigned eoi;
	unsigned tmict;
	char eoi_raw[64];
};

/* The key one helper event gives on its own, in an exit of reason @code. */
static struct kx_subkey alone(const struct kx_event *helper, uint32_t code)
{
	struct kx_event ex = { .kind = KX_EV_EXIT, .tid = helper->tid };
	struct kx_subkey_acc acc;

	ex.u.exit.isa = KX_ISA_VMX;
	ex.u.exit.code = code;
	kx_subkey_begin(&acc, &ex);
	kx_subkey_helper(&acc, helper);
	return kx_subkey_end(&acc);
}

/* The key both events give together, in trace order. */
static struct kx_subkey both(const struct kx_event *a, const struct kx_event *b, uint32_t code)
{
	struct kx_event ex = { .kind = KX_EV_EXIT, .tid = a->tid };
	struct kx_subkey_acc acc;

	ex.u.exit.isa = KX_ISA_VMX;
	ex.u.exit.code = code;
	kx_subkey_begin(&acc, &ex);
	kx_subkey_helper(&acc, a);
	kx_subkey_helper(&acc, b);
	return kx_subkey_end(&acc);
}

static void count(struct tally *t, const struct kx_event *first, const struct kx_event *apic,
		  uint32_t code)
{
	struct kx_subkey from_first = alone(first, code), from_apic = alone(apic, code);
	struct kx_subkey sk = both(first, apic, code);
	char norm[64];

	t->pairs++;
	if (kx_subkey_pack(&from_first) != kx_subkey_pack(&from_apic) ||
	    kx_subkey_pack(&sk) != kx_subkey_pack(&from_apic))
		t->mismatches++;
	if (!kx_subkey_normalized(&sk, norm, sizeof(norm)))
		return;
	if (strcmp(norm, "APIC EOI write") == 0) {
		t->eoi++;
		kx_subkey_name(&sk, t->eoi_raw, sizeof(t->eoi_raw));
	} else if (strcmp(norm, "APIC TMICT write") == 0) {
		t->tmict++;
	}
}

/* Return: 0, or -1 when the file cannot be read (test skipped). */
static int scan(const char *path, bool x2apic, struct tally *t)
{
	struct kx_source_opts opts = { 0 };
	struct kx_diag diag = { "" };
	struct kx_event ev = { 0 }, prev = { 0 };
	struct kx_source *src;
	int ret;

	memset(t, 0, sizeof(*t));
	if (kx_source_open(path, &opts, &src, &diag) < 0)
		return -1;
	struct source_events se = { .src = src };
	while ((ret = next_event(&se, &ev, &diag)) > 0) {
		/*
		 * Readers deliver the key each helper names on its own, not the
		 * gpa or index it came from: an APIC key on a kvm_mmio or kvm_msr
		 * is the APIC page or an x2APIC MSR.
		 */
		if (!x2apic && ev.kind == KX_EV_APIC && prev.kind == KX_EV_MMIO &&
		    prev.tid == ev.tid && kx_subkey_unpack(prev.key).cls == KX_SK_APIC)
			count(t, &prev, &ev, KX_VMX_EPT_MISCONFIG);
		if (x2apic && ev.kind == KX_EV_MSR && prev.kind == KX_EV_APIC &&
		    prev.tid == ev.tid && kx_subkey_unpack(ev.key).cls == KX_SK_APIC)
			count(t, &ev, &prev, KX_VMX_MSR_WRITE);
		/* kvm_eoi comes between x2APIC's kvm_apic and kvm_msr; it names no key */
		if (ev.kind == KX_EV_APIC || ev.kind == KX_EV_MSR || ev.kind == KX_EV_MMIO ||
		    ev.kind == KX_EV_PIO)
			prev = ev;
	}
	kx_source_close(src);
	return ret < 0 ? -1 : 0;
}

int main(void)
{
	static const char *const xapic = "../shared/corpus/emulated/xapic.v7-zstd.dat";
	static const char *const x2apic = "../shared/corpus/emulated/x2apic.v7-zstd.dat";
	struct tally x, x2;

	if (scan(xapic, false, &x) < 0 || scan(x2apic, true, &x2) < 0) {
		printf("ok 1 - emulated corpus # SKIP not readable\n");
		tap_run++;
		return done_testing();
	}
	ok(x.pairs >= 600, "xAPIC: kvm_mmio + kvm_apic pairs found (%u)", x.pairs);
	is_u64(x.mismatches, 0, "xAPIC: the gpa gives the register kvm_apic names");
	is_u64(x.eoi, 300, "xAPIC: 300 EOI writes");
	is_u64(x.tmict, 300, "xAPIC: 300 TMICT writes");
	is_str(x.eoi_raw, "MMIO 0xfee000b0 EOI write", "xAPIC: raw name shows the gpa");
	ok(x2.pairs >= 600, "x2APIC: kvm_apic + kvm_msr pairs found (%u)", x2.pairs);
	is_u64(x2.mismatches, 0, "x2APIC: the MSR index gives the register kvm_apic names");
	is_u64(x2.eoi, 300, "x2APIC: 300 EOI writes");
	is_u64(x2.tmict, 300, "x2APIC: 300 TMICT writes");
	is_str(x2.eoi_raw, "x2APIC MSR 0x80b EOI write", "x2APIC: raw name shows the MSR");
	return done_testing();
}
