// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for kvmdecode.c: a tep built from kvm format texts (a 6.x
 * kvm_exit with the VMX/SVM ternary, an old one without isa/vcpu_id and a
 * single SVM table), records laid out by hand from those formats, some
 * ending a page with nothing mapped after it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <event-parse.h>

#include "kx_kvmdecode.h"
#include "kx_tracedata.h"
#include "tap.h"

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

/* 6.x layout; the tables are cut down, and VMX 12 deliberately renamed to
 * show that the recording's own table wins over the built-in one. */
static const char exit_new[] =
	"name: kvm_exit\nID: 103\nformat:\n" COMMON
	"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long guest_rip;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u32 isa;\toffset:24;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 info1;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 info2;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\tfield:u32 intr_info;\toffset:48;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 error_code;\toffset:52;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned int vcpu_id;\toffset:56;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 requests;\toffset:64;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"vcpu %u reason %s%s%s rip 0x%lx info1 0x%016llx info2 0x%016llx\", "
	"REC->vcpu_id, (REC->isa == 1) ? __print_symbolic(REC->exit_reason & 0xffff, "
	"{ 0, \"EXCEPTION_NMI\" }, { 1, \"EXTERNAL_INTERRUPT\" }, { 12, \"HLT_FROM_FORMAT\" }, "
	"{ 33, \"INVALID_STATE\" }, { 48, \"EPT_VIOLATION\" }) : "
	"__print_symbolic(REC->exit_reason, { 0x078, \"hlt\" }, { 0x07c, \"msr\" }, "
	"{ 0x400, \"npf\" }, { -1, \"invalid_guest_state\" }), "
	"(REC->isa == 1 && REC->exit_reason & ~0xffff) ? \" \" : \"\", (REC->isa == 1) ? "
	"__print_flags(REC->exit_reason & ~0xffff, \" \", { 0x80000000, \"FAILED_VMENTRY\" }) "
	": \"\", "
	"REC->guest_rip, REC->info1, REC->info2\n";

static const char entry_new[] =
	"name: kvm_entry\nID: 115\nformat:\n" COMMON
	"\tfield:unsigned int vcpu_id;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long rip;\toffset:16;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"vcpu %u, rip 0x%lx\", REC->vcpu_id, REC->rip\n";

static const char pio[] =
	"name: kvm_pio\nID: 110\nformat:\n" COMMON
	"\tfield:unsigned int rw;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned int port;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned int size;\toffset:16;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned int count;\toffset:20;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned int val;\toffset:24;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"pio_%s at 0x%x size %d count %d val 0x%x\", REC->rw ? \"write\" : \"read\", "
	"REC->port, REC->size, REC->count, REC->val\n";

static const char msr[] =
	"name: kvm_msr\nID: 99\nformat:\n" COMMON
	"\tfield:unsigned write;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 ecx;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 data;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u8 exception;\toffset:24;\tsize:1;\tsigned:0;\n\n"
	"print fmt: \"msr_%s %x = 0x%llx\", REC->write ? \"write\" : \"read\", REC->ecx, "
	"REC->data\n";

static const char eoi[] =
	"name: kvm_eoi\nID: 94\nformat:\n" COMMON
	"\tfield:__u32 apicid;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:int vector;\toffset:12;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"apicid %x vector %d\", REC->apicid, REC->vector\n";

static const char fpu[] =
	"name: kvm_fpu\nID: 40\nformat:\n" COMMON
	"\tfield:u32 load;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"%s\", REC->load ? \"load\" : \"unload\"\n";

static const char sched[] =
	"name: sched_switch\nID: 300\nformat:\n" COMMON
	"\tfield:int prev_pid;\toffset:8;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"prev_pid=%d\", REC->prev_pid\n";

/* Older kernels: no isa, no vcpu_id, 4-byte fields; one (VMX) table. */
static const char exit_old[] =
	"name: kvm_exit\nID: 50\nformat:\n" COMMON
	"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long guest_rip;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 info1;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 info2;\toffset:32;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"reason %s rip 0x%lx info %llx %llx\", __print_symbolic(REC->exit_reason, "
	"{ 1, \"EXTERNAL_INTERRUPT\" }, { 12, \"HLT\" }, { 48, \"EPT_VIOLATION\" }), "
	"REC->guest_rip, REC->info1, REC->info2\n";

/* An SVM-only recording: one table, lowercase names. */
static const char exit_svm[] =
	"name: kvm_exit\nID: 51\nformat:\n" COMMON
	"\tfield:unsigned int exit_code;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned int exit_reason;\toffset:12;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"reason %s\", __print_symbolic(REC->exit_reason, { 0x078, \"hlt\" }, "
	"{ 0x07b, \"io\" }, { 0x07c, \"msr\" }, { 0x400, \"npf\" })\n";

static struct tep_handle *tep_with(const char *const *fmts, const char *const *systems,
				   bool big_endian)
{
	struct tep_handle *tep = tep_alloc();

	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	for (; *fmts; fmts++, systems++)
		if (tep_parse_event(tep, *fmts, strlen(*fmts), *systems))
			printf("# format did not parse\n");
	return tep;
}

static void put(unsigned char *r, unsigned off, unsigned size, uint64_t v, bool be)
{
	for (unsigned i = 0; i < size; i++)
		r[be ? off + size - 1 - i : off + i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *record(unsigned char *r, uint16_t type, int32_t pid, bool be)
{
	memset(r, 0, 80);
	put(r, 0, 2, type, be);
	put(r, 4, 4, (uint32_t)pid, be);
	return r;
}

/* The exit's reason, named as the readers name it (decoding defers it). */
static const char *reason(struct kx_kvmdecode *dec, struct kx_names *names,
			  const struct kx_event *ev)
{
	if (ev->u.exit.reason != KX_REASON_DEFERRED)
		return "(named while decoding)";
	return kx_names_get(names, kx_kvmdecode_reason(dec, ev->u.exit.isa, ev->u.exit.code));
}

/* How many events of format @name @dec has seen (0 if none). */
static uint64_t count_of(struct kx_kvmdecode *dec, const char *name)
{
	size_t nr;
	const struct kx_event_count *counts = kx_kvmdecode_event_counts(dec, &nr);

	for (size_t i = 0; i < nr; i++)
		if (strcmp(counts[i].name, name) == 0)
			return counts[i].count;
	return 0;
}

/* The guest mode of the kvm_exit record @r (@size bytes) with guest_rip @rip at offset 16. */
static uint8_t mode_at(struct kx_kvmdecode *dec, unsigned char *r, uint32_t size, uint64_t rip,
		       bool be)
{
	struct kx_event ev;

	put(r, 16, 8, rip, be);
	kx_kvmdecode_record(dec, r, size, size, &ev);
	return ev.u.exit.guest_mode;
}

static void test_new_format(bool be)
{
	static const char *const fmts[] = { exit_new, entry_new, pio, msr, eoi, fpu, sched, NULL };
	static const char *const sys[] = { "kvm", "kvm", "kvm", "kvm", "kvm", "kvm", "sched" };
	struct tep_handle *tep = tep_with(fmts, sys, be);
	struct kx_names *names = kx_names_new();
	const struct kx_event_count *counts;
	struct kx_kvmdecode *dec, *other;
	unsigned char r[80];
	struct kx_event ev;
	size_t nr;
	const char *e = be ? "BE" : "LE";

	/* kvm formats that did not parse, the second with an id above every other */
	static const struct kx_format_id unparsed[] = {
		{ (char *)"kvm_inj_virq", 150 }, { (char *)"kvm_inj_exception", 200 },
	};

	ok(kx_kvmdecode_new(tep, unparsed, 2, names, &dec) == 0, "%s: decoder", e);

	record(r, 103, 4242, be);
	put(r, 8, 4, 0x80000021, be);		/* FAILED_VMENTRY | INVALID_STATE */
	put(r, 16, 8, 0xffffffff81000000ull, be);
	put(r, 24, 4, 1, be);
	put(r, 32, 8, 0x1111, be);
	put(r, 40, 8, 0x2222, be);
	put(r, 48, 4, 0x80000b0e, be);
	put(r, 52, 4, 7, be);
	put(r, 56, 4, 3, be);
	ok(kx_kvmdecode_record(dec, r, 72, 72, &ev) == 1, "%s: kvm_exit decoded", e);
	is_u64(ev.kind, KX_EV_EXIT, "kind exit");
	is_u64(ev.tid, 4242, "tid from common_pid");
	is_u64((uint64_t)(int64_t)ev.pid, (uint64_t)-1, "pid unknown");
	is_u64(ev.vcpu, 3, "vcpu_id");
	is_u64(ev.u.exit.isa, KX_ISA_VMX, "isa VMX");
	is_u64(ev.u.exit.code, 33, "VMX code: low 16 bits");
	is_u64(ev.u.exit.flags, 0x80000000u, "VMX flags: upper bits");
	is_str(reason(dec, names, &ev), "INVALID_STATE", "name from the format table");
	ok(ev.u.exit.has_info && ev.u.exit.info1 == 0x1111 && ev.u.exit.info2 == 0x2222, "info1/2");
	ok(ev.key == 0 && ev.key_rank == 0, "INVALID_STATE names no sub-key");
	is_u64(ev.u.exit.guest_mode, KX_GUEST_KERNEL, "guest_rip 0xffffffff81000000: kernel");
	is_u64(mode_at(dec, r, 72, 0x7fffffffffffffffull, be), KX_GUEST_USER,
	       "guest_rip 2^63 - 1: user");
	is_u64(mode_at(dec, r, 72, 0x8000000000000000ull, be), KX_GUEST_KERNEL, "guest_rip 2^63: kernel");
	is_u64(mode_at(dec, r, 72, 0x401000, be), KX_GUEST_USER, "guest_rip 0x401000: user");

	put(r, 8, 4, 12, be);
	kx_kvmdecode_record(dec, r, 72, 72, &ev);
	is_str(reason(dec, names, &ev), "HLT_FROM_FORMAT", "the recording's table wins");
	put(r, 8, 4, 74, be);
	kx_kvmdecode_record(dec, r, 72, 72, &ev);
	is_str(reason(dec, names, &ev), "BUS_LOCK", "built-in table for codes the format lacks");
	put(r, 8, 4, 99, be);
	kx_kvmdecode_record(dec, r, 72, 72, &ev);
	is_str(reason(dec, names, &ev), "99", "unknown code named by its number");
	is_u64(ev.u.exit.code, 99, "unknown code kept");

	put(r, 24, 4, 2, be);			/* SVM */
	put(r, 8, 4, 0x7c, be);
	kx_kvmdecode_record(dec, r, 72, 72, &ev);
	ok(ev.u.exit.isa == KX_ISA_SVM && ev.u.exit.code == 0x7c && ev.u.exit.flags == 0,
	   "%s: SVM code is the whole value", e);
	is_str(reason(dec, names, &ev), "msr", "SVM name");
	put(r, 8, 4, 0xffffffff, be);
	kx_kvmdecode_record(dec, r, 72, 72, &ev);
	is_str(reason(dec, names, &ev), "invalid_guest_state", "SVM -1 from the format table");
	put(r, 8, 4, 0x80000010, be);
	kx_kvmdecode_record(dec, r, 72, 72, &ev);
	is_str(reason(dec, names, &ev), "vmgexit_page_state_change", "large SVM code, built-in name");
	put(r, 8, 4, 0x7c, be);
	kx_kvmdecode_record(dec, r, 72, 72, &ev);
	is_str(reason(dec, names, &ev), "msr", "cached name again");
	is_u64(kx_names_find(names, "msr") >= 0, 1, "names interned once");

	ok(kx_kvmdecode_record(dec, r, 40, 40, &ev) == 0, "%s: short kvm_exit skipped", e);
	is_u64(kx_kvmdecode_short(dec), 1, "short record counted");
	ok(kx_kvmdecode_record(dec, r, 2, 2, &ev) == 0 && kx_kvmdecode_short(dec) == 2,
	   "%s: a kvm_exit of its type alone: short", e);
	ok(strcmp(kx_names_get(names, kx_kvmdecode_reason(dec, KX_ISA_UNKNOWN, 12)),
		  "HLT_FROM_FORMAT") == 0 &&
	   strcmp(kx_names_get(names, kx_kvmdecode_reason(dec, (enum kx_isa)7, 12)),
		  "HLT_FROM_FORMAT") == 0, "%s: an exit of no known ISA is named as VMX", e);

	record(r, 115, 4242, be);
	put(r, 8, 4, 5, be);
	ok(kx_kvmdecode_record(dec, r, 24, 24, &ev) == 1 && ev.kind == KX_EV_ENTRY && ev.vcpu == 5 &&
	   ev.tid == 4242, "%s: kvm_entry", e);

	record(r, 110, 17, be);
	put(r, 8, 4, 1, be);
	put(r, 12, 4, 0x3f8, be);
	put(r, 16, 4, 1, be);
	put(r, 20, 4, 1, be);
	put(r, 24, 4, 0x41, be);
	ok(kx_kvmdecode_record(dec, r, 28, 28, &ev) == 1 && ev.kind == KX_EV_PIO &&
	   ev.u.pio.write == 1 && ev.u.pio.port == 0x3f8 && ev.u.pio.size == 1 &&
	   ev.u.pio.count == 1 && ev.u.pio.val == 0x41, "%s: kvm_pio", e);

	record(r, 99, 17, be);
	put(r, 8, 4, 1, be);
	put(r, 12, 4, 0x838, be);
	put(r, 16, 8, 0x12345678abull, be);
	put(r, 24, 1, 1, be);
	ok(kx_kvmdecode_record(dec, r, 32, 32, &ev) == 1 && ev.kind == KX_EV_MSR &&
	   ev.u.msr.write == 1 && ev.u.msr.index == 0x838 && ev.u.msr.data == 0x12345678abull &&
	   ev.u.msr.exception == 1, "%s: kvm_msr", e);

	record(r, 94, 17, be);
	put(r, 8, 4, 2, be);
	put(r, 12, 4, (uint32_t)-5, be);
	ok(kx_kvmdecode_record(dec, r, 16, 16, &ev) == 1 && ev.kind == KX_EV_EOI &&
	   ev.u.eoi.apicid == 2 && ev.u.eoi.vector == -5, "%s: kvm_eoi, signed vector", e);

	record(r, 40, 17, be);
	ok(kx_kvmdecode_record(dec, r, 12, 12, &ev) == 0, "%s: other kvm event: counted only", e);
	record(r, 200, 17, be);
	ok(kx_kvmdecode_record(dec, r, 12, 12, &ev) == 0, "%s: unparsed kvm event: counted only", e);
	record(r, 300, 17, be);
	ok(kx_kvmdecode_record(dec, r, 12, 12, &ev) == 0, "%s: non-kvm event ignored", e);
	record(r, 7, 17, be);
	ok(kx_kvmdecode_record(dec, r, 12, 12, &ev) == 0, "%s: unknown id ignored", e);
	record(r, 301, 17, be);
	ok(kx_kvmdecode_record(dec, r, 12, 12, &ev) == 0, "%s: an id past every format's ignored",
	   e);
	ok(kx_kvmdecode_record(dec, r, 1, 1, &ev) == 0, "%s: 1-byte record ignored", e);

	counts = kx_kvmdecode_event_counts(dec, &nr);
	is_u64(nr, 7, "seven kvm events seen");
	ok(nr && strcmp(counts[0].name, "kvm_entry") == 0, "sorted by name");
	is_u64(count_of(dec, "kvm_exit"), 13, "kvm_exit counted, short ones included");
	is_u64(count_of(dec, "kvm_inj_exception"), 1, "the unparsed format's event counted");

	/* a second reader's counts (a worker's, a slice's) added to the first's */
	ok(kx_kvmdecode_new(tep, unparsed, 2, names, &other) == 0, "%s: a second decoder", e);
	record(r, 103, 1, be);
	kx_kvmdecode_record(other, r, 72, 72, &ev);
	kx_kvmdecode_record(other, r, 3, 3, &ev);
	record(r, 200, 1, be);
	kx_kvmdecode_record(other, r, 12, 12, &ev);
	kx_kvmdecode_add_counts(dec, other);
	ok(count_of(dec, "kvm_exit") == 15 && count_of(dec, "kvm_inj_exception") == 2 &&
	   kx_kvmdecode_short(dec) == 3, "%s: counts added: 15 kvm_exit, 2 kvm_inj_exception, 3 short",
	   e);
	kx_kvmdecode_free(other);
	kx_kvmdecode_free(dec);
	kx_names_free(names);
	tep_free(tep);
}

static void test_old_format(void)
{
	static const char *const fmts[] = { exit_old, msr, NULL };
	static const char *const sys[] = { "kvm", "kvm" };
	struct tep_handle *tep = tep_with(fmts, sys, false);
	struct kx_names *names = kx_names_new();
	struct kx_kvmdecode *dec;
	unsigned char r[80];
	struct kx_event ev;

	ok(kx_kvmdecode_new(tep, NULL, 0, names, &dec) == 0, "old: decoder");
	record(r, 50, 9, false);
	put(r, 8, 4, 48, false);
	put(r, 24, 8, 0xd82, false);
	ok(kx_kvmdecode_record(dec, r, 40, 40, &ev) == 1, "old: decoded");
	is_u64(ev.u.exit.isa, KX_ISA_VMX, "old: ISA from the table that names the code");
	is_str(reason(dec, names, &ev), "EPT_VIOLATION", "old: VMX name");
	is_u64((uint64_t)(int64_t)ev.vcpu, (uint64_t)(int64_t)KX_VCPU_UNKNOWN, "old: no vcpu_id");
	ok(ev.u.exit.has_info && ev.u.exit.info1 == 0xd82, "old: info1");
	is_u64(ev.u.exit.guest_mode, KX_GUEST_USER, "old: guest_rip 0: user");
	is_u64(mode_at(dec, r, 40, 0xfffff80312345678ull, false), KX_GUEST_KERNEL,
	       "old: guest_rip in the upper half: kernel");
	put(r, 8, 4, 0x400, false);
	kx_kvmdecode_record(dec, r, 40, 40, &ev);
	ok(ev.u.exit.isa == KX_ISA_SVM && ev.u.exit.code == 0x400, "old: an SVM-only code is SVM");
	is_str(reason(dec, names, &ev), "npf", "old: SVM built-in name");
	put(r, 8, 4, 77777, false);
	kx_kvmdecode_record(dec, r, 40, 40, &ev);
	is_u64(ev.u.exit.isa, KX_ISA_VMX, "old: unknown code defaults to VMX");
	kx_kvmdecode_free(dec);
	kx_names_free(names);
	tep_free(tep);
}

/*
 * Tables whose names neither built-in table has (a kernel that renamed
 * them): which is VMX goes by print order, as in "(REC->isa == 1) ? VMX : SVM".
 * Code 2048, the first past the decoder's direct name cache, has a name
 * in each.
 */
static const char exit_renamed[] =
	"name: kvm_exit\nID: 103\nformat:\n" COMMON
	"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 isa;\toffset:12;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"reason %s\", (REC->isa == 1) ? __print_symbolic(REC->exit_reason, "
	"{ 1, \"VMX_ONE\" }, { 2, \"VMX_TWO\" }, { 2048, \"VMX_FAR\" }) : "
	"__print_symbolic(REC->exit_reason, { 1, \"SVM_ONE\" }, { 2, \"SVM_TWO\" }, "
	"{ 2048, \"SVM_FAR\" })\n";

/* A decoder over the one kvm format @fmt; the caller frees it, *@tep and *@names. */
static struct kx_kvmdecode *decoder_for(const char *fmt, struct tep_handle **tep,
					struct kx_names **names)
{
	const char *const fmts[] = { fmt, NULL };
	static const char *const sys[] = { "kvm" };
	struct kx_kvmdecode *dec;

	*tep = tep_with(fmts, sys, false);
	*names = kx_names_new();
	return kx_kvmdecode_new(*tep, NULL, 0, *names, &dec) ? NULL : dec;
}

static void test_renamed_tables(void)
{
	struct tep_handle *tep;
	struct kx_names *names;
	struct kx_kvmdecode *dec = decoder_for(exit_renamed, &tep, &names);
	unsigned char r[80];
	struct kx_event ev;
	bool read = dec != NULL;

	ok(dec != NULL, "renamed: decoder");
	record(r, 103, 9, false);
	put(r, 8, 4, 2, false);
	put(r, 12, 4, 1, false);
	read = read && kx_kvmdecode_record(dec, r, 16, 16, &ev) == 1;
	is_str(read ? reason(dec, names, &ev) : "", "VMX_TWO", "renamed: isa 1, the first table");
	put(r, 12, 4, 2, false);
	read = read && kx_kvmdecode_record(dec, r, 16, 16, &ev) == 1;
	is_str(read ? reason(dec, names, &ev) : "", "SVM_TWO", "renamed: isa 2, the second table");
	/* one code past the direct cache in both ISAs, each named twice */
	put(r, 8, 4, 2048, false);
	for (int i = 0; i < 4; i++) {
		const char *want = i % 2 ? "SVM_FAR" : "VMX_FAR";

		put(r, 12, 4, 1 + i % 2, false);
		read = read && kx_kvmdecode_record(dec, r, 16, 16, &ev) == 1;
		ok(read && ev.u.exit.code == 2048 && strcmp(reason(dec, names, &ev), want) == 0,
		   "renamed: code 2048, isa %d: %s", 1 + i % 2, want);
	}
	put(r, 12, 4, 0, false);	/* no isa: the first table that names the code */
	read = read && kx_kvmdecode_record(dec, r, 16, 16, &ev) == 1;
	ok(read && ev.u.exit.isa == KX_ISA_VMX && strcmp(reason(dec, names, &ev), "VMX_FAR") == 0,
	   "renamed: code 2048, no isa: VMX_FAR");
	kx_kvmdecode_free(dec);
	kx_names_free(names);
	tep_free(tep);
}

static void test_svm_table(void)
{
	struct tep_handle *tep;
	struct kx_names *names;
	struct kx_kvmdecode *dec = decoder_for(exit_svm, &tep, &names);
	unsigned char r[80];
	struct kx_event ev;

	ok(dec != NULL, "svm: decoder");
	record(r, 51, 9, false);
	put(r, 12, 4, 0x7b, false);
	ok(kx_kvmdecode_record(dec, r, 16, 16, &ev) == 1, "svm: decoded");
	ok(ev.u.exit.isa == KX_ISA_SVM && ev.u.exit.code == 0x7b,
	   "svm: single lowercase table is SVM");
	is_str(reason(dec, names, &ev), "io", "svm: name");
	ok(!ev.u.exit.has_info, "svm: no info fields");
	is_u64(ev.u.exit.guest_mode, KX_GUEST_MODE_UNKNOWN, "svm: no guest_rip field: mode unknown");
	kx_kvmdecode_free(dec);
	kx_names_free(names);
	tep_free(tep);
}

/* Odd widths and signs, to cover every mask and sign extension of the wide loads. */
static const char apic_odd[] =
	"name: kvm_apic\nID: 120\nformat:\n" COMMON
	"\tfield:signed char rw;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield:short reg;\toffset:10;\tsize:2;\tsigned:1;\n"
	"\tfield:u64 val;\toffset:12;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"apic_%s 0x%x = 0x%llx\", REC->rw ? \"write\" : \"read\", REC->reg, REC->val\n";
static const char mmio_odd[] =
	"name: kvm_mmio\nID: 121\nformat:\n" COMMON
	"\tfield:u8 type;\toffset:8;\tsize:1;\tsigned:0;\n"
	"\tfield:u16 len;\toffset:9;\tsize:2;\tsigned:0;\n"
	"\tfield:s64 gpa;\toffset:11;\tsize:8;\tsigned:1;\n"
	"\tfield:int val;\toffset:19;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"mmio %u len %u gpa 0x%llx val 0x%x\", REC->type, REC->len, REC->gpa, REC->val\n";
static const char uexit[] =
	"name: kvm_userspace_exit\nID: 122\nformat:\n" COMMON
	"\tfield:__u32 reason;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:int errno;\toffset:12;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"reason %u (%d)\", REC->reason, REC->errno\n";

/*
 * The one-load reading of little-endian records (8 bytes readable past the
 * last field) against the field-by-field reading of the same values written
 * big-endian: random field values, random bytes around the fields.
 */
/* @fmt with common_pid unsigned: no kind's own layout, so no fixed-size loads (malloc'ed). */
static char *unsigned_pid(const char *fmt)
{
	static const char from[] = "int common_pid;\toffset:4;\tsize:4;\tsigned:1;";
	static const char to[] = "unsigned int common_pid;\toffset:4;\tsize:4;\tsigned:0;";
	const char *at = strstr(fmt, from);
	char *out = malloc(strlen(fmt) + sizeof(to));

	memcpy(out, fmt, (size_t)(at - fmt));
	strcpy(out + (at - fmt), to);
	strcat(out, at + strlen(from));
	return out;
}

/*
 * The three ways of loading fields give the same events: fixed sizes (the
 * kinds' usual layouts, little-endian), masked 8-byte loads (the same
 * formats with an unsigned common_pid, and the odd layouts) and byte-wise
 * big-endian reads.
 */
static void test_wide_loads(void)
{
	static const char *const fmts[] = { exit_new, entry_new, pio, msr, eoi, apic_odd,
					    mmio_odd, uexit, NULL };
	static const char *const sys[] = { "kvm", "kvm", "kvm", "kvm", "kvm", "kvm", "kvm", "kvm" };
	char *wide_fmts[sizeof(fmts) / sizeof(fmts[0])] = { NULL };
	struct tep_handle *le = tep_with(fmts, sys, false), *be = tep_with(fmts, sys, true), *wide;
	struct kx_names *names_le = kx_names_new(), *names_be = kx_names_new();
	struct kx_names *names_wide = kx_names_new();
	struct kx_kvmdecode *dle, *dbe, *dwide;
	unsigned same = 0, same_wide = 0, decoded = 0, n = 0;

	for (unsigned i = 0; fmts[i]; i++)
		wide_fmts[i] = unsigned_pid(fmts[i]);
	wide = tep_with((const char *const *)wide_fmts, sys, false);
	ok(kx_kvmdecode_new(le, NULL, 0, names_le, &dle) == 0 &&
	   kx_kvmdecode_new(be, NULL, 0, names_be, &dbe) == 0 &&
	   kx_kvmdecode_new(wide, NULL, 0, names_wide, &dwide) == 0, "wide: decoders");
	srand(7);
	for (const char *const *f = fmts; *f; f++) {
		struct tep_event *tev = tep_find_event(le, atoi(strstr(*f, "ID: ") + 4));
		struct tep_format_field **fields = tep_event_fields(tev);
		struct tep_format_field **common = tep_event_common_fields(tev);

		for (int round = 0; round < 200; round++, n++) {
			unsigned char rle[96], rbe[96];
			struct kx_event evle, evbe, evwide;
			unsigned size = 0;
			int got_le, got_be, got_wide;

			for (unsigned i = 0; i < sizeof(rle); i++)
				rle[i] = rbe[i] = (unsigned char)rand();
			for (int pass = 0; pass < 2; pass++) {
				struct tep_format_field **list = pass ? fields : common;

				for (int i = 0; list && list[i]; i++) {
					uint64_t v = (uint64_t)rand() << 33 ^ (uint64_t)rand() << 11 ^
						     (uint64_t)rand();

					if (!strcmp(list[i]->name, "common_type"))
						v = (uint64_t)tev->id;
					else if (!strcmp(list[i]->name, "isa") && round % 4)
						v = 1 + round % 2;
					put(rle, list[i]->offset, list[i]->size, v, false);
					put(rbe, list[i]->offset, list[i]->size, v, true);
					if ((unsigned)(list[i]->offset + list[i]->size) > size)
						size = list[i]->offset + list[i]->size;
				}
			}
			memset(&evle, 0, sizeof(evle));
			memset(&evbe, 0, sizeof(evbe));
			memset(&evwide, 0, sizeof(evwide));
			got_le = kx_kvmdecode_record(dle, rle, size, sizeof(rle), &evle);
			got_be = kx_kvmdecode_record(dbe, rbe, size, size, &evbe);
			got_wide = kx_kvmdecode_record(dwide, rle, size, sizeof(rle), &evwide);
			decoded += got_le == 1;
			same += got_le == got_be && memcmp(&evle, &evbe, sizeof(evle)) == 0;
			same_wide += got_le == got_wide && memcmp(&evle, &evwide, sizeof(evle)) == 0;
		}
		free(fields);
		free(common);
	}
	is_u64(decoded, n, "wide: every record of every format decoded");
	is_u64(same, n, "wide: one-load fields equal the big-endian field reads");
	is_u64(same_wide, n, "wide: fixed-size loads equal the masked 8-byte loads");
	/* and the values themselves, of the kinds test_new_format has no format of */
	for (int big = 0; big < 2; big++) {
		struct kx_kvmdecode *dec = big ? dbe : dle;
		unsigned char r[80];
		struct kx_event ev;

		record(r, 120, 17, big);
		put(r, 8, 1, 1, big);
		put(r, 10, 2, 0x380, big);
		put(r, 12, 8, 0x1234567890ull, big);
		ok(kx_kvmdecode_record(dec, r, 20, 20, &ev) == 1 && ev.kind == KX_EV_APIC &&
		   ev.u.apic.write == 1 && ev.u.apic.reg == 0x380 && ev.u.apic.val == 0x1234567890ull,
		   "%s: kvm_apic rw, reg and val", big ? "BE" : "LE");
		record(r, 121, 17, big);
		put(r, 8, 1, 1, big);
		put(r, 9, 2, 4, big);
		put(r, 11, 8, 0xfebd1004ull, big);
		put(r, 19, 4, 0x11, big);
		ok(kx_kvmdecode_record(dec, r, 23, 23, &ev) == 1 && ev.kind == KX_EV_MMIO &&
		   ev.u.mmio.type == 1 && ev.u.mmio.len == 4 && ev.u.mmio.gpa == 0xfebd1004ull &&
		   ev.u.mmio.val == 0x11, "%s: kvm_mmio type, len, gpa and val", big ? "BE" : "LE");
		record(r, 122, 17, big);
		put(r, 8, 4, 2, big);
		put(r, 12, 4, (uint32_t)-4, big);
		ok(kx_kvmdecode_record(dec, r, 16, 16, &ev) == 1 && ev.kind == KX_EV_USERSPACE_EXIT &&
		   ev.u.uexit.reason == 2 && ev.u.uexit.err == -4,
		   "%s: kvm_userspace_exit reason and errno", big ? "BE" : "LE");
	}
	kx_kvmdecode_free(dle);
	kx_kvmdecode_free(dbe);
	kx_kvmdecode_free(dwide);
	kx_names_free(names_le);
	kx_names_free(names_be);
	kx_names_free(names_wide);
	tep_free(le);
	tep_free(be);
	tep_free(wide);
	for (unsigned i = 0; wide_fmts[i]; i++)
		free(wide_fmts[i]);
}

/* @len bytes of @r copied to end at @page_end: nothing is mapped after them. */
static const unsigned char *at_page_end(unsigned char *page_end, const unsigned char *r,
					unsigned len)
{
	return memcpy(page_end - len, r, len);
}

/*
 * A record is decoded only when it holds every field the decoder reads
 * (exit_new's vcpu_id ends at byte 60, before the unread `requests`; the
 * fields of kvm_pio are not in offset order, kvm_eoi's vector follows its
 * apicid with no gap), and no load reaches past the bytes said to be
 * readable: each record ends a page whose next page is unmapped, in the
 * fixed-size layouts and in the masked 8-byte ones (unsigned common_pid).
 */
static void test_record_bounds(void)
{
	static const char *const sys[] = { "kvm", "kvm", "kvm", "kvm" };
	const char *const fmts[] = { exit_new, entry_new, pio, eoi, NULL };
	char *const fmts_wide[] = { unsigned_pid(exit_new), unsigned_pid(entry_new),
				    unsigned_pid(pio), unsigned_pid(eoi), NULL };
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *end = map + page;

	ok(map != MAP_FAILED && mprotect(end, (size_t)page, PROT_NONE) == 0,
	   "bounds: a page with nothing mapped after it");
	for (int layout = 0; layout < 2 && map != MAP_FAILED; layout++) {
		const char *name = layout ? "masked loads" : "fixed loads";
		struct tep_handle *tep = tep_with(layout ? (const char *const *)fmts_wide : fmts,
						  sys, false);
		struct kx_names *names = kx_names_new();
		struct kx_kvmdecode *dec;
		unsigned char r[80];
		struct kx_event ev;

		kx_kvmdecode_new(tep, NULL, 0, names, &dec);
		record(r, 103, 4242, false);
		put(r, 8, 4, 12, false);
		put(r, 24, 4, 1, false);
		put(r, 40, 8, 0x2222, false);
		put(r, 56, 4, 3, false);
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 59), 59, 59, &ev) == 0 &&
		   kx_kvmdecode_short(dec) == 1, "bounds, %s: a kvm_exit one byte short of vcpu_id",
		   name);
		memset(&ev, 0, sizeof(ev));
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 60), 60, 60, &ev) == 1 &&
		   ev.vcpu == 3 && ev.u.exit.code == 12 && ev.u.exit.info2 == 0x2222,
		   "bounds, %s: a kvm_exit that ends with vcpu_id", name);

		record(r, 115, 4242, false);
		put(r, 8, 4, 5, false);
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 11), 11, 11, &ev) == 0 &&
		   kx_kvmdecode_short(dec) == 2, "bounds, %s: a kvm_entry one byte short", name);
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 12), 12, 12, &ev) == 1 &&
		   ev.kind == KX_EV_ENTRY && ev.vcpu == 5, "bounds, %s: a kvm_entry of 12 bytes",
		   name);

		record(r, 110, 4242, false);
		put(r, 12, 4, 0x3f8, false);
		put(r, 24, 4, 0x41, false);
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 27), 27, 27, &ev) == 0 &&
		   kx_kvmdecode_short(dec) == 3, "bounds, %s: a kvm_pio one byte short of val", name);
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 28), 28, 28, &ev) == 1 &&
		   ev.kind == KX_EV_PIO && ev.u.pio.port == 0x3f8 && ev.u.pio.val == 0x41,
		   "bounds, %s: a kvm_pio that ends with val", name);

		record(r, 94, 4242, false);
		put(r, 8, 4, 2, false);
		put(r, 12, 4, 0xec, false);
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 15), 15, 15, &ev) == 0 &&
		   kx_kvmdecode_short(dec) == 4, "bounds, %s: a kvm_eoi one byte short of vector",
		   name);
		ok(kx_kvmdecode_record(dec, at_page_end(end, r, 16), 16, 16, &ev) == 1 &&
		   ev.kind == KX_EV_EOI && ev.u.eoi.vector == 0xec, "bounds, %s: a kvm_eoi of 16 bytes",
		   name);
		kx_kvmdecode_free(dec);
		kx_names_free(names);
		tep_free(tep);
	}
	if (map != MAP_FAILED)
		munmap(map, 2 * (size_t)page);
	for (unsigned i = 0; fmts_wide[i]; i++)
		free(fmts_wide[i]);
}

int main(void)
{
	test_wide_loads();
	test_record_bounds();
	test_new_format(false);
	test_new_format(true);
	test_old_format();
	test_svm_table();
	test_renamed_tables();
	return done_testing();
}
