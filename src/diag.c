// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diag.c - error codes to text and the kx_diag helper every module uses to
 * describe a failure without printing it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kx.h"

int kx_diag_set(struct kx_diag *diag, int err, const char *fmt, ...)
{
	va_list ap;

	if (diag) {
		va_start(ap, fmt);
		vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

const char *kx_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case KX_EFORMAT:	return "not a supported trace file";
	case KX_ETRUNC:		return "file is truncated";
	case KX_ECORRUPT:	return "file is corrupt";
	case KX_EVERSION:	return "unsupported format version";
	case KX_ENOZSTD:	return "zstd-compressed data, built without libzstd";
	case KX_ENOEVENTS:	return "required events are missing";
	case KX_EUSAGE:		return "invalid usage";
	case KX_ESORTMEM:	return "sorting the events needs more memory than allowed";
	default:		return strerror(err);
	}
}

const char *kx_unit_name(enum kx_unit unit)
{
	return unit == KX_UNIT_CYCLES ? "cycles" : "ns";
}
