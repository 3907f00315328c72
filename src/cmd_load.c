// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_load.c - loads one input of compare/check into a snapshot: a saved
 * JSON report (recognised by its first non-blank byte '{'), or a trace
 * analysed in one pass that feeds both the exit-time accumulators and the
 * timer-cycle analysis.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_attrib.h"
#include "kx_cycles.h"
#include "kx_file.h"
#include "kx_load.h"
#include "kx_report.h"

struct tee {
	struct kx_attrib *attrib;
	struct kx_cycles *cycles;
};

static int tee_interval(void *ctx, const struct kx_interval *iv)
{
	struct tee *t = ctx;
	int err = kx_attrib_interval(t->attrib, iv);

	return err ? err : kx_cycles_feed(t->cycles, iv);
}

static int load_trace(const char *path, const struct kx_input_args *in,
		      struct kx_snapshot **out, struct kx_diag *diag)
{
	struct kx_cycles_opts copts = { 0 };
	struct kx_report *report = NULL;
	struct tee t = { NULL, NULL };
	struct kx_run run;
	int err;

	err = kx_run_open(&run, path, &in->sopts, &in->filter, diag);
	if (err < 0)
		return err;
	t.attrib = kx_attrib_new(false);
	t.cycles = kx_cycles_new(&copts);
	if (!t.attrib || !t.cycles) {
		err = kx_diag_set(diag, -ENOMEM, "out of memory");
		goto out;
	}
	run.on_helper = kx_attrib_event;
	run.helper_ctx = t.attrib;
	err = kx_run_stream(&run, tee_interval, &t, diag);
	if (!err)
		err = kx_cycles_finish(t.cycles);
	if (err == -ENOMEM)
		kx_diag_set(diag, err, "out of memory");
	if (err < 0)
		goto out;
	err = kx_report_build(&run, t.attrib, &report);
	t.attrib = NULL;	/* the report owns it now, also on failure */
	if (!err)
		err = kx_snapshot_from_report(report, out);
	if (!err)
		err = kx_snapshot_add_cycles(*out, kx_cycles_total(t.cycles));
	if (err)
		kx_diag_set(diag, err, "out of memory");
	else if (!(*out)->has_exits)
		err = kx_diag_set(diag, -KX_ENOEVENTS, "no kvm_exit/kvm_entry events to judge");
	if (err && *out) {
		kx_snapshot_free(*out);
		*out = NULL;
	}
out:
	kx_report_free(report);
	kx_cycles_free(t.cycles);
	kx_attrib_free(t.attrib);
	kx_run_close(&run);
	return err;
}

/* Return: 1 when the file starts (after blanks) with '{', 0 if not, negative on error. */
static int looks_like_json(FILE *f)
{
	int c;

	do
		c = getc(f);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	if (ferror(f))
		return -errno;
	return c == '{';
}

int kx_load_read_all(FILE *f, size_t cap, char **buf, size_t *len)
{
	size_t size = 4096, used = 0;
	char *b = malloc(size), *nb;

	if (!b)
		return -ENOMEM;
	for (;;) {
		size_t got = fread(b + used, 1, size - used, f);

		used += got;
		if (used < size)
			break;
		if (size >= cap) {
			free(b);
			return -E2BIG;
		}
		size = size * 2 < cap ? size * 2 : cap;
		nb = realloc(b, size);
		if (!nb) {
			free(b);
			return -ENOMEM;
		}
		b = nb;
	}
	if (ferror(f)) {
		free(b);
		return -EIO;
	}
	*buf = b;
	*len = used;
	return 0;
}

/* The rest of a document whose first non-blank byte, '{', was just read (pipes too). */
static int load_json(const char *path, FILE *f, struct kx_snapshot **out, struct kx_diag *diag)
{
	size_t len;
	char *rest, *doc;
	int err;

	err = kx_load_read_all(f, KX_LOAD_JSON_MAX, &rest, &len);
	if (err == -E2BIG)
		return kx_diag_set(diag, err, "saved report larger than %u MiB", KX_LOAD_JSON_MAX >> 20);
	if (err)
		return kx_diag_set(diag, err, "cannot read the saved report: %s", strerror(-err));
	doc = malloc(len + 1);
	if (!doc) {
		free(rest);
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	doc[0] = '{';
	memcpy(doc + 1, rest, len);
	free(rest);
	err = kx_snapshot_from_json(path, doc, len + 1, out, diag);
	free(doc);
	return err;
}

int kx_load_snapshot(const char *path, const struct kx_input_args *in, struct kx_snapshot **out,
		     struct kx_diag *diag)
{
	FILE *f;
	int json, err;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		return load_trace(path, in, out, diag);
	f = fopen(path, "rb");
	if (!f)
		return kx_file_error(diag, -errno, true);
	json = looks_like_json(f);
	if (json > 0)
		err = load_json(path, f, out, diag);
	fclose(f);
	if (json < 0)
		return kx_file_error(diag, json, false);
	if (json > 0)
		return err;
	return load_trace(path, in, out, diag);
}
