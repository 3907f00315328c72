/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_guard.h - run steps that may crash the process (libtraceevent's
 * format parser on a damaged format) in a child process first, to learn
 * which of them the tool must not run itself. The checks of kx_fmtcheck.h
 * refuse the shapes of damage known to crash libtraceevent 1.7.1; this
 * catches the ones nobody has met yet.
 */
#ifndef KX_GUARD_H
#define KX_GUARD_H

#include <stdbool.h>

/* One step: its return value is ignored, only whether it came back counts. */
typedef void (*kx_guard_step_fn)(unsigned i, void *ctx);

/**
 * kx_guard_run() - run @step(i, @ctx) for i = 0 .. @n - 1, in that order,
 * in a child process, and set @safe[i]: false for a step that ended the
 * child (a signal, an exit, a sanitizer's report) or ran past @timeout_ms,
 * true for the others. The steps after one that ended a child run again in
 * a new child, after every earlier safe step: a step may depend on what
 * the ones before it left. The child's stdout and stderr are /dev/null.
 * Return: 0, or -errno when a child could not be started: @safe then marks
 * only the steps found unsafe before.
 */
int kx_guard_run(unsigned n, kx_guard_step_fn step, void *ctx, int timeout_ms, bool *safe);

#endif /* KX_GUARD_H */
