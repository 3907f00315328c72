/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_exitnames.h - built-in VMX and SVM exit-reason tables (names as the
 * kernel's VMX_EXIT_REASONS / SVM_EXIT_REASONS print them), used when a
 * recording's kvm_exit format carries no symbol table, to map text-input
 * names back to codes, and to classify idle exits.
 */
#ifndef KX_EXITNAMES_H
#define KX_EXITNAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "kx_event.h"

#define KX_VMX_REASON_MASK	0xffffu

/* VMX exit codes used by name in the code (Intel SDM appendix C). */
enum kx_vmx_exit {
	KX_VMX_EXTERNAL_INTERRUPT = 1,
	KX_VMX_HLT = 12,
	KX_VMX_IO_INSTRUCTION = 30,
	KX_VMX_MSR_READ = 31,
	KX_VMX_MSR_WRITE = 32,
	KX_VMX_MWAIT = 36,
	KX_VMX_APIC_ACCESS = 44,
	KX_VMX_EOI_INDUCED = 45,
	KX_VMX_EPT_VIOLATION = 48,
	KX_VMX_EPT_MISCONFIG = 49,
	KX_VMX_APIC_WRITE = 56,
};

/* SVM exit codes used by name in the code (AMD APM vol. 2 appendix C). */
enum kx_svm_exit {
	KX_SVM_HLT = 0x078,
	KX_SVM_IOIO = 0x07b,
	KX_SVM_MSR = 0x07c,
	KX_SVM_MWAIT = 0x08b,
	KX_SVM_IDLE_HALT = 0x0a6,
	KX_SVM_NPF = 0x400,
	KX_SVM_AVIC_INCOMPLETE_IPI = 0x401,
	KX_SVM_AVIC_UNACCELERATED_ACCESS = 0x402,
};

/** kx_exitname() - built-in name of @code for @isa, or NULL if unknown. */
const char *kx_exitname(enum kx_isa isa, uint32_t code);

/**
 * kx_exitcode() - code of the built-in @name; sets *@isa to the table that
 * has it. Return: true if found.
 */
bool kx_exitcode(const char *name, uint32_t *code, enum kx_isa *isa);

/** kx_exitname_is_idle() - HLT/MWAIT (VMX) or hlt/mwait/idle-halt (SVM). */
bool kx_exitname_is_idle(const char *name);

#endif /* KX_EXITNAMES_H */
