// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * text_kvm.c - decodes the printed text of the kvm events kvmexit-stat uses
 * (kvm_exit, kvm_entry, kvm_apic, kvm_msr, kvm_mmio, kvm_pio,
 * kvm_userspace_exit, kvm_eoi) into struct kx_event. The text differs by
 * kernel and by printer (kernel print fmt or libtraceevent's kvm plugin), so
 * values are found by keyword, not by position.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_exitnames.h"
#include "kx_subkey.h"
#include "kx_text.h"

/* Code and ISA of one interned reason name, looked up once. */
struct kx_text_reason {
	uint32_t code;
	uint8_t isa;
	uint8_t known;		/* entry filled */
};

/* A read position in the text being decoded. */
struct cur {
	const char *p;
	const char *end;
};

static const struct {
	const char *name;
	uint32_t reg;
} apic_regs[] = {
	{ "ID", 0x20 }, { "LVR", 0x30 }, { "TASKPRI", 0x80 }, { "ARBPRI", 0x90 },
	{ "PROCPRI", 0xa0 }, { "EOI", 0xb0 }, { "RRR", 0xc0 }, { "LDR", 0xd0 },
	{ "DFR", 0xe0 }, { "SPIV", 0xf0 }, { "ISR", 0x100 }, { "TMR", 0x180 },
	{ "IRR", 0x200 }, { "ESR", 0x280 }, { "ICR", 0x300 }, { "ICR2", 0x310 },
	{ "LVTT", 0x320 }, { "LVTTHMR", 0x330 }, { "LVTPC", 0x340 }, { "LVT0", 0x350 },
	{ "LVT1", 0x360 }, { "LVTERR", 0x370 }, { "TMICT", 0x380 }, { "TMCCT", 0x390 },
	{ "TDCR", 0x3e0 }, { "SELF_IPI", 0x3f0 }, { "EFEAT", 0x400 }, { "ECTRL", 0x410 },
};

static const struct {
	const char *name;
	uint32_t type;
} mmio_types[] = {
	{ "unsatisfied-read", KX_MMIO_UNSATISFIED_READ },
	{ "read", KX_MMIO_READ },
	{ "write", KX_MMIO_WRITE },
};

#define VMX_FAILED_VMENTRY 0x80000000u
#define RAW_MAX_FIELDS 16	/* kvm_exit has 9 */

void kx_text_kvm_init(struct kx_text_kvm *k, struct kx_names *names)
{
	memset(k, 0, sizeof(*k));
	k->names = names;
}

void kx_text_kvm_free(struct kx_text_kvm *k)
{
	free(k->reasons);
	k->reasons = NULL;
	k->nr_reasons = 0;
}

static bool span_is(struct kx_text_span s, const char *lit)
{
	return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

static void skip_ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Consume literal @lit; true if it was there. */
static bool lit(struct cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return false;
	c->p += n;
	return true;
}

/* The next blank-delimited word (after blanks). */
static struct kx_text_span word(struct cur *c)
{
	struct kx_text_span w;

	skip_ws(c);
	w.p = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	w.len = c->p - w.p;
	return w;
}

/* The next word as a number in @base, optionally ending in ',' (not consumed into it). */
static bool num(struct cur *c, unsigned base, uint64_t *v)
{
	struct kx_text_span w = word(c);

	if (w.len && w.p[w.len - 1] == ',')
		w.len--;
	return kx_text_parse_u64(w.p, w.len, base, v) == 0;
}

static bool num32(struct cur *c, unsigned base, uint32_t *v)
{
	uint64_t x;

	if (!num(c, base, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* A signed decimal word ("-1", "236"). */
static bool snum32(struct cur *c, int32_t *v)
{
	struct kx_text_span w = word(c);
	bool neg = w.len > 1 && w.p[0] == '-';
	uint64_t x;

	if (kx_text_parse_u64(w.p + neg, w.len - neg, 10, &x) < 0 || x > (uint64_t)INT32_MAX + neg)
		return false;
	*v = neg ? (int32_t)(-(int64_t)x) : (int32_t)x;
	return true;
}

/* Keyword then blank: "vcpu ", "rip " ... */
static bool key(struct cur *c, const char *k)
{
	struct cur save = *c;

	skip_ws(c);
	if (lit(c, k) && (c->p == c->end || *c->p == ' ')) {
		skip_ws(c);
		return true;
	}
	*c = save;
	return false;
}

static bool at_end(struct cur *c)
{
	skip_ws(c);
	return c->p == c->end;
}

/* "read"/"write" after a "apic_"/"msr_"/"pio_" prefix: 1 write, 0 read. */
static bool rw(struct cur *c, uint32_t *write)
{
	if (lit(c, "write"))
		*write = 1;
	else if (lit(c, "read"))
		*write = 0;
	else
		return false;
	return c->p < c->end && *c->p == ' ';
}

/*
 * Set @x's reason to the name @len bytes at @name: interned, and its code
 * and ISA looked up on first sight (a decimal name is an unnamed code, as
 * the binary readers name it).
 */
static int reason_set(struct kx_text_kvm *k, const char *name, size_t len,
		      struct kx_exit_fields *x)
{
	struct kx_text_reason *r;
	int64_t id = kx_names_intern(k->names, name, len);

	if (id < 0)
		return (int)id;
	if ((uint64_t)id >= k->nr_reasons) {
		uint32_t n = (uint32_t)id + 16;

		r = realloc(k->reasons, n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		memset(r + k->nr_reasons, 0, (n - k->nr_reasons) * sizeof(*r));
		k->reasons = r;
		k->nr_reasons = n;
	}
	r = &k->reasons[id];
	if (!r->known) {
		enum kx_isa isa = KX_ISA_UNKNOWN;
		char buf[64];
		uint64_t v;

		r->code = KX_CODE_UNKNOWN;
		if (kx_text_parse_u64(name, len, 10, &v) == 0 && v <= UINT32_MAX) {
			r->code = (uint32_t)v;
		} else if (len < sizeof(buf)) {
			memcpy(buf, name, len);
			buf[len] = '\0';
			if (!kx_exitcode(buf, &r->code, &isa))
				r->code = KX_CODE_UNKNOWN;
		}
		r->isa = (uint8_t)isa;
		r->known = 1;
	}
	x->reason = (uint32_t)id;
	x->code = r->code;
	x->isa = r->isa;
	return 0;
}

/*
 * A printed reason: a name, or only a number when the printer had no name
 * for the code: the kernel's __print_symbolic fallback ("0x4a") or the kvm
 * plugin's "UNKNOWN (74)". Numbers are named in decimal.
 */
static int reason_lookup(struct kx_text_kvm *k, struct kx_text_span name, struct kx_exit_fields *x)
{
	unsigned base = name.len > 2 && name.p[1] == 'x' ? 16 : 10;
	char num[24];
	uint64_t v;

	if ((name.len > 10 && memcmp(name.p, "UNKNOWN (", 9) == 0 && name.p[name.len - 1] == ')' &&
	     kx_text_parse_u64(name.p + 9, name.len - 10, 10, &v) == 0) ||
	    kx_text_parse_u64(name.p, name.len, base, &v) == 0) {
		if (v > UINT32_MAX)
			return -1;
		return reason_set(k, num, (size_t)snprintf(num, sizeof(num), "%u", (uint32_t)v), x);
	}
	return reason_set(k, name.p, name.len, x);
}

/*
 * kvm_exit, any of:
 *   vcpu 0 reason EXCEPTION_NMI rip 0x40048d info1 0x... info2 0x... intr_info 0x...
 *     error_code 0x... [requests 0x...]
 *   reason EPT_VIOLATION rip 0x... info d82 0      (kernel < 5.14 and the libtraceevent plugin)
 *   reason UNKNOWN (74) rip ...                    (plugin, code not in its table)
 * The reason may hold blanks (SVM "PF excp") and VMX flag words (FAILED_VMENTRY).
 */
static int parse_exit(struct kx_text_kvm *k, struct cur *c, struct kx_event *ev)
{
	struct kx_exit_fields *x = &ev->u.exit;
	struct kx_text_span name, w;
	const char *rip;
	uint64_t guest_rip;
	uint32_t vcpu, unused32;
	int err;

	if (key(c, "vcpu")) {
		if (!num32(c, 10, &vcpu) || vcpu > INT32_MAX)
			return -1;
		ev->vcpu = (int32_t)vcpu;
	}
	if (!key(c, "reason"))
		return -1;
	for (rip = c->p; rip + 5 <= c->end; rip++)
		if (memcmp(rip, " rip ", 5) == 0)
			break;
	if (rip + 5 > c->end)
		return -1;
	name.p = c->p;
	name.len = rip - c->p;
	while (name.len > 15 && memcmp(name.p + name.len - 15, " FAILED_VMENTRY", 15) == 0) {
		x->flags |= VMX_FAILED_VMENTRY;
		name.len -= 15;
	}
	if (name.len == 0)
		return -1;
	c->p = rip + 5;
	if (!num(c, 16, &guest_rip))
		return -1;
	x->guest_mode = kx_guest_mode_of_rip(guest_rip);
	while (!at_end(c)) {
		w = word(c);
		if (span_is(w, "info1")) {
			if (!num(c, 16, &x->info1))
				return -1;
			x->has_info = 1;
		} else if (span_is(w, "info2")) {
			if (!num(c, 16, &x->info2))
				return -1;
		} else if (span_is(w, "info")) {
			if (!num(c, 16, &x->info1) || !num(c, 16, &x->info2))
				return -1;
			x->has_info = 1;
		} else if (span_is(w, "intr_info") || span_is(w, "error_code")) {
			if (!num32(c, 16, &unused32))
				return -1;
		} else {
			word(c);	/* a newer kernel's field ("requests"): skip its value */
		}
	}
	err = reason_lookup(k, name, x);
	if (err < 0)
		return err;
	ev->kind = KX_EV_EXIT;
	return 1;
}

/* kvm_entry: "vcpu 0 rip 0x..." (plugin / old kernels) or "vcpu 0, rip 0x... intr_info ..." */
static int parse_entry(struct cur *c, struct kx_event *ev)
{
	uint32_t vcpu;
	uint64_t rip;

	if (!key(c, "vcpu") || !num32(c, 10, &vcpu) || vcpu > INT32_MAX)
		return -1;
	if (key(c, "rip") && !num(c, 16, &rip))
		return -1;
	ev->vcpu = (int32_t)vcpu;
	ev->kind = KX_EV_ENTRY;
	return 1;
}

/* kvm_apic: "apic_write APIC_EOI = 0x0"; an unnamed register prints as a hex number. */
static int parse_apic(struct cur *c, struct kx_event *ev)
{
	struct kx_apic_fields *a = &ev->u.apic;
	struct kx_text_span reg;
	uint64_t v;
	size_t i;

	if (!lit(c, "apic_") || !rw(c, &a->write))
		return -1;
	reg = word(c);
	if (reg.len > 5 && memcmp(reg.p, "APIC_", 5) == 0) {
		reg.p += 5;
		reg.len -= 5;
		for (i = 0; i < sizeof(apic_regs) / sizeof(apic_regs[0]); i++)
			if (span_is(reg, apic_regs[i].name))
				break;
		if (i == sizeof(apic_regs) / sizeof(apic_regs[0]))
			return -1;
		a->reg = apic_regs[i].reg;
	} else {
		if (kx_text_parse_u64(reg.p, reg.len, 16, &v) < 0 || v > UINT32_MAX)
			return -1;
		a->reg = (uint32_t)v;
	}
	if (!key(c, "=") || !num(c, 16, &a->val) || !at_end(c))
		return -1;
	ev->kind = KX_EV_APIC;
	return 1;
}

/* kvm_msr: "msr_write 838 = 0x1234" with an optional " (#GP)" */
static int parse_msr(struct cur *c, struct kx_event *ev)
{
	struct kx_msr_fields *m = &ev->u.msr;

	if (!lit(c, "msr_") || !rw(c, &m->write) || !num32(c, 16, &m->index) ||
	    !key(c, "=") || !num(c, 16, &m->data))
		return -1;
	if (key(c, "(#GP)"))
		m->exception = 1;
	if (!at_end(c))
		return -1;
	ev->kind = KX_EV_MSR;
	return 1;
}

/* kvm_mmio: "mmio write len 4 gpa 0xfee000b0 val 0x0" */
static int parse_mmio(struct cur *c, struct kx_event *ev)
{
	struct kx_mmio_fields *m = &ev->u.mmio;
	struct kx_text_span type;
	uint64_t v;
	size_t i;

	if (!key(c, "mmio"))
		return -1;
	type = word(c);
	for (i = 0; i < sizeof(mmio_types) / sizeof(mmio_types[0]); i++)
		if (span_is(type, mmio_types[i].name))
			break;
	if (i < sizeof(mmio_types) / sizeof(mmio_types[0]))
		m->type = mmio_types[i].type;
	else if (kx_text_parse_u64(type.p, type.len, 16, &v) == 0 && v <= UINT32_MAX)
		m->type = (uint32_t)v;
	else
		return -1;
	if (!key(c, "len") || !num32(c, 10, &m->len) || !key(c, "gpa") || !num(c, 16, &m->gpa) ||
	    !key(c, "val") || !num(c, 16, &m->val) || !at_end(c))
		return -1;
	ev->kind = KX_EV_MMIO;
	return 1;
}

/*
 * kvm_pio: "pio_write at 0x3f8 size 1 count 1 val 0x0", with " (...)" when
 * count > 1; old kernels print no val.
 */
static int parse_pio(struct cur *c, struct kx_event *ev)
{
	struct kx_pio_fields *p = &ev->u.pio;

	if (!lit(c, "pio_") || !rw(c, &p->write) || !key(c, "at") || !num32(c, 16, &p->port) ||
	    !key(c, "size") || !num32(c, 10, &p->size) || !key(c, "count") ||
	    !num32(c, 10, &p->count))
		return -1;
	if (key(c, "val") && !num32(c, 16, &p->val))
		return -1;
	key(c, "(...)");
	if (!at_end(c))
		return -1;
	ev->kind = KX_EV_PIO;
	return 1;
}

/*
 * kvm_userspace_exit: "reason KVM_EXIT_IO (2)"; with a negative errno the
 * kernel prints "restart" (-EINTR) or "error" and the errno's magnitude.
 */
static int parse_uexit(struct cur *c, struct kx_event *ev)
{
	struct kx_uexit_fields *u = &ev->u.uexit;
	struct kx_text_span name, w;
	uint64_t v;
	bool neg;

	if (!key(c, "reason"))
		return -1;
	name = word(c);
	w = word(c);
	if (name.len == 0 || w.len < 3 || w.p[0] != '(' || w.p[w.len - 1] != ')')
		return -1;
	/* the kernel prints the errno's magnitude; "(-4)" is accepted as the same */
	neg = w.p[1] == '-';
	if (kx_text_parse_u64(w.p + 1 + neg, w.len - 2 - neg, 10, &v) < 0 || v > INT32_MAX ||
	    !at_end(c))
		return -1;
	if (span_is(name, "restart") || span_is(name, "error")) {
		u->reason = 0;
		u->err = -(int32_t)v;
	} else {
		u->reason = (uint32_t)v;
		u->err = 0;
	}
	ev->kind = KX_EV_USERSPACE_EXIT;
	return 1;
}

/* kvm_eoi: "apicid 0 vector 236" (apicid printed in hex) */
static int parse_eoi(struct cur *c, struct kx_event *ev)
{
	struct kx_eoi_fields *e = &ev->u.eoi;

	if (!key(c, "apicid") || !num32(c, 16, &e->apicid) || !key(c, "vector") ||
	    !snum32(c, &e->vector) || !at_end(c))
		return -1;
	ev->kind = KX_EV_EOI;
	return 1;
}

/* Field values of a "[FAILED TO PARSE] name=value ..." text. */
struct raw_fields {
	struct kx_text_span key[RAW_MAX_FIELDS];
	struct kx_text_span val[RAW_MAX_FIELDS];	/* without a leading '-' */
	bool neg[RAW_MAX_FIELDS];
	unsigned n;
	bool print_radix;	/* -R: values in the print fmt's radix (%x without 0x) */
};

/*
 * When libtraceevent cannot parse an event's print fmt, trace-cmd and perf
 * print "[FAILED TO PARSE]" and every field as name=value, in decimal
 * (negative if signed) or 0x-hex. trace-cmd report -R prints every event
 * so, without the marker, but each value with the conversion of the print
 * fmt: there kvm_msr's ecx and kvm_eoi's apicid are hex without 0x.
 */
static void raw_parse(struct cur *c, struct raw_fields *rf)
{
	rf->n = 0;
	while (!at_end(c) && rf->n < RAW_MAX_FIELDS) {
		struct kx_text_span w = word(c), v;
		const char *eq = memchr(w.p, '=', w.len);

		if (!eq)
			continue;
		v.p = eq + 1;
		v.len = w.len - (size_t)(v.p - w.p);
		rf->neg[rf->n] = v.len > 1 && v.p[0] == '-';
		if (rf->neg[rf->n]) {
			v.p++;
			v.len--;
		}
		rf->key[rf->n].p = w.p;
		rf->key[rf->n].len = (size_t)(eq - w.p);
		rf->val[rf->n] = v;
		rf->n++;
	}
}

/* Field @key as a number; @bare_hex: printed by -R with %x (no 0x prefix). */
static bool raw_num(const struct raw_fields *rf, const char *key, bool bare_hex, uint64_t *v)
{
	unsigned i, base;

	for (i = 0; i < rf->n; i++) {
		struct kx_text_span x = rf->val[i];

		if (!span_is(rf->key[i], key))
			continue;
		base = (x.len > 2 && x.p[1] == 'x') || (bare_hex && rf->print_radix) ? 16 : 10;
		if (kx_text_parse_u64(x.p, x.len, base, v) < 0)
			return false;
		if (rf->neg[i])
			*v = (uint64_t)-(int64_t)*v;
		return true;
	}
	return false;
}

static bool raw_get(const struct raw_fields *rf, const char *key, uint64_t *v)
{
	return raw_num(rf, key, false, v);
}

/* A field as u32; absent, not a number or too large fails. */
static bool raw_u32(const struct raw_fields *rf, const char *key, uint32_t *v)
{
	uint64_t x;

	if (!raw_num(rf, key, false, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

static int raw_exit(struct kx_text_kvm *k, const struct raw_fields *rf, struct kx_event *ev)
{
	struct kx_exit_fields *x = &ev->u.exit;
	uint32_t reason, isa = KX_ISA_UNKNOWN, vcpu, code;
	uint64_t rip;
	const char *name;
	char num[24];
	int err;

	if (!raw_u32(rf, "exit_reason", &reason) || !raw_get(rf, "guest_rip", &rip))
		return -1;
	raw_u32(rf, "isa", &isa);
	code = isa == KX_ISA_VMX ? reason & KX_VMX_REASON_MASK : reason;
	name = kx_exitname((enum kx_isa)isa, code);
	if (!name) {
		snprintf(num, sizeof(num), "%u", code);
		name = num;
	}
	err = reason_set(k, name, strlen(name), x);
	if (err < 0)
		return err;
	x->code = code;
	x->isa = (uint8_t)isa;
	x->flags = reason - code;
	x->guest_mode = kx_guest_mode_of_rip(rip);
	if (raw_get(rf, "info1", &x->info1) && raw_get(rf, "info2", &x->info2))
		x->has_info = 1;
	if (raw_u32(rf, "vcpu_id", &vcpu) && vcpu <= INT32_MAX)
		ev->vcpu = (int32_t)vcpu;
	ev->kind = KX_EV_EXIT;
	return 1;
}

/* The fields of a kvm event whose print fmt did not parse, by name. */
static int parse_raw(struct kx_text_kvm *k, struct kx_text_span event, struct cur *c,
		     bool print_radix, struct kx_event *ev)
{
	struct kx_apic_fields *a = &ev->u.apic;
	struct kx_msr_fields *m = &ev->u.msr;
	struct kx_mmio_fields *mm = &ev->u.mmio;
	struct kx_pio_fields *p = &ev->u.pio;
	struct raw_fields rf;
	uint64_t vector, v;
	uint32_t vcpu;

	raw_parse(c, &rf);
	rf.print_radix = print_radix;
	if (span_is(event, "kvm_exit"))
		return raw_exit(k, &rf, ev);
	if (span_is(event, "kvm_entry")) {
		if (!raw_u32(&rf, "vcpu_id", &vcpu) || vcpu > INT32_MAX)
			return -1;
		ev->vcpu = (int32_t)vcpu;
		ev->kind = KX_EV_ENTRY;
	} else if (span_is(event, "kvm_apic")) {
		if (!raw_u32(&rf, "rw", &a->write) || !raw_u32(&rf, "reg", &a->reg) ||
		    !raw_get(&rf, "val", &a->val))
			return -1;
		ev->kind = KX_EV_APIC;
	} else if (span_is(event, "kvm_msr")) {
		if (!raw_u32(&rf, "write", &m->write) || !raw_num(&rf, "ecx", true, &v) ||
		    v > UINT32_MAX || !raw_get(&rf, "data", &m->data))
			return -1;
		m->index = (uint32_t)v;
		raw_u32(&rf, "exception", &m->exception);
		ev->kind = KX_EV_MSR;
	} else if (span_is(event, "kvm_mmio")) {
		if (!raw_u32(&rf, "type", &mm->type) || !raw_u32(&rf, "len", &mm->len) ||
		    !raw_get(&rf, "gpa", &mm->gpa) || !raw_get(&rf, "val", &mm->val))
			return -1;
		ev->kind = KX_EV_MMIO;
	} else if (span_is(event, "kvm_pio")) {
		if (!raw_u32(&rf, "rw", &p->write) || !raw_u32(&rf, "port", &p->port) ||
		    !raw_u32(&rf, "size", &p->size) || !raw_u32(&rf, "count", &p->count))
			return -1;
		raw_u32(&rf, "val", &p->val);
		ev->kind = KX_EV_PIO;
	} else if (span_is(event, "kvm_userspace_exit")) {
		uint64_t err;

		if (!raw_u32(&rf, "reason", &ev->u.uexit.reason) || !raw_get(&rf, "errno", &err))
			return -1;
		ev->u.uexit.err = (int32_t)err;
		ev->kind = KX_EV_USERSPACE_EXIT;
	} else if (span_is(event, "kvm_eoi")) {
		if (!raw_num(&rf, "apicid", true, &v) || v > UINT32_MAX ||
		    !raw_get(&rf, "vector", &vector))
			return -1;
		ev->u.eoi.apicid = (uint32_t)v;
		ev->u.eoi.vector = (int32_t)vector;
		ev->kind = KX_EV_EOI;
	} else {
		return 0;
	}
	return 1;
}

/* Whether the text starts with "name=" (trace-cmd report -R prints every event so). */
static bool raw_first(struct kx_text_span text)
{
	size_t i;

	for (i = 0; i < text.len && text.p[i] != ' '; i++)
		if (text.p[i] == '=')
			return i > 0;
	return false;
}

static int parse_kvm(struct kx_text_kvm *k, struct kx_text_span event,
		     struct kx_text_span text, struct kx_event *ev)
{
	struct cur c = { text.p, text.p + text.len };

	memset(&ev->u, 0, sizeof(ev->u));
	ev->vcpu = KX_VCPU_UNKNOWN;
	if (lit(&c, "[FAILED TO PARSE]"))
		return parse_raw(k, event, &c, false, ev);
	if (raw_first(text))
		return parse_raw(k, event, &c, true, ev);
	if (span_is(event, "kvm_exit"))
		return parse_exit(k, &c, ev);
	if (span_is(event, "kvm_entry"))
		return parse_entry(&c, ev);
	if (span_is(event, "kvm_apic"))
		return parse_apic(&c, ev);
	if (span_is(event, "kvm_msr"))
		return parse_msr(&c, ev);
	if (span_is(event, "kvm_mmio"))
		return parse_mmio(&c, ev);
	if (span_is(event, "kvm_pio"))
		return parse_pio(&c, ev);
	if (span_is(event, "kvm_userspace_exit"))
		return parse_uexit(&c, ev);
	if (span_is(event, "kvm_eoi"))
		return parse_eoi(&c, ev);
	return 0;
}

int kx_text_parse_kvm(struct kx_text_kvm *k, struct kx_text_span event,
		      struct kx_text_span text, struct kx_event *ev)
{
	int ret = parse_kvm(k, event, text, ev);

	if (ret > 0)
		kx_subkey_classify(ev);
	return ret;
}
