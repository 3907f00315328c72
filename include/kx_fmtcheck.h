/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_fmtcheck.h - whether an event format text may be handed to
 * libtraceevent. Version 1.7.1 crashes (NULL dereference, division by
 * zero) on some damaged formats, and a damaged file must never crash the
 * tool: such a format is treated as one that does not parse, its event
 * unreadable. The checks are those every format a kernel writes passes.
 */
#ifndef KX_FMTCHECK_H
#define KX_FMTCHECK_H

#include <stdbool.h>
#include <stddef.h>

/**
 * kx_format_plausible() - @text (@size bytes, not NUL-terminated) is
 * printable text with a name, a format and a print fmt whose expression
 * is well formed and uses only declared fields.
 */
bool kx_format_plausible(const char *text, size_t size);

#endif /* KX_FMTCHECK_H */
