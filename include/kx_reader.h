/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_reader.h - the contract between the source dispatcher (input.c) and
 * the format readers (input_*.c). Only input.c and the readers include it.
 * Each reader has a probe (does the head look like my format?) and an open
 * that fills a struct kx_reader with its private state and callbacks.
 */
#ifndef KX_READER_H
#define KX_READER_H

#include "kx_file.h"
#include "kx_source.h"

struct kx_reader {
	void *priv;
	/* 1 event, 0 end, <0 error (diag filled) */
	int (*next)(void *priv, struct kx_event *ev, struct kx_diag *diag);
	/*
	 * Or up to @max events at once (a reader whose merge loop should not
	 * return per event): their number, 0 at the end, <0 error. Opened
	 * with kx_source_opts.windows, a batch may be a time window: then
	 * @windowed and @window say so.
	 */
	int (*next_batch)(void *priv, struct kx_event *evs, unsigned max, struct kx_diag *diag);
	void (*close)(void *priv);
	/* command name of a thread, NULL if unknown; may be NULL itself */
	const char *(*comm)(void *priv, int32_t tid);
	/* time slices (may be NULL): see kx_source_split(), _joins(), _absorb() */
	unsigned (*split)(void *priv, unsigned n, uint64_t analysis_bytes, uint64_t thread_bytes,
			  struct kx_cut *cuts);
	bool (*joins)(const void *priv, const void *next_priv);
	int (*absorb)(void *priv, const void *other_priv);	/* 0, -ENOMEM, KX_SOURCE_APART */
	struct kx_source_info info;	/* filled by open; counters final once next returned 0 */
	bool windowed;			/* next_batch's last batch is a time window, */
	struct kx_window window;	/* laid out so */
	struct kx_names *names;		/* created by the dispatcher before open; reader interns into it */
};

/*
 * A format reader. probe() looks only at f->head/head_len and returns true
 * when the content is this format; open() then reads the file (kx_file_read
 * or kx_file_map) and fills @r (priv, next or next_batch, close, info).
 */
struct kx_reader_ops {
	const char *name;
	bool (*probe)(const struct kx_file *f);
	int (*open)(struct kx_file *f, const struct kx_source_opts *opts,
		    struct kx_reader *r, struct kx_diag *diag);
};


extern const struct kx_reader_ops kx_tracedat_reader;
extern const struct kx_reader_ops kx_perfdata_reader;
extern const struct kx_reader_ops kx_text_reader;

#endif /* KX_READER_H */
