/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The kernel steps of `taihu run` (gemm=, conv=, pool=, add=, relu=,
 * transpose=, cast=, ...): operands in new buffer objects filled with
 * random values, one KERNEL packet appended by libtaihu, and the card's
 * outputs checked against the card's reference implementation computed
 * here (libtaihu-kref: the same numerics, no oneDNN).
 */
#ifndef TAIHU_CLI_RUN_KERNEL_H
#define TAIHU_CLI_RUN_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "taihu/taihu.h"

struct kstep;

/*
 * Parse "NAME=ARGS" if NAME is a kernel step: 1 with *@out set, 0 if NAME
 * is not one, or CLI_EXIT_USAGE after a message for bad ARGS.
 */
int kstep_parse(const char *text, struct kstep **out);
/* Buffers in @placement, inputs filled; 0 or a negative error. */
int kstep_setup(struct kstep *k, struct taihu_device *dev, uint32_t placement);
/* Append the step's KERNEL packet; 0 or a negative error (message in the cmdbuf). */
int kstep_append(struct kstep *k, struct taihu_cmdbuf *cb);
/* Fill the outputs with a value no kernel writes by chance. */
void kstep_poison(struct kstep *k);
/* 1 when the outputs match the reference, else 0 with @detail set. */
int kstep_verify(struct kstep *k, char *detail, size_t len);
/* Floating-point operations (or elements moved, for TRANSPOSE and CAST) of one run. */
double kstep_ops(const struct kstep *k);
/* The step's buffer objects into @out (room for 4); their number. */
unsigned int kstep_bos(const struct kstep *k, struct taihu_bo **out);
void kstep_free(struct kstep *k);

#endif /* TAIHU_CLI_RUN_KERNEL_H */
