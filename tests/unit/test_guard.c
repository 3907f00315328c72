// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for guard.c: steps that end their child however they end it
 * (a signal, abort(), an exit, a hang) are found, one by one; the steps
 * after one run again in a new child after every earlier safe step; the
 * damaged print fmts that crashed libtraceevent 1.7.1 (test_fmtcheck.c's)
 * are found unsafe when handed to tep_parse_event() directly, and this
 * process lives on.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "kx_guard.h"
#include "tap.h"

struct steps {
	int log;		/* each step started writes its index here */
	const char *fate;	/* per step: '.' returns, 's' SIGSEGV, 'a' abort, 'x' exit,
				 * 'h' hangs */
};

static void fated_step(unsigned i, void *ctx)
{
	struct steps *s = ctx;
	char c = (char)('0' + i);

	if (write(s->log, &c, 1) != 1)
		_exit(3);
	switch (s->fate[i]) {
	case 's':
		raise(SIGSEGV);
		break;
	case 'a':
		abort();
	case 'x':
		_exit(0);
	case 'h':
		for (;;)
			pause();
	}
}

static void test_fates(void)
{
	char path[] = "/tmp/kx-test-guard-XXXXXX", seen[64] = "";
	struct steps s = { .fate = ".s.a.x.h." };
	bool safe[9];
	ssize_t got;
	int ret;

	s.log = mkstemp(path);
	if (s.log < 0) {
		ok(0, "mkstemp");
		return;
	}
	unlink(path);
	ret = kx_guard_run(9, fated_step, &s, 300, safe);
	is_u64(ret, 0, "guard ran");
	for (unsigned i = 0; i < 9; i++)
		ok(safe[i] == (s.fate[i] == '.'), "step %u (%c) %s", i, s.fate[i],
		   safe[i] ? "safe" : "unsafe");
	got = pread(s.log, seen, sizeof(seen) - 1, 0);
	/* five children: each runs the earlier safe steps again, then the next unknown one */
	is_str(got > 0 ? seen : "", "01" "023" "0245" "02467" "02468",
	       "the order the children ran the steps in");
	close(s.log);
}

static void test_no_steps(void)
{
	bool safe[1] = { false };

	is_u64(kx_guard_run(0, fated_step, NULL, 300, safe), 0, "no steps: nothing to run");
}

#define HEAD "name: kvm_msr\nID: 99\nformat:\n" \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n" \
	"\tfield:unsigned write;\toffset:8;\tsize:4;\tsigned:0;\n" \
	"\tfield:u32 ecx;\toffset:12;\tsize:4;\tsigned:0;\n" \
	"\tfield:u64 data;\toffset:16;\tsize:8;\tsigned:0;\n" \
	"\tfield:u8 exception;\toffset:24;\tsize:1;\tsigned:0;\n\nprint fmt: "

static const char *const formats[] = {
	HEAD "\"msr_%s %x = 0x%llx%s\", REC->write ? \"write\" : \"read\", REC->ecx, "
	"REC->data, REC->exception ? \" (#GP)\" : \"\"\n",
	/* the six damaged print fmts of test_fmtcheck.c, which kx_format_plausible() refuses */
	HEAD "\"msr_%s%s\", REC->write ? \"write\" : \"read\", REC->exception ? \" (#GP)\" : "
	"\"\"=\n",
	HEAD "\"vcpu %u, rip 0x%lx\", R%C->ecx, REC->data\n",
	HEAD "\"reason %s\", REC->ecx < 0 ? \"error\" : _;print_symbolic(REC->write, "
	"{ 0, \"A\" })\n",
	HEAD "\"%d\", REC->ecx < 0 ? -REC->ecx : R4C->write\n",
	HEAD "\"vcpu %\t, rip 0x%lx\", REC->ecx, REC->data\n",
	HEAD "\"%s\", REC->ecx ? \"error\" : __print_symb=lic(REC->write, { 0, \"A\" })\n",
};

#define NR_FORMATS (sizeof(formats) / sizeof(*formats))

static void parse_step(unsigned i, void *ctx)
{
	tep_parse_event(ctx, formats[i], strlen(formats[i]), "kvm");
}

static void test_libtraceevent(void)
{
	struct tep_handle *tep = tep_alloc();
	bool safe[NR_FORMATS];

	if (!tep) {
		ok(0, "tep_alloc");
		return;
	}
	tep_set_long_size(tep, 8);
	is_u64(kx_guard_run(NR_FORMATS, parse_step, tep, 10000, safe), 0, "guard ran");
	ok(safe[0], "kvm_msr as Linux 6.18 writes it is safe");
	for (unsigned i = 1; i < NR_FORMATS; i++)
		ok(!safe[i], "damaged print fmt %u ends the child", i);
	is_u64(tep_parse_event(tep, formats[0], strlen(formats[0]), "kvm"), 0,
	       "this process parses the safe one after the guard");
	ok(tep_find_event_by_name(tep, "kvm", "kvm_msr") != NULL, "and finds its event");
	tep_free(tep);
}

int main(void)
{
	test_fates();
	test_no_steps();
	test_libtraceevent();
	return done_testing();
}
