// SPDX-License-Identifier: GPL-2.0-or-later
/* input_perfdata.c - placeholder until the reader lands: recognises nothing. */
#include "kx_reader.h"

static bool probe_none(const struct kx_file *f)
{
	return false;
}

const struct kx_reader_ops kx_perfdata_reader = {
	.name = "perfdata",
	.probe = probe_none,
};
