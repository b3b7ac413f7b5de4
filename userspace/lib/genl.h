/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu internals: requests to the "taihu" generic netlink family with
 * libnl-genl-3 (telemetry.c, events.c).
 */
#ifndef TAIHU_GENL_H
#define TAIHU_GENL_H

#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct taihu_genl {
	struct nl_sock *sock;
	int family;
	char errmsg[256];	/* the kernel's extended ack message, or "" */
};

/* Connect and resolve the family; -ENOENT when it is not registered. */
int taihu__genl_open(struct taihu_genl *g);
void taihu__genl_close(struct taihu_genl *g);

/* A libnl error code (negative) as a negative errno. */
int taihu__nlerr(int nlerr);

/*
 * Called with the parsed top-level attributes of each reply message, and
 * the message's attribute stream (@attrs, @len) for repeated attributes
 * (the table keeps only the last of them).
 */
typedef int (*taihu_genl_parse_fn)(struct nlattr **tb, const struct nlattr *attrs, int len,
				   void *arg);

/*
 * Send @cmd (NLM_F_DUMP when @dump) with the attributes @put adds (may be
 * NULL) and feed every reply to @parse (may be NULL), with attributes up
 * to @maxattr. Returns 0 or a negative errno (the kernel's, with its
 * message in g->errmsg).
 */
int taihu__genl_request(struct taihu_genl *g, uint8_t cmd, int dump,
			int (*put)(struct nl_msg *msg, void *arg), void *put_arg,
			int maxattr, taihu_genl_parse_fn parse, void *arg);

/* A "uint" attribute: 4 or 8 bytes. */
uint64_t taihu__nla_uint(const struct nlattr *a);
/* Copy a string attribute into @dst of @size bytes, always terminated. */
void taihu__nla_string(const struct nlattr *a, char *dst, size_t size);

/*
 * Copy the first @size bytes of @src (a struct of @full bytes, whose first
 * member is uint32_t size) into @dst, setting the size member to @size.
 */
void taihu__copy_sized(void *dst, size_t size, const void *src, size_t full);

#endif /* TAIHU_GENL_H */
