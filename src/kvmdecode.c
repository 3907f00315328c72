// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvmdecode.c - raw ftrace records of kvm events to struct kx_event. At
 * setup each kvm event's fields are looked up by name in the recording's
 * own formats (older kernels lack some) and the kvm_exit print fmt symbol
 * tables are extracted; per record the fields are read at their offsets in
 * the file's byte order (with loads of fixed sizes when the format has the
 * layout of recent kernels), and reason codes are named through a small
 * cache.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "kx_cursor.h"
#include "kx_exitnames.h"
#include "kx_grow.h"
#include "kx_kvmdecode.h"
#include "kx_subkey.h"
#include "kx_tracedata.h"

/* Direct-mapped reason cache for codes below this; larger codes use a list. */
#define DIRECT_CODES 2048
#define NO_ID UINT32_MAX

/*
 * A field of a format: absent fields have size 0. mask and sign let a
 * little-endian field be read as one 8-byte load: (v & mask ^ sign) - sign
 * keeps its bytes and extends its sign; both are 0 for an absent field.
 */
struct field {
	uint32_t off;
	uint32_t size;
	bool is_signed;
	uint64_t mask;
	uint64_t sign;
};

enum kx_fields {
	F_PID,
	F_A, F_B, F_C, F_D, F_E, F_F,
	NR_F
};

/* Fields each event kind reads, in F_A.. order; the first is required. */
static const char *const kind_fields[][NR_F - 1] = {
	[KX_EV_EXIT] = { "exit_reason", "isa", "info1", "info2", "vcpu_id", "guest_rip" },
	[KX_EV_ENTRY] = { "vcpu_id" },
	[KX_EV_APIC] = { "reg", "rw", "val" },
	[KX_EV_MSR] = { "ecx", "write", "data", "exception" },
	[KX_EV_MMIO] = { "type", "len", "gpa", "val" },
	[KX_EV_PIO] = { "port", "rw", "size", "count", "val" },
	[KX_EV_USERSPACE_EXIT] = { "reason", "errno" },
	[KX_EV_EOI] = { "apicid", "vector" },
};

/*
 * The layout (size, signed) of those fields in the kernels of the last
 * years (common_pid first). A format that has exactly these is decoded
 * with loads of these sizes, no masks; any other with the generic loads.
 */
struct layout {
	uint8_t size;
	bool is_signed;
};

#define U4	{ 4, false }
#define U8	{ 8, false }
#define S4	{ 4, true }
#define U1	{ 1, false }

static const struct layout kind_layouts[][NR_F] = {
	[KX_EV_EXIT] = { S4, U4, U4, U8, U8, U4, U8 },
	[KX_EV_ENTRY] = { S4, U4 },
	[KX_EV_APIC] = { S4, U4, U4, U8 },
	[KX_EV_MSR] = { S4, U4, U4, U8, U1 },
	[KX_EV_MMIO] = { S4, U4, U4, U8, U8 },
	[KX_EV_PIO] = { S4, U4, U4, U4, U4, U4 },
	[KX_EV_USERSPACE_EXIT] = { S4, U4, S4 },
	[KX_EV_EOI] = { S4, U4, S4 },
};

#undef U4
#undef U8
#undef S4
#undef U1

/* By kind, and from kind 1 on the NULL-terminated kx_kvmdecode_events. */
static const char *const kind_events[] = {
	[KX_EV_EXIT] = "kvm_exit",
	[KX_EV_ENTRY] = "kvm_entry",
	[KX_EV_APIC] = "kvm_apic",
	[KX_EV_MSR] = "kvm_msr",
	[KX_EV_MMIO] = "kvm_mmio",
	[KX_EV_PIO] = "kvm_pio",
	[KX_EV_USERSPACE_EXIT] = "kvm_userspace_exit",
	[KX_EV_EOI] = "kvm_eoi",
	[KX_EV_EOI + 1] = NULL,
};

#define NR_KINDS (sizeof(kind_events) / sizeof(kind_events[0]))

const char *const *const kx_kvmdecode_events = &kind_events[1];

/* One kvm-system event of the recording. */
struct slot {
	struct field f[NR_F];
	uint32_t need;		/* record bytes the fields need */
	uint32_t need_wide;	/* readable bytes for 8-byte loads of every field */
	uint8_t kind;		/* enum kx_event_kind, 0 = only counted */
	bool fixed;		/* the fields are the kind's layout, the file little-endian */
};

/* How a record's fields are loaded: see field(). */
enum load_mode {
	LOAD_ANY,	/* any size, either byte order, absent fields give 0 */
	LOAD_WIDE,	/* little-endian, 8 readable bytes at each field: masked 8-byte loads */
	LOAD_FIXED,	/* little-endian, the kind's layout: loads of its sizes */
};

/* A symbol table of the kvm_exit print fmt, borrowed from the tep handle. */
struct symtab {
	const struct tep_print_flag_sym *syms;
	bool present;
};

/* Name cache entry for reason codes above DIRECT_CODES. */
struct far_code {
	uint32_t code;
	uint32_t id;
	uint8_t isa;
};

struct kx_kvmdecode {
	struct kx_names *names;
	bool big_endian;
	uint16_t *slot_of_id;		/* [nr_ids]: slot index + 1, 0 = not kvm */
	uint32_t nr_ids;
	struct slot *slots;		/* [nr_slots], same order as counts */
	struct kx_event_count *counts;	/* [nr_slots], sorted by name */
	struct kx_event_count *seen;	/* [nr_slots] scratch: the non-zero counts */
	size_t nr_slots;
	struct symtab tab[3];		/* by enum kx_isa (VMX, SVM): the format's tables */
	uint32_t *direct[3];		/* [DIRECT_CODES] name ids by isa (VMX, SVM), or NO_ID */
	uint8_t guess[DIRECT_CODES];	/* isa of a code when there is no isa field, or 0 */
	struct far_code *far;
	size_t nr_far, cap_far;
	uint64_t short_records;
};

static void find_field(struct tep_event *ev, const char *name, bool common, struct field *f)
{
	struct tep_format_field *tf;

	tf = common ? tep_find_common_field(ev, name) : tep_find_field(ev, name);
	memset(f, 0, sizeof(*f));
	if (!tf || tf->offset < 0 || !(tf->size == 1 || tf->size == 2 || tf->size == 4 ||
				       tf->size == 8))
		return;
	f->off = (uint32_t)tf->offset;
	f->size = (uint32_t)tf->size;
	f->is_signed = tf->flags & TEP_FIELD_IS_SIGNED;
	f->mask = f->size == 8 ? UINT64_MAX : (1ull << (8 * f->size)) - 1;
	f->sign = f->is_signed && f->size < 8 ? 1ull << (8 * f->size - 1) : 0;
}

static inline uint64_t get(const unsigned char *data, const struct field *f, bool be)
{
	const unsigned char *p = data + f->off;

	switch (f->size) {
	case 1:
		return f->is_signed ? (uint64_t)(int64_t)(int8_t)*p : *p;
	case 2:
		return f->is_signed ? (uint64_t)(int64_t)(int16_t)kx_load16(p, be) :
				      kx_load16(p, be);
	case 4:
		return f->is_signed ? (uint64_t)(int64_t)(int32_t)kx_load32(p, be) :
				      kx_load32(p, be);
	case 8:
		return kx_load64(p, be);
	default:
		return 0;
	}
}

/* Does the expression @arg read the field exit_reason? */
static bool reads_exit_reason(const struct tep_print_arg *arg)
{
	if (!arg)
		return false;
	switch (arg->type) {
	case TEP_PRINT_FIELD:
		return arg->field.name && strcmp(arg->field.name, "exit_reason") == 0;
	case TEP_PRINT_OP:
		return reads_exit_reason(arg->op.left) || reads_exit_reason(arg->op.right);
	case TEP_PRINT_TYPE:
		return reads_exit_reason(arg->typecast.item);
	default:
		return false;
	}
}

/* How many names of @syms the built-in table of @isa has. */
static unsigned builtin_matches(const struct tep_print_flag_sym *syms, enum kx_isa isa)
{
	unsigned n = 0;

	for (; syms; syms = syms->next) {
		const char *name;

		if (!syms->value || !syms->str)
			continue;
		name = kx_exitname(isa, (uint32_t)strtoull(syms->value, NULL, 0));
		if (name && strcmp(name, syms->str) == 0)
			n++;
	}
	return n;
}

/*
 * Collect the __print_symbolic() tables over exit_reason, in print order.
 * In "(REC->isa == 1) ? VMX : SVM" the first is VMX; each table is also
 * checked against the built-in tables so a single-table format lands on
 * the ISA whose names it uses.
 */
static void collect_tables(struct kx_kvmdecode *dec, const struct tep_print_arg *arg,
			   unsigned *order)
{
	for (; arg; arg = arg->next) {
		switch (arg->type) {
		case TEP_PRINT_SYMBOL:
			if (reads_exit_reason(arg->symbol.field)) {
				unsigned vmx = builtin_matches(arg->symbol.symbols, KX_ISA_VMX);
				unsigned svm = builtin_matches(arg->symbol.symbols, KX_ISA_SVM);
				enum kx_isa isa;

				if (vmx != svm)
					isa = vmx > svm ? KX_ISA_VMX : KX_ISA_SVM;
				else
					isa = *order == 0 ? KX_ISA_VMX : KX_ISA_SVM;
				if (!dec->tab[isa].present) {
					dec->tab[isa].syms = arg->symbol.symbols;
					dec->tab[isa].present = true;
				}
				(*order)++;
			}
			break;
		case TEP_PRINT_OP:
			/* Only the operands: an op's own ->next is not a sibling list. */
			collect_tables(dec, arg->op.left, order);
			collect_tables(dec, arg->op.right, order);
			break;
		case TEP_PRINT_TYPE:
			collect_tables(dec, arg->typecast.item, order);
			break;
		default:
			break;
		}
	}
}

static int cmp_count_name(const void *a, const void *b)
{
	const struct kx_event_count *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void setup_slot(struct kx_kvmdecode *dec, struct slot *s, struct tep_event *ev)
{
	unsigned kind, i;

	memset(s, 0, sizeof(*s));
	if (!ev || ev->flags & TEP_EVENT_FL_FAILED)
		return;		/* not parsed, or unreadable: counted, never decoded */
	for (kind = 1; kind < NR_KINDS; kind++)
		if (kind_events[kind] && strcmp(ev->name, kind_events[kind]) == 0)
			break;
	if (kind == NR_KINDS)
		return;
	find_field(ev, "common_pid", true, &s->f[F_PID]);
	for (i = 0; i < NR_F - 1 && kind_fields[kind][i]; i++)
		find_field(ev, kind_fields[kind][i], false, &s->f[F_A + i]);
	if (!s->f[F_A].size)
		return;		/* the key field is missing: cannot decode */
	s->need_wide = 8;	/* an absent field loads (and masks off) bytes 0..7 */
	for (i = 0; i < NR_F; i++) {
		if (s->f[i].size && s->f[i].off + s->f[i].size > s->need)
			s->need = s->f[i].off + s->f[i].size;
		if (s->f[i].size && s->f[i].off + 8 > s->need_wide)
			s->need_wide = s->f[i].off + 8;
	}
	s->kind = (uint8_t)kind;
	s->fixed = !dec->big_endian;
	for (i = 0; i < NR_F; i++)
		if (kind_layouts[kind][i].size &&
		    (s->f[i].size != kind_layouts[kind][i].size ||
		     s->f[i].is_signed != kind_layouts[kind][i].is_signed))
			s->fixed = false;
	if (kind == KX_EV_EXIT) {
		unsigned order = 0;

		collect_tables(dec, ev->print_fmt.args, &order);
	}
}

int kx_kvmdecode_new(struct tep_handle *tep, const struct kx_format_id *counted,
		     size_t nr_counted, struct kx_names *names, struct kx_kvmdecode **out)
{
	struct kx_kvmdecode *dec;
	int i, nr = tep_get_events_count(tep);
	size_t n = nr_counted, k;
	int max_id = -1;

	*out = NULL;
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return -ENOMEM;
	dec->names = names;
	dec->big_endian = tep_is_file_bigendian(tep);
	for (i = 0; i < nr; i++) {
		struct tep_event *ev = tep_get_event(tep, i);

		if (!ev || ev->id < 0 || ev->id > UINT16_MAX || !ev->system ||
		    strcmp(ev->system, "kvm"))
			continue;
		n++;
		if (ev->id > max_id)
			max_id = ev->id;
	}
	for (k = 0; k < nr_counted; k++)
		if (counted[k].id > max_id)
			max_id = counted[k].id;
	dec->nr_ids = (uint32_t)(max_id + 1);
	dec->nr_slots = n;
	dec->slot_of_id = calloc(dec->nr_ids ? dec->nr_ids : 1, sizeof(*dec->slot_of_id));
	dec->slots = calloc(n ? n : 1, sizeof(*dec->slots));
	dec->counts = calloc(n ? n : 1, sizeof(*dec->counts));
	dec->seen = calloc(n ? n : 1, sizeof(*dec->seen));
	for (k = KX_ISA_VMX; k <= KX_ISA_SVM; k++) {
		dec->direct[k] = malloc(DIRECT_CODES * sizeof(uint32_t));
		if (dec->direct[k])
			memset(dec->direct[k], 0xff, DIRECT_CODES * sizeof(uint32_t));
	}
	if (!dec->slot_of_id || !dec->slots || !dec->counts || !dec->seen ||
	    !dec->direct[KX_ISA_VMX] || !dec->direct[KX_ISA_SVM]) {
		kx_kvmdecode_free(dec);
		return -ENOMEM;
	}
	/* Sorted by name for a stable listing; slots follow the same order. */
	for (i = 0, k = 0; i < nr; i++) {
		struct tep_event *ev = tep_get_event(tep, i);

		if (!ev || ev->id < 0 || ev->id > UINT16_MAX || !ev->system ||
		    strcmp(ev->system, "kvm"))
			continue;
		dec->counts[k].name = ev->name;
		dec->counts[k].count = (uint64_t)ev->id;	/* id until sorted */
		k++;
	}
	for (size_t j = 0; j < nr_counted; j++, k++) {
		dec->counts[k].name = counted[j].name;
		dec->counts[k].count = (uint64_t)counted[j].id;
	}
	qsort(dec->counts, n, sizeof(*dec->counts), cmp_count_name);
	for (k = 0; k < n; k++) {
		int id = (int)dec->counts[k].count;

		dec->counts[k].count = 0;
		dec->slot_of_id[id] = (uint16_t)(k + 1);
		setup_slot(dec, &dec->slots[k], tep_find_event(tep, id));
	}
	*out = dec;
	return 0;
}

void kx_kvmdecode_free(struct kx_kvmdecode *dec)
{
	if (!dec)
		return;
	free(dec->slot_of_id);
	free(dec->slots);
	free(dec->counts);
	free(dec->seen);
	for (int i = 0; i < 3; i++)
		free(dec->direct[i]);
	free(dec->far);
	free(dec);
}

static const char *table_name(const struct symtab *t, uint32_t code)
{
	const struct tep_print_flag_sym *s;

	if (!t->present)
		return NULL;
	for (s = t->syms; s; s = s->next)
		if (s->value && s->str && (uint32_t)strtoull(s->value, NULL, 0) == code)
			return s->str;
	return NULL;
}

/* Name of @code for @isa: the recording's own table, then the built-in one. */
static const char *reason_name(const struct kx_kvmdecode *dec, enum kx_isa isa, uint32_t code)
{
	const char *name = table_name(&dec->tab[isa], code);

	return name ? name : kx_exitname(isa, code);
}

/* Slow path: name a code not seen before and intern it. Return: id or NO_ID. */
static __attribute__((noinline)) uint32_t resolve(struct kx_kvmdecode *dec, enum kx_isa isa,
						  uint32_t code)
{
	const char *name = reason_name(dec, isa, code);
	char num[16];
	int64_t id;

	if (!name) {
		snprintf(num, sizeof(num), "%u", code);
		name = num;
	}
	id = kx_names_intern(dec->names, name, strlen(name));
	return id < 0 ? NO_ID : (uint32_t)id;
}

/* The id of a code at or above DIRECT_CODES: a short list, rarely used. */
static __attribute__((noinline)) uint32_t far_reason_id(struct kx_kvmdecode *dec,
							enum kx_isa isa, uint32_t code)
{
	struct far_code *fc;
	size_t i;

	for (i = 0; i < dec->nr_far; i++)
		if (dec->far[i].code == code && dec->far[i].isa == isa)
			return dec->far[i].id;
	if (dec->nr_far == dec->cap_far) {
		fc = kx_grow(dec->far, &dec->cap_far, sizeof(*fc), 16);
		if (!fc)
			return resolve(dec, isa, code);
		dec->far = fc;
	}
	fc = &dec->far[dec->nr_far++];
	fc->code = code;
	fc->isa = (uint8_t)isa;
	fc->id = resolve(dec, isa, code);
	return fc->id;
}

/* Inline, the slow paths out of line: named once an exit, it needs no stack frame. */
static inline uint32_t reason_id(struct kx_kvmdecode *dec, enum kx_isa isa, uint32_t code)
{
	uint32_t *slot;

	if (code >= DIRECT_CODES)
		return far_reason_id(dec, isa, code);
	slot = &dec->direct[isa][code];
	if (*slot == NO_ID)
		*slot = resolve(dec, isa, code);
	return *slot;
}

/* ISA of a recording without an isa field: the table that names the code. */
static enum kx_isa guess_isa(const struct kx_kvmdecode *dec, uint32_t raw)
{
	if (reason_name(dec, KX_ISA_VMX, raw & KX_VMX_REASON_MASK))
		return KX_ISA_VMX;
	if (reason_name(dec, KX_ISA_SVM, raw))
		return KX_ISA_SVM;
	return KX_ISA_VMX;
}

static enum kx_isa cached_guess(struct kx_kvmdecode *dec, uint32_t raw)
{
	if (raw >= DIRECT_CODES)
		return guess_isa(dec, raw);
	if (!dec->guess[raw])
		dec->guess[raw] = (uint8_t)guess_isa(dec, raw);
	return (enum kx_isa)dec->guess[raw];
}

/*
 * Field @i of record @d in a record of @kind, 0 when the format lacks it
 * (LOAD_ANY only: the other modes have every field). @mode and @kind are
 * constants where this is inlined, so each mode's body is built once:
 * LOAD_FIXED is one load of the layout's size (kind_layouts), LOAD_WIDE
 * one 8-byte load and two ALU steps.
 */
static inline __attribute__((always_inline)) uint64_t field(const unsigned char *d,
							     const struct slot *s, unsigned kind,
							     unsigned i, bool be, enum load_mode mode)
{
	const struct field *f = &s->f[i];

	if (mode == LOAD_FIXED) {
		const struct layout *l = &kind_layouts[kind][i];
		const unsigned char *p = d + f->off;

		if (l->size == 1)
			return *p;
		if (l->size == 4)
			return l->is_signed ? (uint64_t)(int64_t)(int32_t)kx_load32(p, false) :
					      kx_load32(p, false);
		return kx_load64(p, false);
	}
	if (mode == LOAD_WIDE) {
		uint64_t v;

		memcpy(&v, d + f->off, sizeof(v));
		return ((v & f->mask) ^ f->sign) - f->sign;
	}
	return f->size ? get(d, f, be) : 0;
}

/* Is field @i of @s there? Always in the modes that require every field. */
static inline __attribute__((always_inline)) bool has(const struct slot *s, unsigned i,
						      enum load_mode mode)
{
	return mode == LOAD_FIXED || s->f[i].size;
}

static inline __attribute__((always_inline)) void decode_exit(struct kx_kvmdecode *dec,
							      const struct slot *s,
							      const unsigned char *d,
							      struct kx_event *ev,
							      enum load_mode mode)
{
	struct kx_exit_fields *x = &ev->u.exit;
	bool be = dec->big_endian;
	uint32_t raw = (uint32_t)field(d, s, KX_EV_EXIT, F_A, be, mode);
	uint64_t isa_field = field(d, s, KX_EV_EXIT, F_B, be, mode);
	enum kx_isa isa = KX_ISA_UNKNOWN;

	if (has(s, F_B, mode) && (isa_field == KX_ISA_VMX || isa_field == KX_ISA_SVM))
		isa = (enum kx_isa)isa_field;
	if (isa == KX_ISA_UNKNOWN)
		isa = cached_guess(dec, raw);
	if (isa == KX_ISA_VMX) {
		x->code = raw & KX_VMX_REASON_MASK;
		x->flags = raw & ~KX_VMX_REASON_MASK;
	} else {
		x->code = raw;
		x->flags = 0;
	}
	x->isa = (uint8_t)isa;
	x->reason = KX_REASON_DEFERRED;	/* named in delivery order: kx_kvmdecode_reason() */
	x->info1 = field(d, s, KX_EV_EXIT, F_C, be, mode);
	x->info2 = field(d, s, KX_EV_EXIT, F_D, be, mode);
	x->has_info = has(s, F_C, mode) && has(s, F_D, mode);
	ev->vcpu = has(s, F_E, mode) ? (int32_t)field(d, s, KX_EV_EXIT, F_E, be, mode) :
				       KX_VCPU_UNKNOWN;
	x->guest_mode = has(s, F_F, mode) ?
			kx_guest_mode_of_rip(field(d, s, KX_EV_EXIT, F_F, be, mode)) :
			KX_GUEST_MODE_UNKNOWN;
}

/* The fields of @s's kind into @ev (see field() for @mode). Return 1, or 0. */
static inline __attribute__((always_inline)) int decode_fields(struct kx_kvmdecode *dec,
							       const struct slot *s,
							       const unsigned char *d,
							       struct kx_event *ev,
							       enum load_mode mode)
{
	bool be = dec->big_endian;

#define FIELD(kind, i) field(d, s, kind, i, be, mode)
	ev->kind = s->kind;
	/* common_pid has one layout in every kind: any constant kind names it */
	ev->tid = has(s, F_PID, mode) ? (int32_t)FIELD(KX_EV_EXIT, F_PID) : -1;
	ev->pid = -1;
	ev->vcpu = KX_VCPU_UNKNOWN;
	switch (s->kind) {
	case KX_EV_EXIT:
		decode_exit(dec, s, d, ev, mode);
		break;
	case KX_EV_ENTRY:
		ev->vcpu = (int32_t)FIELD(KX_EV_ENTRY, F_A);
		break;
	case KX_EV_APIC:
		ev->u.apic.reg = (uint32_t)FIELD(KX_EV_APIC, F_A);
		ev->u.apic.write = (uint32_t)FIELD(KX_EV_APIC, F_B);
		ev->u.apic.val = FIELD(KX_EV_APIC, F_C);
		break;
	case KX_EV_MSR:
		ev->u.msr.index = (uint32_t)FIELD(KX_EV_MSR, F_A);
		ev->u.msr.write = (uint32_t)FIELD(KX_EV_MSR, F_B);
		ev->u.msr.data = FIELD(KX_EV_MSR, F_C);
		ev->u.msr.exception = (uint32_t)FIELD(KX_EV_MSR, F_D);
		break;
	case KX_EV_MMIO:
		ev->u.mmio.type = (uint32_t)FIELD(KX_EV_MMIO, F_A);
		ev->u.mmio.len = (uint32_t)FIELD(KX_EV_MMIO, F_B);
		ev->u.mmio.gpa = FIELD(KX_EV_MMIO, F_C);
		ev->u.mmio.val = FIELD(KX_EV_MMIO, F_D);
		break;
	case KX_EV_PIO:
		ev->u.pio.port = (uint32_t)FIELD(KX_EV_PIO, F_A);
		ev->u.pio.write = (uint32_t)FIELD(KX_EV_PIO, F_B);
		ev->u.pio.size = (uint32_t)FIELD(KX_EV_PIO, F_C);
		ev->u.pio.count = (uint32_t)FIELD(KX_EV_PIO, F_D);
		ev->u.pio.val = (uint32_t)FIELD(KX_EV_PIO, F_E);
		break;
	case KX_EV_USERSPACE_EXIT:
		ev->u.uexit.reason = (uint32_t)FIELD(KX_EV_USERSPACE_EXIT, F_A);
		ev->u.uexit.err = (int32_t)FIELD(KX_EV_USERSPACE_EXIT, F_B);
		break;
	case KX_EV_EOI:
		ev->u.eoi.apicid = (uint32_t)FIELD(KX_EV_EOI, F_A);
		ev->u.eoi.vector = (int32_t)FIELD(KX_EV_EOI, F_B);
		break;
	default:
		return 0;
	}
#undef FIELD
	kx_subkey_classify(ev);
	return 1;
}

int kx_kvmdecode_record(struct kx_kvmdecode *dec, const void *data, uint32_t size,
			uint32_t readable, struct kx_event *ev)
{
	const unsigned char *d = data;
	const struct slot *s;
	uint16_t type;
	uint32_t idx;

	if (size < 2)
		return 0;
	type = kx_load16(d, dec->big_endian);
	if (type >= dec->nr_ids || !dec->slot_of_id[type])
		return 0;
	idx = dec->slot_of_id[type] - 1u;
	dec->counts[idx].count++;
	s = &dec->slots[idx];
	if (!s->kind)
		return 0;
	if (size < s->need) {
		dec->short_records++;
		return 0;
	}
	if (s->fixed)
		return decode_fields(dec, s, d, ev, LOAD_FIXED);
	if (!dec->big_endian && readable >= s->need_wide)
		return decode_fields(dec, s, d, ev, LOAD_WIDE);
	return decode_fields(dec, s, d, ev, LOAD_ANY);
}

uint32_t kx_kvmdecode_reason(struct kx_kvmdecode *dec, enum kx_isa isa, uint32_t code)
{
	if (isa != KX_ISA_VMX && isa != KX_ISA_SVM)
		isa = KX_ISA_VMX;
	return reason_id(dec, isa, code);
}

void kx_kvmdecode_add_counts(struct kx_kvmdecode *dst, const struct kx_kvmdecode *src)
{
	for (size_t i = 0; i < dst->nr_slots && i < src->nr_slots; i++)
		dst->counts[i].count += src->counts[i].count;
	dst->short_records += src->short_records;
}

const struct kx_event_count *kx_kvmdecode_event_counts(const struct kx_kvmdecode *dec,
							size_t *nr)
{
	size_t i, n = 0;

	for (i = 0; i < dec->nr_slots; i++)
		if (dec->counts[i].count)
			dec->seen[n++] = dec->counts[i];
	*nr = n;
	return dec->seen;
}

uint64_t kx_kvmdecode_short(const struct kx_kvmdecode *dec)
{
	return dec->short_records;
}
