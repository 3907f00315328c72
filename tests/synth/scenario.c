// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scenario.c - kx-synth: parse the scenario language (tests/synth/SCENARIO.md)
 * into a header and one statement tree per vCPU thread; every exit statement
 * is resolved once into the exact events it emits and its known sub-key.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

const char *const sy_out_names[SY_NOUTS] = {
	"v6", "v7-none", "v7-zlib", "v7-zstd", "perf", "perf-pipe",
};
const char *const sy_out_ext[SY_NOUTS] = {
	".dat", ".v7.dat", ".v7-zlib.dat", ".v7-zstd.dat", ".perf.data", ".perf-pipe.data",
};

enum { T_WORD, T_LBRACE, T_RBRACE, T_END };

struct tok {
	int type;
	char *s;
	int line;
};

struct parser {
	struct tok *t;
	size_t n, i;
	struct sy_scenario *sc;
	struct sy_formats *f;
	const struct sy_thread *th;	/* thread being parsed */
	char *err;
	size_t errlen;
	int failed;
};

static void *palloc(struct sy_scenario *sc, size_t n)
{
	void *p = sy_xmalloc(n);

	if (sc->nallocs == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 64;
		sc->allocs = realloc(sc->allocs, sc->cap * sizeof(void *));
		if (!sc->allocs)
			sy_die("out of memory");
	}
	sc->allocs[sc->nallocs++] = p;
	return p;
}

/* Words, braces and statement ends; "quoted text" inside a word keeps its spaces. */
static void tokenize(struct parser *ps, const char *p, size_t len)
{
	size_t cap = 256;
	int line = 1;
	char *o = palloc(ps->sc, 2 * len + 2);

	ps->t = sy_xmalloc(cap * sizeof(*ps->t));
	for (;;) {
		struct tok tk = { T_WORD, NULL, line };

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '#')
			while (*p && *p != '\n')
				p++;
		if (!*p)
			break;
		if (*p == '\n' || *p == ';') {
			line += *p == '\n';
			tk.type = T_END;
			p++;
		} else if (*p == '{' || *p == '}') {
			tk.type = *p == '{' ? T_LBRACE : T_RBRACE;
			p++;
		} else {
			tk.s = o;
			while (*p && !strchr(" \t\r\n;{}#", *p)) {
				if (*p != '"') {
					*o++ = *p++;
					continue;
				}
				for (p++; *p && *p != '"' && *p != '\n'; )
					*o++ = *p++;
				if (*p != '"')
					sy_die("line %d: unterminated string", line);
				p++;
			}
			*o++ = 0;
		}
		if (ps->n + 2 >= cap) {
			ps->t = realloc(ps->t, (cap *= 2) * sizeof(*ps->t));
			if (!ps->t)
				sy_die("out of memory");
		}
		ps->t[ps->n++] = tk;
	}
	ps->t[ps->n++] = (struct tok){ T_END, NULL, line };
}

static const char *ws(struct tok *t)
{
	return t->type == T_WORD ? t->s : "";
}

static struct tok *peek(struct parser *ps)
{
	return &ps->t[ps->i < ps->n ? ps->i : ps->n - 1];
}

static struct tok *next(struct parser *ps)
{
	struct tok *t = peek(ps);

	if (ps->i < ps->n)
		ps->i++;
	return t;
}

__attribute__((format(printf, 2, 3)))
static void fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed++)
		return;
	n = snprintf(ps->err, ps->errlen, "line %d: ", peek(ps)->line);
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
}

static bool is_word(struct tok *t, const char *w)
{
	return t->type == T_WORD && !strcmp(t->s, w);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* "2us" "700ns" "1.5ms" "3s" -> ns */
static bool parse_time(const char *s, double *ns)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return false;
	if (!strcmp(end, "ns"))
		*ns = v;
	else if (!strcmp(end, "us"))
		*ns = v * 1e3;
	else if (!strcmp(end, "ms"))
		*ns = v * 1e6;
	else if (!strcmp(end, "s"))
		*ns = v * 1e9;
	else
		return false;
	return true;
}

static const char *kv(struct tok *t, const char *key)
{
	size_t n = strlen(key);

	if (t->type == T_WORD && !strncmp(t->s, key, n) && t->s[n] == '=')
		return t->s + n + 1;
	return NULL;
}

/* A duration at the current token, or false (nothing consumed) if there is none. */
static bool parse_dur(struct parser *ps, struct sy_dur *d)
{
	struct tok *t = peek(ps);
	const char *v;
	double a;

	if (is_word(t, "uniform")) {
		next(ps);
		if (!parse_time(ws(next(ps)), &d->a) || !parse_time(ws(peek(ps)), &d->b) ||
		    d->b < d->a) {
			fail(ps, "uniform wants two times MIN MAX");
			return true;
		}
		next(ps);
		d->kind = SY_D_UNIFORM;
		return true;
	}
	if (is_word(t, "lognormal")) {
		next(ps);
		v = kv(peek(ps), "median");
		if (!v || !parse_time(v, &d->a)) {
			fail(ps, "lognormal wants median=TIME sigma=NUM");
			return true;
		}
		next(ps);
		v = kv(peek(ps), "sigma");
		if (!v) {
			fail(ps, "lognormal wants sigma=NUM");
			return true;
		}
		d->b = strtod(v, NULL);
		next(ps);
		d->kind = SY_D_LOGNORMAL;
		return true;
	}
	if (t->type == T_WORD && parse_time(t->s, &a)) {
		next(ps);
		d->kind = SY_D_FIXED;
		d->a = a;
		d->fixed_ns = llround(a);
		return true;
	}
	return false;
}

static const struct sy_symbol *find_reason(struct parser *ps, const char *name)
{
	const struct sy_symbol *tab = ps->sc->isa == 2 ? ps->f->svm : ps->f->vmx;
	int n = ps->sc->isa == 2 ? ps->f->nsvm : ps->f->nvmx;

	for (int i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

static int apic_reg(const char *s)
{
	uint64_t v;

	if (!strcmp(s, "TPR"))
		s = "TASKPRI";
	for (int i = 0; i < 64; i++)
		if (sy_apic_regs[i] && !strcmp(sy_apic_regs[i], s))
			return i << 4;
	if (parse_u64(s, &v) && v < 0x400 && sy_apic_regs[v >> 4])
		return v;
	return -1;
}

static void apic_normalized(struct sy_exit_spec *ex, int reg, bool write)
{
	const char *name = sy_apic_regs[(reg >> 4) & 63];

	if (!name)
		return;
	if (!strcmp(name, "TASKPRI"))
		name = "TPR";
	snprintf(ex->normalized, sizeof(ex->normalized), "APIC %s %s", name,
		 write ? "write" : "read");
	ex->timer = write && reg == 0x380;
}

static void add_helper(struct sy_exit_spec *ex, int kind, const uint64_t *v)
{
	if (ex->nhelpers == SY_MAX_HELPERS)
		sy_die("too many helper events");
	ex->hkind[ex->nhelpers] = kind;
	memcpy(ex->hval[ex->nhelpers], v, sizeof(ex->hval[0]));
	ex->nhelpers++;
}

/* kvm_apic (+ kvm_eoi for an EOI write), as lapic register writes emit them. */
static void add_apic(struct parser *ps, struct sy_exit_spec *ex, int reg, bool write,
		     uint64_t val, uint64_t vector)
{
	add_helper(ex, SY_APIC, (uint64_t[SY_MAX_VALS]){ write, reg, val });
	if (write && reg == 0xb0)
		add_helper(ex, SY_EOI, (uint64_t[SY_MAX_VALS]){ ps->th->vcpu, vector });
	apic_normalized(ex, reg, write);
}

static bool parse_rw(struct parser *ps, bool *write)
{
	struct tok *t = next(ps);

	if (is_word(t, "write") || is_word(t, "out")) {
		*write = true;
		return true;
	}
	if (is_word(t, "read") || is_word(t, "in")) {
		*write = false;
		return true;
	}
	fail(ps, "expected read/write (in/out)");
	return false;
}

/* Optional key=value words after a helper. */
static uint64_t opt_kv(struct parser *ps, const char *key, uint64_t dflt)
{
	const char *v = kv(peek(ps), key);
	uint64_t x;

	if (!v)
		return dflt;
	if (!parse_u64(v, &x))
		fail(ps, "bad %s=", key);
	next(ps);
	return x;
}

static void default_info(struct parser *ps, struct sy_exit_spec *ex, int reg, bool write,
			 bool have_reg, int pio_port, int pio_size, uint64_t gpa)
{
	bool svm = ps->sc->isa == 2;

	if (!svm && !strcmp(ex->reason, "APIC_ACCESS") && have_reg)
		ex->info1 = reg | (write ? 0x1000 : 0);
	else if (!svm && !strcmp(ex->reason, "APIC_WRITE") && have_reg)
		ex->info1 = reg;
	else if (!svm && !strcmp(ex->reason, "IO_INSTRUCTION") && pio_port >= 0)
		ex->info1 = (uint64_t)(pio_size - 1) | (write ? 0 : 8) | ((uint64_t)pio_port << 16);
	else if (svm && !strcmp(ex->reason, "msr"))
		ex->info1 = write;
	else if (svm && !strcmp(ex->reason, "io") && pio_port >= 0)
		ex->info1 = ((uint64_t)pio_port << 16) | (write ? 0 : 1) |
			    (pio_size == 1 ? 0x10 : pio_size == 2 ? 0x20 : 0x40);
	else if (svm && !strcmp(ex->reason, "npf") && gpa) {
		ex->info1 = write ? 0x6 : 0x4;
		ex->info2 = gpa;
	} else if (svm && !strcmp(ex->reason, "avic_unaccelerated_access") && have_reg)
		ex->info1 = (uint64_t)reg | ((uint64_t)write << 32);
}

/* Without helper events the sub-key comes from the exit's info1 alone. */
static void info_normalized(struct parser *ps, struct sy_exit_spec *ex)
{
	bool svm = ps->sc->isa == 2;

	if (!svm && !strcmp(ex->reason, "APIC_WRITE"))
		apic_normalized(ex, ex->info1 & 0xff0, true);
	else if (!svm && !strcmp(ex->reason, "APIC_ACCESS") && ((ex->info1 >> 12) & 0xf) <= 1)
		apic_normalized(ex, ex->info1 & 0xff0, (ex->info1 >> 12) & 1);
	else if (svm && !strcmp(ex->reason, "avic_unaccelerated_access"))
		apic_normalized(ex, ex->info1 & 0xff0, (ex->info1 >> 32) & 1);
}

static struct sy_exit_spec *parse_exit(struct parser *ps)
{
	struct sy_exit_spec *ex = palloc(ps->sc, sizeof(*ex));
	const struct sy_symbol *sym;
	struct tok *t = next(ps);
	bool have_dur = false, have_info1 = false, have_info2 = false, have_rip = false;
	bool have_reg = false, write = false;
	int reg = 0, pio_port = -1, pio_size = 1;
	uint64_t gpa = 0, x;

	if (t->type != T_WORD || !(sym = find_reason(ps, t->s))) {
		fail(ps, "unknown exit reason '%s' for isa %s", t->s ? t->s : "",
		     sy_isa_name(ps->sc->isa));
		return ex;
	}
	ex->reason = sym->name;
	ex->code = (uint32_t)sym->code;
	ex->idle = !strcmp(ex->reason, "HLT") || !strcmp(ex->reason, "MWAIT_INSTRUCTION") ||
		   !strcmp(ex->reason, "hlt") || !strcmp(ex->reason, "mwait") ||
		   !strcmp(ex->reason, "idle-halt");
	while (!ps->failed && peek(ps)->type == T_WORD) {
		t = peek(ps);
		if (is_word(t, "apic")) {
			next(ps);
			if (!parse_rw(ps, &write))
				break;
			reg = apic_reg(ws(next(ps)));
			if (reg < 0) {
				fail(ps, "unknown APIC register");
				break;
			}
			x = opt_kv(ps, "val", 0);
			add_apic(ps, ex, reg, write, x, opt_kv(ps, "vector", 236));
			have_reg = true;
		} else if (is_word(t, "msr")) {
			uint64_t msr;

			next(ps);
			if (!parse_rw(ps, &write))
				break;
			if (!parse_u64(ws(next(ps)), &msr)) {
				fail(ps, "msr wants an index");
				break;
			}
			x = opt_kv(ps, "val", 0);
			if (msr >= 0x800 && msr <= 0x8ff && sy_apic_regs[msr & 0x3f]) {
				add_apic(ps, ex, (msr - 0x800) << 4, write, x, opt_kv(ps, "vector", 236));
				have_reg = true;
				reg = (msr - 0x800) << 4;
			}
			if (msr == 0x6e0) {
				snprintf(ex->normalized, sizeof(ex->normalized), "TSC_DEADLINE %s",
					 write ? "write" : "read");
				ex->timer = write;
			}
			add_helper(ex, SY_MSR, (uint64_t[SY_MAX_VALS]){ write, msr, x });
		} else if (is_word(t, "mmio")) {
			uint64_t len;

			next(ps);
			if (!parse_rw(ps, &write))
				break;
			if (!parse_u64(ws(next(ps)), &gpa)) {
				fail(ps, "mmio wants a guest physical address");
				break;
			}
			len = opt_kv(ps, "len", 4);
			x = opt_kv(ps, "val", 0);
			add_helper(ex, SY_MMIO, (uint64_t[SY_MAX_VALS]){ write ? 2 : 1, len, gpa, x });
			if (gpa >= 0xfee00000 && gpa <= 0xfee00fff && sy_apic_regs[(gpa >> 4) & 63]) {
				reg = gpa & 0xff0;
				have_reg = true;
				add_apic(ps, ex, reg, write, x, opt_kv(ps, "vector", 236));
			}
		} else if (is_word(t, "pio")) {
			uint64_t port;

			next(ps);
			if (!parse_rw(ps, &write))
				break;
			if (!parse_u64(ws(next(ps)), &port) || port > 0xffff) {
				fail(ps, "pio wants a port");
				break;
			}
			pio_port = port;
			pio_size = opt_kv(ps, "size", 1);
			x = opt_kv(ps, "val", 0);
			add_helper(ex, SY_PIO, (uint64_t[SY_MAX_VALS]){ write, port, pio_size, 1, x });
		} else if (is_word(t, "userspace")) {
			next(ps);
			ex->user = true;
			ex->user_reason = pio_port >= 0 ? 2 : gpa ? 6 : 0;
			if (!parse_dur(ps, &ex->kdur) || !parse_dur(ps, &ex->udur)) {
				fail(ps, "userspace wants KERNEL-TIME USER-TIME");
				break;
			}
			have_dur = true;
		} else if (is_word(t, "fasteoi")) {
			/* VMX fasteoi: the EOI write is handled without a lapic register write */
			next(ps);
			reg = 0xb0;
			write = have_reg = true;
			add_helper(ex, SY_EOI, (uint64_t[SY_MAX_VALS]){ ps->th->vcpu,
								       opt_kv(ps, "vector", 236) });
			apic_normalized(ex, reg, true);
		} else if (is_word(t, "unfinished")) {
			next(ps);
			ex->unfinished = true;
		} else if (is_word(t, "lost")) {
			next(ps);
			if (!parse_u64(ws(next(ps)), &ex->lost) || !ex->lost)
				fail(ps, "lost wants a count > 0");
		} else if (kv(t, "info1")) {
			ex->info1 = opt_kv(ps, "info1", 0);
			have_info1 = true;
		} else if (kv(t, "info2")) {
			ex->info2 = opt_kv(ps, "info2", 0);
			have_info2 = true;
		} else if (kv(t, "rip")) {
			ex->rip = opt_kv(ps, "rip", 0);
			have_rip = true;
		} else if (!have_dur && parse_dur(ps, &ex->kdur)) {
			have_dur = true;
		} else {
			fail(ps, "unexpected '%s' in exit", t->s);
		}
	}
	if (!have_dur)
		fail(ps, "exit %s needs a duration", ex->reason);
	if (!have_info1 || !have_info2) {
		uint64_t i1 = ex->info1, i2 = ex->info2;

		default_info(ps, ex, reg, write, have_reg, pio_port, pio_size, gpa);
		if (have_info1)
			ex->info1 = i1;
		if (have_info2)
			ex->info2 = i2;
	}
	if (!ex->nhelpers)
		info_normalized(ps, ex);
	if (!have_rip)
		ex->rip = 0xffffffff81000000ull + ((uint64_t)(ex->code & 0xfff) << 4);
	return ex;
}

static struct sy_node *parse_block(struct parser *ps, bool choose);

static struct sy_node *parse_stmt(struct parser *ps)
{
	struct sy_node *nd = palloc(ps->sc, sizeof(*nd));
	struct tok *t = next(ps);
	uint64_t v = 0;

	if (t->type == T_LBRACE) {
		nd->op = SY_OP_BLOCK;
		nd->child = parse_block(ps, false);
	} else if (is_word(t, "guest")) {
		nd->op = SY_OP_GUEST;
		if (!parse_dur(ps, &nd->dur))
			fail(ps, "guest needs a duration");
	} else if (is_word(t, "exit")) {
		nd->op = SY_OP_EXIT;
		nd->ex = parse_exit(ps);
	} else if (is_word(t, "entry")) {
		nd->op = SY_OP_ENTRY;
	} else if (is_word(t, "migrate")) {
		nd->op = SY_OP_MIGRATE;
		if (!is_word(next(ps), "cpu") || !parse_u64(ws(next(ps)), &v) || v >= ps->sc->ncpus)
			fail(ps, "migrate cpu N (N < cpus)");
		nd->arg = v;
	} else if (is_word(t, "lost")) {
		nd->op = SY_OP_LOST;
		if (!is_word(next(ps), "cpu") || !parse_u64(ws(next(ps)), &v) || v >= ps->sc->ncpus)
			fail(ps, "lost cpu N count M");
		nd->arg = v;
		if (!is_word(next(ps), "count") || !parse_u64(ws(next(ps)), &nd->count) || !nd->count)
			fail(ps, "lost cpu N count M (M > 0)");
	} else if (is_word(t, "repeat")) {
		nd->op = SY_OP_REPEAT;
		if (!parse_u64(ws(next(ps)), &nd->count) || next(ps)->type != T_LBRACE)
			fail(ps, "repeat N { ... }");
		else
			nd->child = parse_block(ps, false);
	} else if (is_word(t, "choose")) {
		nd->op = SY_OP_CHOOSE;
		if (next(ps)->type != T_LBRACE)
			fail(ps, "choose { W: statement ; ... }");
		else
			nd->child = parse_block(ps, true);
		if (!nd->child && !ps->failed)
			fail(ps, "choose without alternatives");
	} else {
		fail(ps, "unknown statement '%s'", t->s ? t->s : "?");
	}
	if (!ps->failed && peek(ps)->type != T_END && peek(ps)->type != T_RBRACE)
		fail(ps, "trailing '%s'", peek(ps)->s ? peek(ps)->s : "{");
	return nd;
}

/* Statements up to the closing brace (consumed). */
static struct sy_node *parse_block(struct parser *ps, bool choose)
{
	struct sy_node *head = NULL, **tail = &head;

	while (!ps->failed) {
		struct tok *t = peek(ps);
		uint32_t weight = 0;

		if (t->type == T_END && t->s == NULL && ps->i >= ps->n - 1) {
			fail(ps, "missing '}'");
			break;
		}
		if (t->type == T_END) {
			next(ps);
			continue;
		}
		if (t->type == T_RBRACE) {
			next(ps);
			break;
		}
		if (choose) {
			char *end;

			weight = strtoul(t->s ? t->s : "", &end, 10);
			if (t->type != T_WORD || strcmp(end, ":") || !weight) {
				fail(ps, "choose alternative wants 'WEIGHT:'");
				break;
			}
			next(ps);
		}
		*tail = parse_stmt(ps);
		(*tail)->weight = weight;
		tail = &(*tail)->next;
	}
	return head;
}

static int buf_index(struct sy_scenario *sc, const char *name)
{
	for (uint32_t b = 0; b < sc->nbufs; b++)
		if (!strcmp(sc->bufname[b], name))
			return b;
	return -1;
}

static void parse_vcpu(struct parser *ps)
{
	struct sy_scenario *sc = ps->sc;
	struct sy_thread *th;
	bool have_tid = false;
	uint64_t v;

	if (sc->nthreads == SY_MAX_THREADS) {
		fail(ps, "too many vcpu threads");
		return;
	}
	th = &sc->th[sc->nthreads];
	th->vm = 1000;
	while (!ps->failed && peek(ps)->type == T_WORD) {
		struct tok *t = next(ps);
		const char *val = strchr(t->s, '=');

		if (!val) {
			fail(ps, "vcpu wants key=value words");
			return;
		}
		val++;
		if (kv(t, "comm")) {
			snprintf(th->comm, sizeof(th->comm), "%s", val);
			continue;
		}
		if (kv(t, "buffer")) {
			int b = buf_index(sc, val);

			if (b < 0)
				fail(ps, "unknown buffer '%s'", val);
			th->buf = b;
			continue;
		}
		if (kv(t, "start")) {
			double ns;

			if (!parse_time(val, &ns))
				fail(ps, "bad start=");
			th->start_ns = llround(ns);
			continue;
		}
		if (!parse_u64(val, &v) || v > 0x7fffffff) {
			fail(ps, "bad number in '%s'", t->s);
			return;
		}
		if (kv(t, "tid")) {
			th->tid = v;
			have_tid = true;
		} else if (kv(t, "vcpu")) {
			th->vcpu = v;
		} else if (kv(t, "vm")) {
			th->vm = v;
		} else if (kv(t, "cpu")) {
			if (v >= sc->ncpus)
				fail(ps, "cpu=%llu but cpus %u", (unsigned long long)v, sc->ncpus);
			th->cpu0 = v;
		} else {
			fail(ps, "unknown vcpu key '%s'", t->s);
		}
	}
	if (!have_tid)
		fail(ps, "vcpu needs tid=N");
	if (!th->comm[0])
		snprintf(th->comm, sizeof(th->comm), "CPU %u/KVM", th->vcpu);
	if (next(ps)->type != T_LBRACE) {
		fail(ps, "vcpu ... { timeline }");
		return;
	}
	sc->nthreads++;
	ps->th = th;
	th->body = parse_block(ps, false);
}

/* Linux clocks_calc_mult_shift(khz -> ns per ms) with x86's shift cap of 31. */
static void tsc_mult_shift(uint32_t khz, uint32_t *mult, uint32_t *shift)
{
	uint64_t tmp = 0;
	uint32_t sft;

	for (sft = 32; sft > 0; sft--) {
		tmp = ((uint64_t)1000000 << sft) + khz / 2;
		tmp /= khz;
		if (!(tmp >> 32))
			break;
	}
	if (sft == 32) {
		sft = 31;
		tmp >>= 1;
	}
	*mult = tmp;
	*shift = sft;
}

static void parse_header(struct parser *ps, struct tok *t)
{
	struct sy_scenario *sc = ps->sc;
	uint64_t v;
	double ns;

	if (is_word(t, "isa")) {
		t = next(ps);
		if (is_word(t, "vmx"))
			sc->isa = 1;
		else if (is_word(t, "svm"))
			sc->isa = 2;
		else
			fail(ps, "isa vmx|svm");
	} else if (is_word(t, "clock")) {
		t = next(ps);
		if (is_word(t, "x86-tsc"))
			sc->tsc = true;
		else if (!is_word(t, "local"))
			fail(ps, "clock local|x86-tsc");
	} else if (is_word(t, "tsc-khz")) {
		if (!parse_u64(ws(next(ps)), &v) || !v || v > 0xffffffffu)
			fail(ps, "tsc-khz N");
		sc->tsc_khz = v;
	} else if (is_word(t, "tsc2nsec")) {
		sc->tsc2nsec = true;
	} else if (is_word(t, "date-option") || is_word(t, "offset-option")) {
		char *dst = is_word(t, "date-option") ? sc->date_opt : sc->offset_opt;

		t = next(ps);
		if (t->type != T_WORD || strlen(t->s) >= sizeof(sc->date_opt))
			fail(ps, "date-option|offset-option VALUE (e.g. 0x3e8, -5000)");
		else
			snprintf(dst, sizeof(sc->date_opt), "%s", t->s);
	} else if (is_word(t, "cpus")) {
		if (!parse_u64(ws(next(ps)), &v) || !v || v > SY_MAX_CPUS)
			fail(ps, "cpus 1..%d", SY_MAX_CPUS);
		sc->ncpus = v;
	} else if (is_word(t, "buffer")) {
		t = next(ps);
		if (t->type != T_WORD || sc->nbufs == SY_MAX_BUFS || buf_index(sc, t->s) >= 0)
			fail(ps, "buffer NAME (at most %d, unique)", SY_MAX_BUFS - 1);
		else
			snprintf(sc->bufname[sc->nbufs++], sizeof(sc->bufname[0]), "%s", t->s);
	} else if (is_word(t, "output")) {
		while (peek(ps)->type == T_WORD) {
			int o;

			t = next(ps);
			for (o = 0; o < SY_NOUTS && strcmp(sy_out_names[o], t->s); o++)
				;
			if (o == SY_NOUTS)
				fail(ps, "unknown output kind '%s'", t->s);
			else
				sc->outputs[o] = true;
		}
	} else if (is_word(t, "seed")) {
		if (!parse_u64(ws(next(ps)), &sc->seed))
			fail(ps, "seed N");
	} else if (is_word(t, "start")) {
		if (!parse_time(ws(next(ps)), &ns))
			fail(ps, "start TIME");
		sc->start_ns = llround(ns);
	} else if (is_word(t, "perf-stagger")) {
		if (!parse_time(ws(next(ps)), &ns) || ns < 1)
			fail(ps, "perf-stagger TIME");
		sc->perf_stagger_ns = llround(ns);
	} else if (is_word(t, "subbuf-size")) {
		if (!parse_u64(ws(next(ps)), &v) || v < SY_PAGE_SIZE || v > SY_MAX_SUBBUF ||
		    (v & (v - 1)))
			fail(ps, "subbuf-size BYTES (a power of two, 4096 to 1048576)");
		else
			sc->subbuf_size = (uint32_t)v;
	} else if (is_word(t, "vcpu")) {
		parse_vcpu(ps);
	} else {
		fail(ps, "unknown header keyword '%s'", t->s ? t->s : "{");
	}
}

/* The values and records of every exit statement of @th's timeline (see sy_exit_spec). */
static void encode_exits(const struct sy_scenario *sc, const struct sy_formats *f,
			 const struct sy_thread *th, const struct sy_node *nd)
{
	for (; nd; nd = nd->next) {
		struct sy_exit_spec *ex = nd->ex;

		encode_exits(sc, f, th, nd->child);
		if (nd->op != SY_OP_EXIT)
			continue;
		ex->exit_v[0] = ex->code;
		ex->exit_v[1] = ex->rip;
		ex->exit_v[2] = sc->isa;
		ex->exit_v[3] = ex->info1;
		ex->exit_v[4] = ex->info2;
		ex->exit_v[5] = th->vcpu;
		ex->user_v[0] = ex->user_reason;
		ex->entry_v[0] = th->vcpu;
		ex->entry_v[1] = ex->rip + 2;
		sy_record(f, SY_EXIT, th->tid, ex->exit_v, ex->rec[SY_REC_EXIT]);
		for (int i = 0; i < ex->nhelpers; i++)
			sy_record(f, ex->hkind[i], th->tid, ex->hval[i],
				  ex->rec[SY_REC_HELPER + i]);
		sy_record(f, SY_USEREXIT, th->tid, ex->user_v, ex->rec[SY_REC_USER]);
		sy_record(f, SY_ENTRY, th->tid, ex->entry_v, ex->rec[SY_REC_ENTRY]);
	}
}

int sy_scenario_parse(struct sy_scenario *sc, const char *path, struct sy_formats *fmts,
		      const char *fmtdir, char *err, size_t errlen)
{
	struct parser ps = { .sc = sc, .f = fmts, .err = err, .errlen = errlen };
	size_t len;
	char *src;
	FILE *fp = fopen(path, "rb");
	size_t save;

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->kernel, sizeof(sc->kernel), "6.18");
	sc->isa = 1;
	sc->ncpus = 1;
	sc->nbufs = 1;
	sc->start_ns = 1000000000000ull;
	sc->subbuf_size = SY_PAGE_SIZE;
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	src = palloc(sc, len + 1);
	if (fread(src, 1, len, fp) != len) {
		fclose(fp);
		snprintf(err, errlen, "%s: short read", path);
		return -EIO;
	}
	fclose(fp);
	tokenize(&ps, src, len);
	/* the kernel line picks the format set, which the rest needs */
	for (save = 0; save + 1 < ps.n; save++) {
		if (is_word(&ps.t[save], "kernel")) {
			struct tok *k = &ps.t[save + 1];

			if (k->type != T_WORD || (strcmp(k->s, "6.18") && strcmp(k->s, "6.5"))) {
				snprintf(err, errlen, "line %d: kernel 6.18|6.5", k->line);
				free(ps.t);
				return -EINVAL;
			}
			snprintf(sc->kernel, sizeof(sc->kernel), "%s", k->s);
		}
	}
	{
		char set[32];

		snprintf(set, sizeof(set), "linux-%s", sc->kernel);
		if (sy_formats_load(fmts, fmtdir, set)) {
			snprintf(err, errlen, "cannot load format set %s from %s", set, fmtdir);
			free(ps.t);
			return -ENOENT;
		}
	}
	while (!ps.failed && ps.i < ps.n) {
		struct tok *t = next(&ps);

		if (t->type == T_END)
			continue;
		if (is_word(t, "kernel")) {
			next(&ps);
			continue;
		}
		parse_header(&ps, t);
		if (!ps.failed && peek(&ps)->type != T_END)
			fail(&ps, "trailing '%s'", peek(&ps)->s ? peek(&ps)->s : "{");
	}
	free(ps.t);
	if (ps.failed)
		return -EINVAL;
	if (!sc->nthreads) {
		snprintf(err, errlen, "no vcpu threads");
		return -EINVAL;
	}
	if (sc->tsc) {
		if (!sc->tsc_khz) {
			snprintf(err, errlen, "clock x86-tsc needs tsc-khz N");
			return -EINVAL;
		}
		tsc_mult_shift(sc->tsc_khz, &sc->mult, &sc->shift);
	}
	for (uint32_t i = 0; i < sc->nthreads; i++)
		encode_exits(sc, fmts, &sc->th[i], sc->th[i].body);
	return 0;
}

void sy_scenario_free(struct sy_scenario *sc)
{
	for (size_t i = 0; i < sc->nallocs; i++)
		free(sc->allocs[i]);
	free(sc->allocs);
}
