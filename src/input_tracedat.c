// SPDX-License-Identifier: GPL-2.0-or-later
/* input_tracedat.c - placeholder until the reader lands: recognises nothing. */
#include "kx_reader.h"

static bool probe_none(const struct kx_file *f)
{
	return false;
}

const struct kx_reader_ops kx_tracedat_reader = {
	.name = "tracedat",
	.probe = probe_none,
};
