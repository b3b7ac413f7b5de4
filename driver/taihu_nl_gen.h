/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/specs/taihu.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_TAIHU_GEN_H
#define _LINUX_TAIHU_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/drm/taihu_netlink.h>

int taihu_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int taihu_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int taihu_nl_proc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int taihu_nl_power_cap_set_doit(struct sk_buff *skb, struct genl_info *info);
int taihu_nl_dev_reset_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	TAIHU_NLGRP_EVENTS,
};

extern struct genl_family taihu_nl_family;

#endif /* _LINUX_TAIHU_GEN_H */
