// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_fault.c - an input that shrinks while mapped. trace.dat and perf.data
 * are read through mappings sized when the file was opened; if a new
 * recording truncates the file meanwhile (`trace-cmd record -o` opens its
 * output with O_TRUNC), touching the lost part raises SIGBUS. The handler
 * finds the file in /proc/self/maps from the faulting address, so it needs
 * no state of its own, says which file shrank and exits as for any bad
 * input. It runs in a signal handler: only async-signal-safe calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "kx_cmd.h"
#include "kx_cmd_fault.h"

#define MAPS_LINE_MAX	4352	/* addresses, flags, inode and a PATH_MAX path */

static uintptr_t hex_prefix(const char *s, size_t len, size_t *used)
{
	uintptr_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			break;
		v = v << 4 | d;
	}
	*used = i;
	return v;
}

/*
 * One line of /proc/self/maps ("START-END PERMS OFFSET DEV INODE PATH"):
 * if it maps @addr from a file, the path as a pointer into @line.
 */
static const char *file_at(const char *line, size_t len, uintptr_t addr, size_t *path_len)
{
	size_t used, at;
	uintptr_t start = hex_prefix(line, len, &used), end;
	const char *path;

	if (used == len || line[used] != '-')
		return NULL;
	at = used + 1;
	end = hex_prefix(line + at, len - at, &used);
	if (addr < start || addr >= end)
		return NULL;
	/* no '/' before the path: the fields before it are hex, flags, "MAJ:MIN" and digits */
	path = memchr(line, '/', len);
	if (!path)
		return NULL;
	*path_len = len - (size_t)(path - line);
	return path;
}

/*
 * The message naming the file mapped at @addr into @msg (one write: whole
 * even if other output interleaves). Return: its length, 0 if no file maps it.
 */
static size_t message_for(uintptr_t addr, char *msg, size_t cap)
{
	static const char head[] = "kvmexit-stat: ";
	static const char tail[] = ": the file shrank while it was read "
				   "(truncated or overwritten by another program?)\n";
	char buf[2 * MAPS_LINE_MAX];
	size_t have = 0, out = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	while (!out) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		size_t start = 0;
		char *nl;

		if (n <= 0)
			break;
		have += (size_t)n;
		while (!out && (nl = memchr(buf + start, '\n', have - start))) {
			size_t len = (size_t)(nl - (buf + start)), path_len;
			const char *path = file_at(buf + start, len, addr, &path_len);

			if (path && sizeof(head) + path_len + sizeof(tail) <= cap) {
				memcpy(msg, head, sizeof(head) - 1);
				memcpy(msg + sizeof(head) - 1, path, path_len);
				memcpy(msg + sizeof(head) - 1 + path_len, tail, sizeof(tail) - 1);
				out = sizeof(head) - 1 + path_len + sizeof(tail) - 1;
			}
			start += len + 1;
		}
		if (start == 0 && have == sizeof(buf))
			start = have;	/* a line longer than any map's: not ours */
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	close(fd);
	return out;
}

static void on_sigbus(int sig, siginfo_t *si, void *context)
{
	/* the one thing handlers share: which faulting thread speaks (one line, not one each) */
	static atomic_flag speaking = ATOMIC_FLAG_INIT;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	char msg[MAPS_LINE_MAX + 128];
	size_t len;
	int saved = errno;

	if (si->si_code == BUS_ADRERR && (len = message_for((uintptr_t)si->si_addr, msg,
							   sizeof(msg)))) {
		if (atomic_flag_test_and_set(&speaking))
			for (;;)
				pause();	/* until the one speaking ends the process */
		(void)!write(STDERR_FILENO, msg, len);	/* failing, the status still tells */
		_exit(KX_EXIT_INPUT);
	}
	/* not a shrunk input: the default action, as soon as this handler returns */
	sigaction(sig, &dfl, NULL);
	raise(sig);
	errno = saved;
}

int kx_cmd_catch_shrinking_inputs(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL) ? -errno : 0;
}
