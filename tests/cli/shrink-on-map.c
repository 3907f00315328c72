// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shrink-on-map.c - LD_PRELOAD shim for t-shrinking-input.sh: the
 * KX_SHRINK_NTH-th mapping (default 1) of the file KX_SHRINK_PATH
 * truncates that file to KX_SHRINK_TO bytes right after it is made, as a
 * new recording written over the file would while kvmexit-stat reads it.
 * Deterministic, unlike racing a truncate against the reader.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* mmap64: what callers built with _FILE_OFFSET_BITS=64 link to */
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	static int seen;
	void *(*real)(void *, size_t, int, int, int, off64_t) = dlsym(RTLD_NEXT, "mmap64");
	void *p = real(addr, len, prot, flags, fd, off);
	const char *want = getenv("KX_SHRINK_PATH"), *nth = getenv("KX_SHRINK_NTH");
	char link[64], path[PATH_MAX];
	ssize_t n;

	if (p == MAP_FAILED || fd < 0 || !want)
		return p;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return p;
	path[n] = '\0';
	if (strcmp(path, want) == 0 && ++seen == (nth ? atoi(nth) : 1) &&
	    truncate(path, atoll(getenv("KX_SHRINK_TO") ? getenv("KX_SHRINK_TO") : "0")))
		perror("shrink-on-map: truncate");
	return p;
}
