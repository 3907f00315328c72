/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_grow.h - room for one more element in an array that grows by
 * doubling: the tables of threads, keys, names, rules and rows that every
 * module keeps. One place for the doubling and its overflow check.
 */
#ifndef KX_GROW_H
#define KX_GROW_H

#include <stddef.h>

/**
 * kx_grow() - @arr, of *@cap elements of @size bytes, reallocated to twice
 * *@cap elements, or to @first when *@cap is 0.
 * Return: the new array with *@cap updated, or NULL (out of memory, or the
 * size would overflow) with @arr and *@cap unchanged.
 */
void *kx_grow(void *arr, size_t *cap, size_t size, size_t first);

#endif /* KX_GROW_H */
