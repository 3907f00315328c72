// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * file-shim.c - LD_PRELOAD shim for the tests that watch how kvmexit-stat
 * uses its input files, deterministically and without strace:
 * - KX_SHRINK_PATH: the KX_SHRINK_NTH-th mapping (default 1) of that file
 *   truncates it to KX_SHRINK_TO bytes right after it is made, as a new
 *   recording written over the file would while kvmexit-stat reads it;
 * - KX_OPEN_LOG: every open of a file appends its path to that file
 *   (how many readers a trace had: one per time slice);
 * - KX_MAP_LOG: every mapping of a file appends its path to that file
 *   (whether a reader maps its windows or reads them);
 * - KX_READ_LOG: every pread of a file appends its path and length to
 *   that file (how many samples the split of a trace reads).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Append @line to the file @log names. */
static void log_line(const char *log, const char *line)
{
	FILE *f = fopen(log, "a");

	if (f) {
		fprintf(f, "%s\n", line);
		fclose(f);
	}
}

/* The path of open file @fd into @path (PATH_MAX bytes). Return: 0 or -1. */
static int fd_path(int fd, char *path)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, PATH_MAX - 1);
	if (n < 0)
		return -1;
	path[n] = '\0';
	return 0;
}

/* mmap64: what callers built with _FILE_OFFSET_BITS=64 link to */
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	static int seen;
	void *(*real)(void *, size_t, int, int, int, off64_t) = dlsym(RTLD_NEXT, "mmap64");
	void *p = real(addr, len, prot, flags, fd, off);
	const char *want = getenv("KX_SHRINK_PATH"), *nth = getenv("KX_SHRINK_NTH");
	const char *log = getenv("KX_MAP_LOG");
	char path[PATH_MAX];

	if (p == MAP_FAILED || fd < 0 || (!want && !log) || fd_path(fd, path))
		return p;
	if (log)
		log_line(log, path);
	if (want && strcmp(path, want) == 0 && ++seen == (nth ? atoi(nth) : 1) &&
	    truncate(path, atoll(getenv("KX_SHRINK_TO") ? getenv("KX_SHRINK_TO") : "0")))
		perror("shrink-on-map: truncate");
	return p;
}

/* pread64: what callers built with _FILE_OFFSET_BITS=64 link to */
ssize_t pread64(int fd, void *buf, size_t len, off64_t off)
{
	ssize_t (*real)(int, void *, size_t, off64_t) = dlsym(RTLD_NEXT, "pread64");
	const char *log = getenv("KX_READ_LOG");
	char path[PATH_MAX], line[PATH_MAX + 32];

	if (log && !fd_path(fd, path)) {
		snprintf(line, sizeof(line), "%s %zu", path, len);
		log_line(log, line);
	}
	return real(fd, buf, len, off);
}

/* open64: what callers built with _FILE_OFFSET_BITS=64 link to */
int open64(const char *path, int flags, ...)
{
	int (*real)(const char *, int, ...) = dlsym(RTLD_NEXT, "open64");
	const char *log = getenv("KX_OPEN_LOG");
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (log)
		log_line(log, path);
	return real(path, flags, mode);
}
