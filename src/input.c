// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * input.c - the source dispatcher: opens the file, detects its format from
 * the content by asking each reader in turn (trace.dat, perf.data, text),
 * and forwards kx_source_* calls to the reader that accepted it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kx_reader.h"
#include "kx_source.h"

struct kx_source {
	struct kx_file file;
	struct kx_reader reader;
	bool reader_open;
	unsigned pos, n;		/* buf[pos..n) not yet delivered */
	struct kx_event buf[KX_SOURCE_BATCH];
};

static const struct kx_reader_ops *const readers[] = {
	&kx_tracedat_reader,
	&kx_perfdata_reader,
	&kx_text_reader,
};

unsigned kx_source_threads(const struct kx_source_opts *opts)
{
	long n;

	if (opts->threads)
		return opts->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

int kx_source_open(const char *path, const struct kx_source_opts *opts,
		   struct kx_source **out, struct kx_diag *diag)
{
	static const struct kx_source_opts no_opts;
	const struct kx_reader_ops *ops = NULL;
	struct kx_source *src;
	size_t i;
	int err;

	*out = NULL;
	if (!opts)
		opts = &no_opts;
	src = calloc(1, sizeof(*src));
	if (!src)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	src->file.fd = -1;
	err = kx_file_open(&src->file, path, diag);
	if (err)
		goto fail;
	if (src->file.head_len == 0) {
		err = kx_diag_set(diag, -KX_EFORMAT, "empty file");
		goto fail;
	}
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		if (readers[i]->probe && readers[i]->open && readers[i]->probe(&src->file)) {
			ops = readers[i];
			break;
		}
	}
	if (!ops) {
		err = kx_diag_set(diag, -KX_EFORMAT,
				  "not a trace.dat, perf.data or known text trace");
		goto fail;
	}
	src->reader.names = kx_names_new();
	if (!src->reader.names) {
		err = kx_diag_set(diag, -ENOMEM, "out of memory");
		goto fail;
	}
	src->reader.info.path = path;
	err = ops->open(&src->file, opts, &src->reader, diag);
	if (err)
		goto fail;
	src->reader_open = true;
	src->reader.info.path = path;
	*out = src;
	return 0;
fail:
	kx_source_close(src);
	return err;
}

/* Refill the buffer: 1, 0 at the end, <0 error. */
static int refill(struct kx_source *src, struct kx_diag *diag)
{
	struct kx_reader *r = &src->reader;
	unsigned n = 0;
	int ret;

	if (r->next_batch) {
		ret = r->next_batch(r->priv, src->buf, KX_SOURCE_BATCH, diag);
	} else {
		while (n < KX_SOURCE_BATCH && (ret = r->next(r->priv, &src->buf[n], diag)) > 0)
			n++;
		if (ret >= 0)
			ret = (int)n;
	}
	if (ret <= 0)
		return ret;
	src->pos = 0;
	src->n = (unsigned)ret;
	return 1;
}

const struct kx_window *kx_source_window(const struct kx_source *src)
{
	return src->reader.windowed ? &src->reader.window : NULL;
}

int kx_source_next_batch(struct kx_source *src, const struct kx_event **evs,
			 struct kx_diag *diag)
{
	int ret;

	if (src->pos == src->n && (ret = refill(src, diag)) <= 0)
		return ret;
	*evs = src->buf + src->pos;
	ret = (int)(src->n - src->pos);
	src->pos = src->n;
	return ret;
}

const struct kx_source_info *kx_source_info(const struct kx_source *src)
{
	return &src->reader.info;
}

const struct kx_names *kx_source_names(const struct kx_source *src)
{
	return src->reader.names;
}

int64_t kx_source_name_id(struct kx_source *src, const char *name)
{
	return kx_names_intern(src->reader.names, name, strlen(name));
}

const char *kx_source_comm(const struct kx_source *src, int32_t tid)
{
	if (!src->reader.comm)
		return NULL;
	return src->reader.comm(src->reader.priv, tid);
}

unsigned kx_source_split(struct kx_source *src, unsigned n, uint64_t analysis_bytes,
			 uint64_t thread_bytes, struct kx_cut *cuts)
{
	if (!src->reader.split)
		return 0;
	return src->reader.split(src->reader.priv, n, analysis_bytes, thread_bytes, cuts);
}

bool kx_source_joins(const struct kx_source *a, const struct kx_source *b)
{
	return a->reader.joins && a->reader.joins(a->reader.priv, b->reader.priv);
}

int kx_source_absorb(struct kx_source *dst, const struct kx_source *src)
{
	struct kx_source_info *d = &dst->reader.info;
	const struct kx_source_info *s = &src->reader.info;

	d->records += s->records;
	kx_lost_join(&d->lost, &s->lost);
	d->lost_untimed += s->lost_untimed;
	return dst->reader.absorb ? dst->reader.absorb(dst->reader.priv, src->reader.priv) : 0;
}

void kx_source_close(struct kx_source *src)
{
	if (!src)
		return;
	if (src->reader_open && src->reader.close)
		src->reader.close(src->reader.priv);
	kx_names_free(src->reader.names);
	kx_file_close(&src->file);
	free(src);
}
