// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * formats.c - kx-synth: load a format set (header_page, header_event and the
 * kvm event formats extracted from real recordings, tests/fixtures/formats/)
 * and encode event records exactly at the offsets and sizes those texts give.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

static const char *const kind_names[SY_NKINDS] = {
	"kvm_exit", "kvm_entry", "kvm_apic", "kvm_msr", "kvm_mmio", "kvm_pio",
	"kvm_userspace_exit", "kvm_eoi",
};

/* Value slots of each event kind, in the order struct sy_ev.v carries them. */
static const char *const slot_names[SY_NKINDS][SY_MAX_VALS] = {
	[SY_EXIT] = { "exit_reason", "guest_rip", "isa", "info1", "info2", "vcpu_id" },
	[SY_ENTRY] = { "vcpu_id", "rip" },
	[SY_APIC] = { "rw", "reg", "val" },
	[SY_MSR] = { "write", "ecx", "data" },
	[SY_MMIO] = { "type", "len", "gpa", "val" },
	[SY_PIO] = { "rw", "port", "size", "count", "val" },
	[SY_USEREXIT] = { "reason", "errno" },
	[SY_EOI] = { "apicid", "vector" },
};

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = sy_xmalloc(n + 1);
	if (fread(buf, 1, n, fp) != (size_t)n)
		sy_die("%s: short read", path);
	buf[n] = 0;
	fclose(fp);
	*len = n;
	return buf;
}

static void parse_fields(struct sy_event_fmt *ev, const char *path)
{
	const char *p = ev->text;
	const char *id = strstr(p, "\nID: ");
	size_t end = 0;

	if (!id)
		sy_die("%s: no ID line", path);
	ev->id = atoi(id + 5);
	while ((p = strstr(p, "\tfield:")) != NULL) {
		struct sy_field *fl;
		const char *semi = strchr(p, ';'), *nm = semi, *o, *s;

		if (!semi || ev->nfields == SY_MAX_FIELDS)
			sy_die("%s: bad field list", path);
		while (nm > p && nm[-1] != ' ' && nm[-1] != '*')
			nm--;
		fl = &ev->fields[ev->nfields++];
		snprintf(fl->name, sizeof(fl->name), "%.*s", (int)(semi - nm), nm);
		o = strstr(semi, "offset:");
		s = strstr(semi, "size:");
		if (!o || !s)
			sy_die("%s: field without offset/size", path);
		fl->off = atoi(o + 7);
		fl->size = atoi(s + 5);
		if (fl->off + fl->size > end)
			end = fl->off + fl->size;
		p = semi;
	}
	/* The record is the C struct: padded to its widest member (8 with a u64). */
	ev->rec_size = (end + 7) & ~(size_t)7;
	for (int i = 0; i < ev->nfields; i++)
		if (ev->fields[i].size == 8)
			goto done;
	ev->rec_size = (end + 3) & ~(size_t)3;
done:
	if (ev->rec_size > sizeof(ev->tmpl))
		sy_die("%s: record too large", path);
}

static int parse_symbols(const char *start, struct sy_symbol **out)
{
	const char *p = start;
	int n = 0, cap = 64, depth = 1;
	struct sy_symbol *tab = sy_xmalloc(cap * sizeof(*tab));

	while (*p && depth > 0) {
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == '{') {
			char *q;
			const char *name;
			int64_t code = strtoll(p + 1, &q, 0);

			while (*q == ' ')
				q++;
			if (*q == '+')
				code += strtoll(q + 1, &q, 0);
			name = strchr(q, '"');
			if (!name)
				break;
			if (n == cap)
				tab = realloc(tab, (cap *= 2) * sizeof(*tab));
			tab[n].code = code;
			snprintf(tab[n].name, sizeof(tab[n].name), "%.*s",
				 (int)(strchr(name + 1, '"') - name - 1), name + 1);
			n++;
			p = strchr(name + 1, '"');
		}
		p++;
	}
	*out = tab;
	return n;
}

static int load_event(struct sy_formats *f, int kind, const char *dir, const char *fallback)
{
	struct sy_event_fmt *ev = &f->ev[kind];
	char path[4096];

	ev->name = kind_names[kind];
	if (snprintf(path, sizeof(path), "%s/kvm/%s", dir, ev->name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	ev->text = slurp(path, &ev->text_len);
	if (!ev->text && fallback) {
		if (snprintf(path, sizeof(path), "%s/kvm/%s", fallback, ev->name) >=
		    (int)sizeof(path))
			return -ENAMETOOLONG;
		ev->text = slurp(path, &ev->text_len);
	}
	if (!ev->text)
		return -ENOENT;
	parse_fields(ev, path);
	memset(ev->tmpl, 0, sizeof(ev->tmpl));
	sy_put16(ev->tmpl, ev->id);
	for (int s = 0; s < SY_MAX_VALS; s++) {
		ev->val_off[s] = -1;
		for (int i = 0; slot_names[kind][s] && i < ev->nfields; i++) {
			if (!strcmp(ev->fields[i].name, slot_names[kind][s]) &&
			    ev->fields[i].size <= 8) {
				ev->val_off[s] = ev->fields[i].off;
				ev->val_size[s] = ev->fields[i].size;
				ev->slot[ev->nslots++] = s;
			}
		}
	}
	return 0;
}

int sy_formats_load(struct sy_formats *f, const char *dir, const char *set)
{
	char path[4096], base[4096], fallback[4096];
	const char *vmx, *svm;

	memset(f, 0, sizeof(*f));
	snprintf(f->set, sizeof(f->set), "%s", set);
	if (snprintf(base, sizeof(base), "%s/%s", dir, set) >= (int)sizeof(base) ||
	    /* Sets that only carry kvm_entry/kvm_exit take the helper events from 6.18. */
	    snprintf(fallback, sizeof(fallback), "%s/linux-6.18", dir) >= (int)sizeof(fallback))
		return -ENAMETOOLONG;
	if (snprintf(path, sizeof(path), "%s/header_page", base) < (int)sizeof(path))
		f->header_page = slurp(path, &f->hp_len);
	if (snprintf(path, sizeof(path), "%s/header_event", base) < (int)sizeof(path))
		f->header_event = slurp(path, &f->he_len);
	if (!f->header_page || !f->header_event)
		return -ENOENT;
	for (int k = 0; k < SY_NKINDS; k++)
		if (load_event(f, k, base, fallback))
			return -ENOENT;
	vmx = strstr(f->ev[SY_EXIT].text, "__print_symbolic(REC->exit_reason & 0xffff,");
	svm = strstr(f->ev[SY_EXIT].text, "__print_symbolic(REC->exit_reason,");
	if (!vmx || !svm)
		return -EINVAL;
	f->nvmx = parse_symbols(strchr(vmx, ',') + 1, &f->vmx);
	f->nsvm = parse_symbols(strchr(svm, ',') + 1, &f->svm);
	snprintf(f->release, sizeof(f->release), "%s",
		 !strcmp(set, "linux-6.5") ? "6.5.0-21-generic" : "6.18.44-fc-v657");
	return 0;
}

void sy_formats_free(struct sy_formats *f)
{
	free(f->header_page);
	free(f->header_event);
	for (int k = 0; k < SY_NKINDS; k++)
		free(f->ev[k].text);
	free(f->vmx);
	free(f->svm);
}

void sy_record(const struct sy_formats *f, int kind, uint32_t pid, const uint64_t *vals,
	       uint8_t *out)
{
	const struct sy_event_fmt *ev = &f->ev[kind];

	/* fixed-size copies for the common record sizes: inlined, no libc call */
	switch (ev->rec_size) {
	case 16: memcpy(out, ev->tmpl, 16); break;
	case 24: memcpy(out, ev->tmpl, 24); break;
	case 28: memcpy(out, ev->tmpl, 28); break;
	case 32: memcpy(out, ev->tmpl, 32); break;
	case 40: memcpy(out, ev->tmpl, 40); break;
	case 64: memcpy(out, ev->tmpl, 64); break;
	case 72: memcpy(out, ev->tmpl, 72); break;
	default: memcpy(out, ev->tmpl, ev->rec_size); break;
	}
	memcpy(out + 4, &pid, 4);
	for (int i = 0; i < ev->nslots; i++) {
		int s = ev->slot[i], off = ev->val_off[s];

		/* little-endian host: the low bytes of the value are the field */
		switch (ev->val_size[s]) {
		case 8: memcpy(out + off, &vals[s], 8); break;
		case 4: memcpy(out + off, &vals[s], 4); break;
		default: memcpy(out + off, &vals[s], ev->val_size[s]); break;
		}
	}
}
