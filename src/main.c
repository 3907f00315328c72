// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - command dispatch. (Skeleton: the commands are added in cmd_*.c.)
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("kvmexit-stat %s\n", KX_VERSION);
		return 0;
	}
	fprintf(stderr, "kvmexit-stat: not implemented yet\n");
	return 2;
}
