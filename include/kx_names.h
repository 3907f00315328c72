/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_names.h - a small string intern table. Exit-reason names from binary
 * codes and from text inputs meet here, so analysis keys on a dense id and
 * two inputs compare by name. Memory grows with distinct names only.
 */
#ifndef KX_NAMES_H
#define KX_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct kx_names;

/** kx_names_new() - an empty table. Return: NULL on allocation failure. */
struct kx_names *kx_names_new(void);
void kx_names_free(struct kx_names *names);

/**
 * kx_names_intern() - id of @len bytes at @str, adding them if new.
 * Return: id >= 0, or -ENOMEM.
 */
int64_t kx_names_intern(struct kx_names *names, const char *str, size_t len);

/** kx_names_find() - id of a NUL-terminated name, or -1 if absent. */
int64_t kx_names_find(const struct kx_names *names, const char *str);

/** kx_names_get() - the name of @id (borrowed), NULL if out of range. */
const char *kx_names_get(const struct kx_names *names, uint32_t id);

/** kx_names_count() - number of names; ids are 0 .. count-1. */
uint32_t kx_names_count(const struct kx_names *names);

#endif /* KX_NAMES_H */
