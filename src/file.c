// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * file.c - the input file or standard input: the first bytes for format
 * sniffing, sequential reads for stream formats and a whole-file read-only
 * mapping for seekable formats. A pipe that must be mapped is first copied
 * into an unlinked temporary file.
 */
#define _GNU_SOURCE	/* mkostemp() */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kx_file.h"

/* read() until @len bytes or end of file. Return: bytes read or -errno. */
static int64_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (int64_t)done;
}

int kx_file_error(struct kx_diag *diag, int err, bool opening)
{
	if (err == -EISDIR)
		return kx_diag_set(diag, err, "is a directory");
	return kx_diag_set(diag, err, "cannot %s: %s", opening ? "open" : "read", strerror(-err));
}

int kx_file_open(struct kx_file *f, const char *path, struct kx_diag *diag)
{
	struct stat st;
	int64_t n;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->fd = -1;
	if (strcmp(path, "-") == 0) {
		f->fd = STDIN_FILENO;
	} else {
		f->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (f->fd < 0)
			return kx_file_error(diag, -errno, true);
		f->owns_fd = true;
	}
	if (fstat(f->fd, &st) < 0) {
		int err = -errno;

		kx_file_close(f);
		return kx_diag_set(diag, err, "cannot stat: %s", strerror(-err));
	}
	if (S_ISDIR(st.st_mode)) {
		kx_file_close(f);
		return kx_file_error(diag, -EISDIR, true);
	}
	f->seekable = S_ISREG(st.st_mode);
	n = read_full(f->fd, f->head, sizeof(f->head));
	if (n < 0) {
		kx_file_close(f);
		return kx_file_error(diag, (int)n, false);
	}
	f->head_len = (size_t)n;
	return 0;
}

int64_t kx_file_read(struct kx_file *f, void *buf, size_t len)
{
	size_t from_head = f->head_len - f->head_pos;
	int64_t n;

	if (from_head > len)
		from_head = len;
	memcpy(buf, f->head + f->head_pos, from_head);
	f->head_pos += from_head;
	if (from_head == len || f->head_len < sizeof(f->head))
		return (int64_t)from_head;	/* a short head means end of file */
	n = read_full(f->fd, (char *)buf + from_head, len - from_head);
	if (n < 0)
		return n;
	return (int64_t)from_head + n;
}

/* Copy the head and the rest of a pipe into an unlinked temporary file. */
static int spill(struct kx_file *f, struct kx_diag *diag)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096], buf[65536];
	int fd, err;
	int64_t n;

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(tmpl, sizeof(tmpl), "%s/kvmexit-stat.XXXXXX", dir) >= (int)sizeof(tmpl))
		return kx_diag_set(diag, -ENAMETOOLONG, "TMPDIR path is too long");
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return kx_diag_set(diag, -errno, "cannot create a temporary file in %s: %s",
				   dir, strerror(errno));
	unlink(tmpl);
	f->head_pos = 0;
	for (;;) {
		n = kx_file_read(f, buf, sizeof(buf));
		if (n < 0) {
			err = (int)n;
			close(fd);
			return kx_file_error(diag, err, false);
		}
		if (n == 0)
			break;
		if (write(fd, buf, (size_t)n) != n) {
			err = errno ? -errno : -EIO;
			close(fd);
			return kx_diag_set(diag, err, "cannot write the temporary file: %s",
					   strerror(-err));
		}
		if ((size_t)n < sizeof(buf))
			break;
	}
	if (f->owns_fd)
		close(f->fd);
	f->fd = fd;
	f->owns_fd = true;
	f->seekable = true;
	return 0;
}

int kx_file_map(struct kx_file *f, struct kx_diag *diag)
{
	struct stat st;
	void *map;
	int err;

	if (f->map || f->map_len)
		return 0;
	if (!f->seekable) {
		err = spill(f, diag);
		if (err)
			return err;
	}
	if (fstat(f->fd, &st) < 0)
		return kx_diag_set(diag, -errno, "cannot stat: %s", strerror(errno));
	f->size = (uint64_t)st.st_size;
	if (f->size == 0)
		return 0;
	map = mmap(NULL, (size_t)f->size, PROT_READ, MAP_PRIVATE, f->fd, 0);
	if (map == MAP_FAILED)
		return kx_diag_set(diag, -errno, "cannot map: %s", strerror(errno));
	/* Readers walk the data front to back (per CPU): let the kernel drop pages behind. */
	madvise(map, (size_t)f->size, MADV_SEQUENTIAL);
	f->map = map;
	f->map_len = f->size;
	return 0;
}

int kx_file_pread(struct kx_file *f, void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -KX_ETRUNC;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* Unmap what @w has mapped; a copy buffer stays for the next window. */
static void unmap_window(struct kx_file_window *w)
{
	if (w->base)
		munmap(w->base, w->base_len);
	w->base = NULL;
	w->base_len = 0;
	w->data = NULL;
}

static int copy_window(struct kx_file *f, uint64_t off, size_t len, struct kx_file_window *w)
{
	if (len > w->copy_cap) {
		unsigned char *copy = realloc(w->copy, len);

		if (!copy)
			return -ENOMEM;
		w->copy = copy;
		w->copy_cap = len;
	}
	w->data = w->copy;
	return kx_file_pread(f, w->copy, len, off);
}

int kx_file_window_at(struct kx_file *f, uint64_t off, size_t len, enum kx_window_mode mode,
		      struct kx_file_window *w)
{
	uint64_t page, start;
	size_t span;
	void *base;

	unmap_window(w);
	if (mode == KX_WINDOW_COPY)
		return copy_window(f, off, len, w);
	page = (uint64_t)sysconf(_SC_PAGESIZE);
	start = off & ~(page - 1);
	span = (size_t)(off - start) + len;
	base = mmap(NULL, span, PROT_READ,
		    MAP_PRIVATE | (mode == KX_WINDOW_POPULATE ? MAP_POPULATE : 0), f->fd,
		    (off_t)start);
	if (base == MAP_FAILED)
		return -errno;
	w->base = base;
	w->base_len = span;
	w->data = (const unsigned char *)base + (off - start);
	w->page = (size_t)page;
	return 0;
}

void kx_file_window_release(struct kx_file_window *w, const unsigned char *upto)
{
	const unsigned char *base = w->base;
	size_t done;

	if (!base || upto < base || upto > base + w->base_len)
		return;
	done = (size_t)(upto - base) / w->page * w->page;
	/*
	 * Unmapped, not just given back: a fault maps the file's whole large
	 * folio where the mapping allows, which would bring them in again.
	 */
	if (!done || munmap(w->base, done))
		return;
	w->base = (unsigned char *)w->base + done;
	w->base_len -= done;
}

void kx_file_window_free(struct kx_file_window *w)
{
	unmap_window(w);
	free(w->copy);
	w->copy = NULL;
	w->copy_cap = 0;
}

void kx_file_unmap_pages(struct kx_file *f)
{
	if (f->map && f->map_len)
		madvise((void *)f->map, (size_t)f->map_len, MADV_DONTNEED);
}

void kx_file_close(struct kx_file *f)
{
	if (f->map)
		munmap((void *)f->map, (size_t)f->map_len);
	if (f->owns_fd && f->fd >= 0)
		close(f->fd);
	f->map = NULL;
	f->map_len = 0;
	f->fd = -1;
	f->owns_fd = false;
}
