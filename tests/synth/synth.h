/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * synth.h - internal types of kx-synth, the fixture synthesizer: the format
 * set, the parsed scenario, the simulated events and the output writers.
 * kx-synth is the test oracle of kvmexit-stat and deliberately shares no
 * code or header with it.
 */
#ifndef KX_SYNTH_H
#define KX_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SY_PAGE_SIZE	4096		/* the system's page; trace.dat sub-buffers by default */
#define SY_MAX_SUBBUF	(1u << 20)
#define SY_MAX_CPUS	1024
#define SY_MAX_BUFS	4
#define SY_MAX_THREADS	1024
#define SY_MAX_FIELDS	24
#define SY_MAX_VALS	6
#define SY_MAX_HELPERS	4
#define SY_REC_MAX	128	/* bytes of the largest record (sy_event_fmt.tmpl) */

/* The events kx-synth writes, in the order they are stored in the file. */
enum sy_kind {
	SY_EXIT, SY_ENTRY, SY_APIC, SY_MSR, SY_MMIO, SY_PIO, SY_USEREXIT, SY_EOI,
	SY_NKINDS,
	SY_LOST = SY_NKINDS,	/* not an event: a missed-events marker */
};

struct sy_field {
	char name[40];
	uint16_t off, size;
};

struct sy_symbol {
	int64_t code;
	char name[40];
};

struct sy_event_fmt {
	const char *name;
	int id;
	char *text;
	size_t text_len;
	size_t rec_size;			/* bytes of the record */
	int nfields;
	struct sy_field fields[SY_MAX_FIELDS];
	int val_off[SY_MAX_VALS];		/* offset of each value slot, -1 if absent */
	int val_size[SY_MAX_VALS];
	int slot[SY_MAX_VALS], nslots;		/* the slots present in this format */
	uint8_t tmpl[SY_REC_MAX];		/* record with common_type filled in */
};

struct sy_formats {
	char *header_page, *header_event;
	size_t hp_len, he_len;
	struct sy_event_fmt ev[SY_NKINDS];
	struct sy_symbol *vmx, *svm;		/* kvm_exit print fmt symbol tables */
	int nvmx, nsvm;
	char set[16];				/* "linux-6.18" */
	char release[64];			/* uname -r used in UNAME/OSRELEASE */
};

int sy_formats_load(struct sy_formats *f, const char *dir, const char *set);
void sy_formats_free(struct sy_formats *f);
/* Encode one event record into @out (size f->ev[kind].rec_size). */
void sy_record(const struct sy_formats *f, int kind, uint32_t pid, const uint64_t *vals,
	       uint8_t *out);

/* ---- scenario ---- */

enum sy_dur_kind { SY_D_FIXED, SY_D_UNIFORM, SY_D_LOGNORMAL };
struct sy_dur {
	int kind;
	double a, b;			/* fixed: a ns; uniform: [a,b] ns; lognormal: median a ns, sigma b */
	uint64_t fixed_ns;		/* a, rounded (fixed durations) */
};

/* Records one exit statement writes, in sy_exit_spec.rec */
enum { SY_REC_EXIT, SY_REC_HELPER, SY_REC_USER = SY_REC_HELPER + SY_MAX_HELPERS, SY_REC_ENTRY,
       SY_REC_SLOTS };

/* What one exit statement emits; computed once at parse time. */
struct sy_exit_spec {
	const char *reason;		/* print-fmt name (points into the format set) */
	uint32_t code;
	bool idle;
	bool timer;			/* writes APIC TMICT or TSC_DEADLINE */
	char normalized[40];		/* "APIC EOI write", "" if none */
	int nhelpers;
	int hkind[SY_MAX_HELPERS];	/* helper event kinds in emission order */
	uint64_t hval[SY_MAX_HELPERS][SY_MAX_VALS];
	bool user;			/* kvm_userspace_exit before the entry */
	uint32_t user_reason;
	struct sy_dur kdur, udur;	/* kernel part, userspace part (udur only if user) */
	uint64_t info1, info2, rip;
	uint64_t lost;			/* missed-events marker inside the exit (0: none) */
	bool unfinished;		/* no kvm_entry: the recording ends inside this exit */
	/*
	 * Filled once the whole scenario is parsed: the values of the statement's
	 * kvm_exit, kvm_userspace_exit and kvm_entry, and the trace.dat records
	 * (common_pid = the thread) of all its events, so that simulating the
	 * statement only stores pointers and writing an event is one copy.
	 */
	uint64_t exit_v[SY_MAX_VALS], user_v[SY_MAX_VALS], entry_v[SY_MAX_VALS];
	uint8_t rec[SY_REC_SLOTS][SY_REC_MAX];
};

enum sy_op { SY_OP_GUEST, SY_OP_EXIT, SY_OP_ENTRY, SY_OP_MIGRATE, SY_OP_LOST, SY_OP_REPEAT,
	     SY_OP_CHOOSE, SY_OP_BLOCK };

struct sy_node {
	int op;
	struct sy_node *next;		/* next statement in the same block */
	struct sy_node *child;		/* body of repeat/choose/block */
	uint64_t count;			/* repeat count, lost count, migrate/lost cpu in arg */
	uint32_t arg;
	uint32_t weight;		/* as an alternative of choose */
	struct sy_dur dur;
	struct sy_exit_spec *ex;
};

struct sy_thread {
	uint32_t tid, vm, vcpu, cpu0, buf;
	char comm[32];
	uint64_t start_ns;
	struct sy_node *body;
};

enum sy_out {
	SY_OUT_V6, SY_OUT_V7_NONE, SY_OUT_V7_ZLIB, SY_OUT_V7_ZSTD, SY_OUT_PERF, SY_OUT_PERF_PIPE,
	SY_NOUTS
};

struct sy_scenario {
	char kernel[16];
	int isa;			/* 1 vmx, 2 svm */
	bool tsc;
	uint32_t tsc_khz, mult, shift;
	bool tsc2nsec;
	char date_opt[32];		/* DATE option text ("" = none) */
	char offset_opt[32];		/* OFFSET option text ("" = none) */
	uint32_t ncpus;
	uint32_t nbufs;			/* buffer 0 is the top buffer "" */
	char bufname[SY_MAX_BUFS][32];
	bool outputs[SY_NOUTS];
	uint64_t seed;
	uint64_t start_ns;
	uint64_t perf_stagger_ns;	/* perf.data: CPUs read this far apart in a round, 0 = at once */
	uint32_t subbuf_size;		/* trace.dat ring-buffer sub-buffer ("page") bytes */
	uint32_t nthreads;
	struct sy_thread th[SY_MAX_THREADS];
	void **allocs;			/* everything the parser allocated, for freeing */
	size_t nallocs, cap;
};

int sy_scenario_parse(struct sy_scenario *sc, const char *path, struct sy_formats *fmts,
		      const char *fmtdir, char *err, size_t errlen);
void sy_scenario_free(struct sy_scenario *sc);
extern const char *const sy_out_names[SY_NOUTS];
extern const char *const sy_out_ext[SY_NOUTS];

/* ---- simulation ---- */

struct sy_ev {
	uint64_t ts;			/* clock units of the trace (ns or TSC cycles) */
	uint64_t ns;			/* as trace-cmd converts it */
	const uint64_t *v;		/* the values, in the slots of the kind (see formats.c) */
	const uint8_t *rec;		/* the encoded record, or NULL: sy_record() of @v */
	const struct sy_exit_spec *ex;	/* SY_EXIT only */
	const struct sy_thread *th;
	uint32_t tid, pid, cpu, buf;
	int kind;
	uint64_t own_v[SY_MAX_VALS];	/* @v of events no statement holds (lone entry, lost) */
};

struct sy_sim;
struct sy_sim *sy_sim_new(const struct sy_scenario *sc);
/*
 * The next events in global time order: *@first and the count returned follow
 * one another in memory; valid until the next call; 0 at the end.
 */
size_t sy_sim_run(struct sy_sim *sim, const struct sy_ev **first);
void sy_sim_free(struct sy_sim *sim);
uint64_t sy_tsc_to_ns(const struct sy_scenario *sc, uint64_t cycles);

/* ---- outputs ---- */

struct sy_tdat;
struct sy_tdat *sy_tdat_open(const char *path, int kind, const struct sy_scenario *sc,
			     const struct sy_formats *f);
/* Add @n consecutive events. */
void sy_tdat_events(struct sy_tdat *w, const struct sy_ev *ev, size_t n);
int sy_tdat_close(struct sy_tdat *w);

struct sy_perf;
struct sy_perf *sy_perf_open(const char *path, bool pipe, const struct sy_scenario *sc,
			     const struct sy_formats *f);
void sy_perf_event(struct sy_perf *w, const struct sy_ev *ev);
int sy_perf_close(struct sy_perf *w);

struct sy_answer;
struct sy_answer *sy_answer_new(const struct sy_scenario *sc);
void sy_answer_event(struct sy_answer *a, const struct sy_ev *ev);
int sy_answer_write(struct sy_answer *a, const char *path);
void sy_answer_free(struct sy_answer *a);

void sy_expect_event(FILE *fp, const struct sy_formats *f, const struct sy_ev *ev);

/* shared helpers */
extern const char *const sy_apic_regs[64];	/* by offset >> 4; kernel names, NULL if none */
size_t sy_tracing_meta(const struct sy_scenario *sc, const struct sy_formats *f, uint8_t **out,
		       bool perf, size_t parts[6]);
/* The name of a scenario's isa (struct sy_scenario.isa): "vmx" or "svm". */
static inline const char *sy_isa_name(int isa)
{
	return isa == 2 ? "svm" : "vmx";
}

/* Little-endian stores (kx-synth runs on x86 and writes little-endian files). */
static inline void sy_put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static inline void sy_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void sy_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

void sy_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void *sy_xmalloc(size_t n);
void *sy_xrealloc(void *p, size_t n);
/* A scratch file next to @near (unlinked at once) so copies stay on one file system. */
int sy_scratch_fd(const char *near);

#endif /* KX_SYNTH_H */
