// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for exitnames.c: both tables, reverse lookup, idle names. */
#include "kx_exitnames.h"
#include "tap.h"

int main(void)
{
	uint32_t code;
	enum kx_isa isa;

	/* VMX codes from the Intel SDM appendix C; names as the kernel prints them */
	is_str(kx_exitname(KX_ISA_VMX, 0), "EXCEPTION_NMI", "VMX 0");
	is_str(kx_exitname(KX_ISA_VMX, KX_VMX_HLT), "HLT", "VMX 12");
	is_str(kx_exitname(KX_ISA_VMX, KX_VMX_IO_INSTRUCTION), "IO_INSTRUCTION", "VMX 30");
	is_str(kx_exitname(KX_ISA_VMX, KX_VMX_EPT_MISCONFIG), "EPT_MISCONFIG", "VMX 49");
	is_str(kx_exitname(KX_ISA_VMX, KX_VMX_APIC_WRITE), "APIC_WRITE", "VMX 56");
	is_str(kx_exitname(KX_ISA_VMX, 67), "UMWAIT", "VMX 67");
	is_str(kx_exitname(KX_ISA_VMX, 68), "TPAUSE", "VMX 68");
	is_str(kx_exitname(KX_ISA_VMX, 74), "BUS_LOCK", "VMX 74");
	is_str(kx_exitname(KX_ISA_VMX, 75), "NOTIFY", "VMX 75");
	is_str(kx_exitname(KX_ISA_VMX, 77), "TDCALL", "VMX 77");
	is_str(kx_exitname(KX_ISA_VMX, 84), "MSR_READ_IMM", "VMX 84");
	is_str(kx_exitname(KX_ISA_VMX, 85), "MSR_WRITE_IMM", "VMX 85");
	ok(kx_exitname(KX_ISA_VMX, 5) == NULL, "VMX 5 (IO SMI) has no kernel name");
	ok(kx_exitname(KX_ISA_VMX, 86) == NULL, "VMX 86 unknown");
	ok(kx_exitname(KX_ISA_UNKNOWN, 12) == NULL, "no table for an unknown ISA");

	/* SVM codes from the AMD APM vol. 2 appendix C */
	is_str(kx_exitname(KX_ISA_SVM, 0), "read_cr0", "SVM 0x000");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_HLT), "hlt", "SVM 0x078");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_IOIO), "io", "SVM 0x07b");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_MSR), "msr", "SVM 0x07c");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_MWAIT), "mwait", "SVM 0x08b");
	is_str(kx_exitname(KX_ISA_SVM, 0x08c), "mwait_cond", "SVM 0x08c");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_IDLE_HALT), "idle-halt", "SVM 0x0a6");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_NPF), "npf", "SVM 0x400");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_AVIC_INCOMPLETE_IPI), "avic_incomplete_ipi",
	       "SVM 0x401");
	is_str(kx_exitname(KX_ISA_SVM, KX_SVM_AVIC_UNACCELERATED_ACCESS),
	       "avic_unaccelerated_access", "SVM 0x402");
	is_str(kx_exitname(KX_ISA_SVM, 0x80000001u), "vmgexit_mmio_read", "SVM vmgexit code");
	ok(kx_exitname(KX_ISA_SVM, 0x0a7) == NULL, "SVM 0x0a7 unknown");

	ok(kx_exitcode("EPT_VIOLATION", &code, &isa) && code == KX_VMX_EPT_VIOLATION &&
	   isa == KX_ISA_VMX, "EPT_VIOLATION -> VMX 48");
	ok(kx_exitcode("npf", &code, &isa) && code == KX_SVM_NPF && isa == KX_ISA_SVM,
	   "npf -> SVM 0x400");
	ok(!kx_exitcode("hlt_ish", &code, &isa), "unknown name");
	ok(!kx_exitcode("Hlt", &code, &isa), "names are case-sensitive");

	ok(kx_exitname_is_idle("HLT") && kx_exitname_is_idle("MWAIT_INSTRUCTION"), "VMX idle");
	ok(kx_exitname_is_idle("hlt") && kx_exitname_is_idle("mwait") &&
	   kx_exitname_is_idle("mwait_cond") && kx_exitname_is_idle("idle-halt"), "SVM idle");
	ok(!kx_exitname_is_idle("PAUSE_INSTRUCTION") && !kx_exitname_is_idle("EPT_VIOLATION") &&
	   !kx_exitname_is_idle("monitor"), "busy exits are not idle");
	return done_testing();
}
