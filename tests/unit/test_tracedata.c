// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_tracedata.c - the tracing-data blocks of tracedata.c, from blocks
 * built here: with a list of decoded events only those kvm formats are
 * parsed, the other kvm formats are named for counting (a damaged one is
 * unreadable) and other systems are skipped; without a list every format is
 * parsed. Unreadable formats are named, once each. The texts parsed are
 * kept, and a tracedata trusting them parses the same texts without a
 * guard's child process. Saved cmdlines are parsed on the first comm asked for.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <event-parse.h>

#include "kx_kvmdecode.h"
#include "kx_tracedata.h"
#include "tap.h"

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

static const char entry[] =
	"name: kvm_entry\nID: 115\nformat:\n" COMMON
	"\tfield:unsigned int vcpu_id;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"vcpu %u\", REC->vcpu_id\n";

static const char fpu[] =
	"name: kvm_fpu\nID: 40\nformat:\n" COMMON
	"\tfield:u32 load;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"%s\", REC->load ? \"load\" : \"unload\"\n";

/* a kvm format whose ID line is not a number */
static const char bad_id[] =
	"name: kvm_cpuid\nID: 4x\nformat:\n" COMMON
	"\tfield:u32 function;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"func %x\", REC->function\n";

static const char sched[] =
	"name: sched_switch\nID: 300\nformat:\n" COMMON
	"\tfield:int prev_pid;\toffset:8;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"prev_pid=%d\", REC->prev_pid\n";

struct block {
	unsigned char buf[8192];
	size_t len;
};

static void put(struct block *b, const void *p, size_t n)
{
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void put32(struct block *b, uint32_t v)
{
	put(b, &v, 4);
}

static void put_format(struct block *b, const char *text)
{
	uint64_t size = strlen(text);

	put(b, &size, 8);
	put(b, text, size);
}

/* The event-formats block: system "kvm" with three formats, "sched" with one. */
static void event_formats(struct block *b)
{
	b->len = 0;
	put32(b, 2);
	put(b, "kvm", 4);
	put32(b, 3);
	put_format(b, entry);
	put_format(b, fpu);
	put_format(b, bad_id);
	put(b, "sched", 6);
	put32(b, 1);
	put_format(b, sched);
}

static struct tep_event *find(struct kx_tracedata *td, const char *sys, const char *name)
{
	return tep_find_event_by_name(td->tep, sys, name);
}

/* @td opened with @decoded (NULL: every format), the event-formats block read into it. */
static void read_formats(struct kx_tracedata *td, const char *const *decoded, const char *what)
{
	struct kx_diag diag;
	struct kx_cursor c;
	struct block b;

	event_formats(&b);
	ok(kx_tracedata_init(td, false, 8, 4096, decoded) == 0, "%s: init", what);
	kx_cursor_init(&c, b.buf, b.len, false);
	ok(kx_tracedata_event_formats(td, &c, &diag) == 0, "%s: block read", what);
	ok(c.pos == b.len, "%s: the whole block consumed (%zu of %zu bytes)", what, c.pos, b.len);
}

static void test_decoded_only(void)
{
	struct kx_tracedata td;

	read_formats(&td, kx_kvmdecode_events, "decoded only");
	ok(find(&td, "kvm", "kvm_entry") != NULL, "kvm_entry, decoded, parsed");
	ok(find(&td, "kvm", "kvm_fpu") == NULL, "kvm_fpu not parsed");
	ok(find(&td, "sched", "sched_switch") == NULL, "sched_switch not parsed");
	is_u64(td.nr_counted, 1, "kvm_fpu named for counting, nothing else");
	ok(td.nr_counted == 1 && strcmp(td.counted[0].name, "kvm_fpu") == 0 &&
	   td.counted[0].id == 40, "kvm_fpu: its name and id");
	ok(td.nr_unreadable == 1 && strcmp(td.unreadable[0], "kvm_cpuid") == 0,
	   "the kvm format with a broken ID line is named unreadable");
	kx_tracedata_fini(&td);
}

/* kvm_entry's format with @name and a print fmt naming a field it lacks */
#define DAMAGED(name) "name: " name "\nID: 116\nformat:\n" COMMON \
	"\tfield:unsigned int vcpu_id;\toffset:8;\tsize:4;\tsigned:0;\n\n" \
	"print fmt: \"vcpu %u\", REC->vcpu_iP\n"

static void test_unreadable_named(void)
{
	static const char *const formats[] = {
		entry, DAMAGED("kvm_exit"), bad_id, DAMAGED("kvm_exit"),
		"nam: kvm_msr\nID: 99\nformat:\n" COMMON "print fmt: \"x\"\n",
		DAMAGED("kvm_\001pio"),
		/* passes kx_format_plausible(), tep_parse_event() fails on it */
		"name: kvm_mmio\nformat:\n" COMMON "print fmt: \"x\"\n",
	};
	static const char *const want[] = {
		"kvm_exit", "kvm_cpuid", "(no name)", "kvm_?pio", "kvm_mmio",
	};
	struct kx_tracedata td;
	struct kx_diag diag;
	struct kx_cursor c;
	struct block b = { .len = 0 };
	bool named = true;

	put32(&b, 1);
	put(&b, "kvm", 4);
	put32(&b, sizeof(formats) / sizeof(*formats));
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		put_format(&b, formats[i]);
	kx_tracedata_init(&td, false, 8, 4096, kx_kvmdecode_events);
	kx_cursor_init(&c, b.buf, b.len, false);
	is_u64(kx_tracedata_event_formats(&td, &c, &diag), 0, "unreadable: block read");
	ok(find(&td, "kvm", "kvm_entry") != NULL, "unreadable: kvm_entry parsed");
	ok(find(&td, "kvm", "kvm_exit") == NULL, "unreadable: the damaged kvm_exit not parsed");
	is_u64(td.nr_unreadable, 5, "unreadable: five names, the repeated one once");
	for (size_t i = 0; i < td.nr_unreadable && i < 5; i++)
		named &= strcmp(td.unreadable[i], want[i]) == 0;
	ok(named, "unreadable: in file order, the one libtraceevent refused last; no name "
	   "and bytes that do not print said so");
	kx_tracedata_fini(&td);
}

static void test_every_format(void)
{
	struct kx_tracedata td;

	read_formats(&td, NULL, "every format");
	ok(find(&td, "kvm", "kvm_fpu") && find(&td, "sched", "sched_switch") &&
	   find(&td, "kvm", "kvm_entry"), "every format parsed");
	is_u64(td.nr_counted, 0, "none only counted");
	kx_tracedata_fini(&td);
}

/* Page faults of the reaped child processes so far: each guard's child adds some. */
static long children_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return ru.ru_minflt;
}

/* @td trusting @memo, the event-formats block read into it: whether a child ran. */
static bool read_guarded(struct kx_tracedata *td, const struct kx_format_memo *memo,
			 const char *kvm_entry_format)
{
	struct kx_diag diag;
	struct kx_cursor c;
	struct block b = { .len = 0 };
	long before = children_faults();

	put32(&b, 1);
	put(&b, "kvm", 4);
	put32(&b, 2);
	put_format(&b, kvm_entry_format);
	put_format(&b, fpu);
	kx_tracedata_init(td, false, 8, 4096, kx_kvmdecode_events);
	kx_tracedata_trust(td, memo);
	kx_cursor_init(&c, b.buf, b.len, false);
	ok(kx_tracedata_event_formats(td, &c, &diag) == 0 && find(td, "kvm", "kvm_entry"),
	   "memo: block read, kvm_entry parsed");
	return children_faults() > before;
}

static void test_memo(void)
{
	static const char other_entry[] =
		"name: kvm_entry\nID: 115\nformat:\n" COMMON
		"\tfield:unsigned int vcpu_id;\toffset:8;\tsize:4;\tsigned:0;\n\n"
		"print fmt: \"vcpu %d\", REC->vcpu_id\n";
	struct kx_tracedata first, again, changed;

	ok(read_guarded(&first, NULL, entry), "memo: with nothing trusted, a child parses first");
	ok(first.parsed.nr == 1 && first.parsed.texts[0].size == strlen(entry) &&
	   !memcmp(first.parsed.texts[0].text, entry, strlen(entry)),
	   "memo: kvm_entry's text is kept (kvm_fpu, only counted, is not)");
	ok(!read_guarded(&again, &first.parsed, entry),
	   "memo: the same texts again: no child");
	ok(read_guarded(&changed, &first.parsed, other_entry),
	   "memo: a text the memo does not hold: a child parses first");
	kx_tracedata_fini(&changed);
	kx_tracedata_fini(&again);
	kx_tracedata_fini(&first);
}

static void test_lazy_cmdlines(void)
{
	static const char text[] = "4001 CPU 0/KVM\n4002 CPU 1/KVM\n";
	struct kx_tracedata td;
	struct kx_diag diag;
	struct kx_cursor c;
	struct block b = { .len = 0 };
	uint64_t size = sizeof(text) - 1;
	const char *comm;

	put(&b, &size, 8);
	put(&b, text, size);
	kx_tracedata_init(&td, false, 8, 4096, kx_kvmdecode_events);
	kx_cursor_init(&c, b.buf, b.len, false);
	is_u64(kx_tracedata_cmdlines(&td, &c, &diag), 0, "cmdlines: block read");
	ok(td.cmdlines != NULL && !tep_is_pid_registered(td.tep, 4001),
	   "cmdlines kept as text, not parsed at open");
	comm = kx_tracedata_comm(&td, 4002);
	ok(comm && strcmp(comm, "CPU 1/KVM") == 0, "the first comm asked for parses them");
	ok(td.cmdlines == NULL, "the text is freed once parsed");
	comm = kx_tracedata_comm(&td, 4001);
	ok(comm && strcmp(comm, "CPU 0/KVM") == 0, "later comms from the parsed table");
	ok(kx_tracedata_comm(&td, 5) == NULL, "an unknown thread has none");
	kx_tracedata_fini(&td);
}

int main(void)
{
	test_decoded_only();
	test_every_format();
	test_unreadable_named();
	test_memo();
	test_lazy_cmdlines();
	return done_testing();
}
