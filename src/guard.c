// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * guard.c - steps run in a child process first (kx_guard.h). The child
 * writes one byte to a pipe after each step; the first step with no byte
 * after it is the one that ended the child, however it ended.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kx_guard.h"

static _Noreturn void run_child(int out, unsigned n, kx_guard_step_fn step, void *ctx,
				const bool *safe)
{
	int null = open("/dev/null", O_WRONLY);

	/*
	 * What a crash prints (a sanitizer's report) is not the tool's to
	 * show, and output the parent had buffered is the parent's to write:
	 * an exit hook (a sanitizer's) would flush the child's copy of it.
	 */
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
		close(STDOUT_FILENO);
	if (null < 0 || dup2(null, STDERR_FILENO) < 0)
		close(STDERR_FILENO);
	for (unsigned i = 0; i < n; i++) {
		if (!safe[i])
			continue;
		step(i, ctx);
		if (write(out, "", 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Bytes read from @fd until its end or @timeout_ms; @timed_out says which. */
static unsigned read_progress(int fd, int timeout_ms, bool *timed_out)
{
	int64_t deadline = now_ms() + timeout_ms;
	unsigned got = 0;
	char buf[64];

	*timed_out = false;
	for (;;) {
		int64_t left = deadline - now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		int ready;

		if (left <= 0) {
			*timed_out = true;
			return got;
		}
		ready = poll(&pfd, 1, (int)left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			*timed_out = ready == 0;
			return got;
		}
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return got;
		got += (unsigned)r;
	}
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * One child over the steps still marked safe. Return: the index of the
 * step that ended it, @n if all came back, or -errno.
 */
static int64_t one_child(unsigned n, kx_guard_step_fn step, void *ctx, int timeout_ms,
			 const bool *safe)
{
	unsigned done;
	bool timed_out;
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0)
		run_child(fds[1], n, step, ctx, safe);
	close(fds[1]);
	done = read_progress(fds[0], timeout_ms, &timed_out);
	if (timed_out)
		kill(pid, SIGKILL);
	close(fds[0]);
	reap(pid);
	for (unsigned i = 0; i < n; i++) {
		if (!safe[i])
			continue;
		if (!done)
			return i;
		done--;
	}
	return n;
}

int kx_guard_run(unsigned n, kx_guard_step_fn step, void *ctx, int timeout_ms, bool *safe)
{
	int64_t ended;

	for (unsigned i = 0; i < n; i++)
		safe[i] = true;
	while ((ended = one_child(n, step, ctx, timeout_ms, safe)) < (int64_t)n) {
		if (ended < 0)
			return (int)ended;
		safe[ended] = false;
	}
	return 0;
}
