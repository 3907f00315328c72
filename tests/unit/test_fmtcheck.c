// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for fmtcheck.c: print fmts as kernels write them pass
 * (Linux 6.18's kvm_msr and kvm_userspace_exit, kvmmmu's statement
 * expressions, xfs's "% 64", dma's "/ sizeof(u64)", casts, unary
 * operators); damaged ones that crashed libtraceevent 1.7.1 in fuzzed
 * copies of the fixtures do not, nor do others of their kind.
 */
#include <stdio.h>
#include <string.h>

#include "kx_fmtcheck.h"
#include "tap.h"

/* kvm_msr's format as Linux 6.18 writes it, up to its print fmt */
static const char head[] =
	"name: kvm_msr\nID: 99\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:unsigned write;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 ecx;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 data;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u8 exception;\toffset:24;\tsize:1;\tsigned:0;\n\n";

/* That format with @print_fmt as its print fmt line. */
static bool with_print_fmt(const char *print_fmt)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), "%sprint fmt: %s\n", head, print_fmt);

	return n > 0 && (size_t)n < sizeof(text) && kx_format_plausible(text, (size_t)n);
}

static const char *const good[] = {
	/* kvm_msr's own */
	"\"msr_%s %x = 0x%llx%s\", REC->write ? \"write\" : \"read\", REC->ecx, REC->data, "
	"REC->exception ? \" (#GP)\" : \"\"",
	/* kvm_userspace_exit's shape: nested ?:, __print_symbolic, adjacent strings */
	"\"reason %s (%d)\", REC->ecx < 0 ? (REC->ecx == -4 ? \"restart\" : \"error\") : "
	"__print_symbolic(REC->write, { 0, \"KVM_EXIT_\" \"UNKNOWN\" }, "
	"{ 1, \"KVM_EXIT_\" \"EXCEPTION\" }), REC->ecx",
	/* kvmmmu's: a statement expression, ';' inside its braces */
	"\"%s\", ({ const char *saved_ptr = trace_seq_buffer_ptr(p); static const char "
	"*access_str[] = { \"---\", \"--x\" }; union kvm_mmu_page_role role; "
	"role.word = REC->ecx; saved_ptr; })",
	/* xfs's "% 64", dma's "/ sizeof(u64)", a long constant */
	"\"%u %u %llu\", REC->ecx % 64, REC->data / sizeof(u64), REC->data / 1000L",
	/* casts and unary operators */
	"\"%lx %p %d %d %u\", (unsigned long)REC->data, (char *)REC->data, -REC->ecx, "
	"!REC->write, ~REC->ecx",
	/* conversions with flags, width, precision, length and "%%"; escapes */
	"\"%-8s %08llx %.*s %5.2d %zu %% %pS \\\"%c\\\"\\n\", \"a\", REC->data, 3, \"abc\", "
	"REC->ecx, REC->ecx, REC->data, REC->exception",
	/* '->' after a cast's ')' */
	"\"%u\", ((struct kvm_msr_entry *)REC->data)->index",
	/* an empty call, shifts, masks and comparisons */
	"\"%d %x %d\", smp_processor_id(), (REC->ecx >> 4) & 0xf, REC->data <= 1 || REC->write",
};

static const struct {
	const char *print_fmt, *what;
} bad[] = {
	/* damaged copies that crashed libtraceevent 1.7.1 */
	{ "\"msr_%s%s\", REC->write ? \"write\" : \"read\", REC->exception ? \" (#GP)\" : \"\"=",
	  "an operator with nothing after it (fuzzed kvm_msr: SIGSEGV)" },
	{ "\"vcpu %u, rip 0x%lx\", R%C->ecx, REC->data",
	  "a division by a word (fuzzed kvm_entry: SIGFPE)" },
	{ "\"reason %s\", REC->ecx < 0 ? \"error\" : _;print_symbolic(REC->write, { 0, \"A\" })",
	  "a ';' outside braces (fuzzed kvm_userspace_exit: SIGSEGV)" },
	{ "\"%d\", REC->ecx < 0 ? -REC->ecx : R4C->write",
	  "'->' after a word other than REC (fuzzed kvm_userspace_exit: SIGSEGV)" },
	{ "\"vcpu %\t, rip 0x%lx\", REC->ecx, REC->data",
	  "a conversion that ends in a tab (fuzzed kvm_entry: SIGFPE)" },
	{ "\"%s\", REC->ecx ? \"error\" : __print_symb=lic(REC->write, { 0, \"A\" })",
	  "an assignment outside braces (fuzzed kvm_userspace_exit: SIGSEGV)" },
	/* others of their kind */
	{ "\"vcpu %\", REC->ecx", "a format string that ends in '%'" },
	{ "REC->ecx, \"%u\"", "a print fmt that does not begin with its format string" },
	{ "\"%u\", REC->ecx / 0", "a division by 0" },
	{ "\"%u\", REC->ecx % 0x0", "a remainder of a division by 0x0" },
	{ "\"%s\", __print_symbolic(REC->ecx, { ^x20, \"A\" })", "an operator where an operand begins" },
	{ "\"%u\", REC->ecx 5", "two operands in a row" },
	{ "\"%u\", REC->ecx +", "an expression that ends in an operator" },
	{ "\"%u\", REC->ecx, , REC->data", "a ',' with nothing before it" },
	{ "\"%u\", (REC->ecx + )", "a ')' right after an operator" },
	/* the checks that were there before */
	{ "\"%u\", REC->ecz", "a field the format does not declare" },
	{ "\"%u\", (REC->ecx", "an unbalanced bracket" },
	{ "\"%u, REC->ecx", "an unterminated string" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		ok(with_print_fmt(good[i]), "passes: %.60s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ok(!with_print_fmt(bad[i].print_fmt), "refused: %s", bad[i].what);
	ok(!kx_format_plausible(head, sizeof(head) - 1), "refused: a format without a print fmt");
	return done_testing();
}
