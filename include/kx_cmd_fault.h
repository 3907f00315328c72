/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_cmd_fault.h - what the command layer does when a mapped input file
 * shrinks under it (another program truncates or overwrites it while it
 * is read): the read of the lost part raises SIGBUS.
 */
#ifndef KX_CMD_FAULT_H
#define KX_CMD_FAULT_H

/**
 * kx_cmd_catch_shrinking_inputs() - from now on, a SIGBUS on a mapped file
 * prints "kvmexit-stat: FILE: ..." (FILE as the kernel names the mapping)
 * and exits with KX_EXIT_INPUT instead of dumping core; any other SIGBUS
 * keeps its default action. Return: 0 or -errno.
 */
int kx_cmd_catch_shrinking_inputs(void);

#endif /* KX_CMD_FAULT_H */
