/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_load.h - the input of compare and check: a trace (any format the
 * readers take, analysed for exit times and timer cycles) or a
 * saved `kvmexit-stat report --json` / `cycles --json` document, told apart
 * by content (JSON starts with '{'). Command layer only.
 */
#ifndef KX_LOAD_H
#define KX_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "kx.h"
#include "kx_cli.h"
#include "kx_snapshot.h"

/* Largest saved report read (bytes). */
#define KX_LOAD_JSON_MAX	(256u << 20)

/**
 * kx_load_snapshots() - load the @n inputs @paths ("-" = a trace on stdin)
 * with the input options @in (traces only). The traces that can be cut
 * are read one after the other, each in time slices on all the --threads
 * of @in; the others at the same time, the threads shared out among them.
 * The snapshots do not depend on it.
 * Return: 0 and @out[0..n-1] (kx_snapshot_free() each), or the error of the
 * first input in order that fails: its index in *@failed, @diag filled,
 * nothing in @out.
 */
int kx_load_snapshots(const char *const *paths, size_t n, const struct kx_input_args *in,
		      struct kx_snapshot **out, size_t *failed, struct kx_diag *diag);

/**
 * kx_load_read_all() - read @f to its end (pipes too), at most @cap bytes.
 * Return: 0 with *@buf (free()) and *@len, -E2BIG over @cap, -ENOMEM or -EIO.
 */
int kx_load_read_all(FILE *f, size_t cap, char **buf, size_t *len);

#endif /* KX_LOAD_H */
