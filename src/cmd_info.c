// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_info.c - placeholder for `kvmexit-stat info FILE` (reader metadata). */
#include <stdio.h>

#include "kx_cmd.h"

int kx_cmd_info(int argc, char **argv)
{
	fprintf(stderr, "kvmexit-stat: info: not implemented yet\n");
	return KX_EXIT_INTERNAL;
}
