// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/specs/taihu.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "taihu_nl_gen.h"

#include <uapi/drm/taihu_netlink.h>

/* TAIHU_CMD_DEV_GET - do */
static const struct nla_policy taihu_dev_get_nl_policy[TAIHU_A_DEV_MINOR + 1] = {
	[TAIHU_A_DEV_MINOR] = { .type = NLA_U32, },
};

/* TAIHU_CMD_PROC_GET - dump */
static const struct nla_policy taihu_proc_get_nl_policy[TAIHU_A_PROC_MINOR + 1] = {
	[TAIHU_A_PROC_MINOR] = { .type = NLA_U32, },
};

/* TAIHU_CMD_POWER_CAP_SET - do */
static const struct nla_policy taihu_power_cap_set_nl_policy[TAIHU_A_DEV_POWER_CAP + 1] = {
	[TAIHU_A_DEV_MINOR] = { .type = NLA_U32, },
	[TAIHU_A_DEV_POWER_CAP] = { .type = NLA_UINT, },
};

/* TAIHU_CMD_DEV_RESET - do */
static const struct nla_policy taihu_dev_reset_nl_policy[TAIHU_A_DEV_MINOR + 1] = {
	[TAIHU_A_DEV_MINOR] = { .type = NLA_U32, },
};

/* Ops table for taihu */
static const struct genl_split_ops taihu_nl_ops[] = {
	{
		.cmd		= TAIHU_CMD_DEV_GET,
		.doit		= taihu_nl_dev_get_doit,
		.policy		= taihu_dev_get_nl_policy,
		.maxattr	= TAIHU_A_DEV_MINOR,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= TAIHU_CMD_DEV_GET,
		.dumpit	= taihu_nl_dev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TAIHU_CMD_PROC_GET,
		.dumpit		= taihu_nl_proc_get_dumpit,
		.policy		= taihu_proc_get_nl_policy,
		.maxattr	= TAIHU_A_PROC_MINOR,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TAIHU_CMD_POWER_CAP_SET,
		.doit		= taihu_nl_power_cap_set_doit,
		.policy		= taihu_power_cap_set_nl_policy,
		.maxattr	= TAIHU_A_DEV_POWER_CAP,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TAIHU_CMD_DEV_RESET,
		.doit		= taihu_nl_dev_reset_doit,
		.policy		= taihu_dev_reset_nl_policy,
		.maxattr	= TAIHU_A_DEV_MINOR,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group taihu_nl_mcgrps[] = {
	[TAIHU_NLGRP_EVENTS] = { "events", },
};

struct genl_family taihu_nl_family __ro_after_init = {
	.name		= TAIHU_FAMILY_NAME,
	.version	= TAIHU_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= taihu_nl_ops,
	.n_split_ops	= ARRAY_SIZE(taihu_nl_ops),
	.mcgrps		= taihu_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(taihu_nl_mcgrps),
};
