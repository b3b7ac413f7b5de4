// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Generic netlink requests through libnl-genl-3. The kernel's extended ack
 * message is kept so that tools can say why a request failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "genl.h"
#include "taihu_internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int taihu__nlerr(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_NOACCESS:
		return -EACCES;
	default:
		return -EIO;
	}
}

int taihu__genl_open(struct taihu_genl *g)
{
	int one = 1, ret;

	memset(g, 0, sizeof(*g));
	g->sock = nl_socket_alloc();
	if (!g->sock)
		return -ENOMEM;
	ret = genl_connect(g->sock);
	if (ret < 0)
		goto fail;
	/* Ask for the kernel's error messages (best effort). */
	setsockopt(nl_socket_get_fd(g->sock), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	ret = genl_ctrl_resolve(g->sock, TAIHU_FAMILY_NAME);
	if (ret < 0)
		goto fail;
	g->family = ret;
	return 0;
fail:
	nl_socket_free(g->sock);
	g->sock = NULL;
	return taihu__nlerr(ret);
}

void taihu__genl_close(struct taihu_genl *g)
{
	if (g && g->sock) {
		nl_socket_free(g->sock);
		g->sock = NULL;
	}
}

struct request {
	struct taihu_genl *g;
	int maxattr;
	taihu_genl_parse_fn parse;
	void *arg;
	int err;
	int done;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;
	struct nlattr *tb[64];
	int ret;

	if (r->err || !r->parse)
		return NL_OK;
	if (r->maxattr >= (int)(sizeof(tb) / sizeof(tb[0])))
		return NL_STOP;
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, r->maxattr, NULL);
	if (ret < 0) {
		r->err = -EPROTO;
		return NL_OK;
	}
	ret = r->parse(tb, genlmsg_attrdata(nlmsg_data(nlmsg_hdr(msg)), 0),
		       genlmsg_attrlen(nlmsg_data(nlmsg_hdr(msg)), 0), r->arg);
	if (ret)
		r->err = ret;
	return NL_OK;
}

/* The message of an extended ack: TLVs after the error (and the request). */
static void ext_ack_message(struct taihu_genl *g, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
				  len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		taihu__nla_string(tb[NLMSGERR_ATTR_MSG], g->errmsg, sizeof(g->errmsg));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request *r = arg;

	(void)nla;
	r->err = e->error < 0 ? e->error : -EIO;
	ext_ack_message(r->g, e);
	r->done = 1;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;

	(void)msg;
	r->done = 1;
	return NL_STOP;
}

int taihu__genl_request(struct taihu_genl *g, uint8_t cmd, int dump,
			int (*put)(struct nl_msg *msg, void *arg), void *put_arg,
			int maxattr, taihu_genl_parse_fn parse, void *arg)
{
	struct request r = { .g = g, .maxattr = maxattr, .parse = parse, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int ret;

	g->errmsg[0] = '\0';
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		ret = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, TAIHU_FAMILY_VERSION)) {
		ret = -ENOMEM;
		goto out;
	}
	if (put) {
		ret = put(msg, put_arg);
		if (ret)
			goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &r);
	ret = nl_send_auto(g->sock, msg);
	if (ret < 0) {
		ret = taihu__nlerr(ret);
		goto out;
	}
	ret = 0;
	while (!r.done) {
		int n = nl_recvmsgs(g->sock, cb);

		if (n < 0 && !r.err) {
			ret = taihu__nlerr(n);
			break;
		}
	}
	if (!ret)
		ret = r.err;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return ret;
}

uint64_t taihu__nla_uint(const struct nlattr *a)
{
	if (nla_len(a) == 8)
		return nla_get_u64((struct nlattr *)a);
	if (nla_len(a) == 4)
		return nla_get_u32((struct nlattr *)a);
	return 0;
}

void taihu__nla_string(const struct nlattr *a, char *dst, size_t size)
{
	size_t n = (size_t)nla_len(a);
	const char *s = nla_data(a);

	if (!size)
		return;
	if (n && s[n - 1] == '\0')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

void taihu__copy_sized(void *dst, size_t size, const void *src, size_t full)
{
	uint32_t sz = (uint32_t)size;

	memcpy(dst, src, size < full ? size : full);
	if (size > full)
		memset((char *)dst + full, 0, size - full);
	if (size >= sizeof(uint32_t))
		memcpy(dst, &sz, sizeof(sz));
}
