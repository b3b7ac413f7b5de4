// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The "taihu" generic netlink family: dev-get (do and dump), proc-get
 * (dump), power-cap-set (CAP_SYS_ADMIN) and the events group.
 *
 * Locking: taihu_nl_lock protects the list of devices; a device is on it
 * from taihu_nl_dev_add() (end of probe) to taihu_nl_dev_remove() (start
 * of remove), so a handler holding the lock may read the device and its
 * BAR2. Under it, a dump may take drm_device.filelist_mutex and then a
 * context's lock. Handlers that sleep on the card take a drm_device
 * reference and drop the lock first.
 */

#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <net/genetlink.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_health.h"
#include "taihu_netlink.h"
#include "taihu_nl_gen.h"
#include "taihu_telemetry.h"

static DEFINE_MUTEX(taihu_nl_lock);
static LIST_HEAD(taihu_nl_devices);

#define TAIHU_NL_DRIVER_VERSION \
	__stringify(TAIHU_DRIVER_MAJOR) "." __stringify(TAIHU_DRIVER_MINOR)

static u32 taihu_nl_minor(struct taihu_device *tdev)
{
	return tdev->drm.accel->index;
}

static struct taihu_device *taihu_nl_find(u32 minor)
{
	struct taihu_device *tdev;

	lockdep_assert_held(&taihu_nl_lock);
	list_for_each_entry(tdev, &taihu_nl_devices, nl.node)
		if (taihu_nl_minor(tdev) == minor)
			return tdev;
	return NULL;
}

/* ---- dev-get -------------------------------------------------------- */

static int taihu_nl_put_engines(struct sk_buff *skb, u32 attr, u32 n,
				const u64 *busy, const u32 *util)
{
	struct nlattr *nest;
	u32 i;

	for (i = 0; i < n; i++) {
		nest = nla_nest_start(skb, attr);
		if (!nest ||
		    nla_put_u32(skb, TAIHU_A_ENGINE_INDEX, i) ||
		    nla_put_uint(skb, TAIHU_A_ENGINE_BUSY_TIME, busy[i]) ||
		    (util && nla_put_u32(skb, TAIHU_A_ENGINE_UTILIZATION, util[i])))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int taihu_nl_put_sensors(struct sk_buff *skb,
				const struct taihu_sensor_page *s, u32 engines)
{
	if (nla_put_flag(skb, TAIHU_A_DEV_SENSORS_VALID) ||
	    nla_put_s32(skb, TAIHU_A_DEV_TEMP, s->temp_mc) ||
	    nla_put_s32(skb, TAIHU_A_DEV_TEMP_MAX, s->temp_max_mc) ||
	    nla_put_s32(skb, TAIHU_A_DEV_TEMP_CRIT, s->temp_crit_mc) ||
	    nla_put_uint(skb, TAIHU_A_DEV_POWER, s->power_uw) ||
	    nla_put_uint(skb, TAIHU_A_DEV_POWER_CAP, s->power_cap_uw) ||
	    nla_put_uint(skb, TAIHU_A_DEV_POWER_CAP_MIN, s->power_cap_min_uw) ||
	    nla_put_uint(skb, TAIHU_A_DEV_POWER_CAP_MAX, s->power_cap_max_uw) ||
	    nla_put_uint(skb, TAIHU_A_DEV_POWER_CAP_DEFAULT, s->power_cap_default_uw) ||
	    nla_put_uint(skb, TAIHU_A_DEV_ENERGY, s->energy_uj) ||
	    nla_put_u32(skb, TAIHU_A_DEV_VOLTAGE, s->voltage_mv) ||
	    nla_put_u32(skb, TAIHU_A_DEV_CORE_CLOCK, s->core_clock_mhz) ||
	    nla_put_u32(skb, TAIHU_A_DEV_CORE_CLOCK_MAX, s->core_clock_max_mhz) ||
	    nla_put_u32(skb, TAIHU_A_DEV_MEM_CLOCK, s->mem_clock_mhz) ||
	    nla_put_u32(skb, TAIHU_A_DEV_MEM_CLOCK_MAX, s->mem_clock_max_mhz) ||
	    nla_put_u32(skb, TAIHU_A_DEV_THROTTLE_REASONS, s->throttle_reasons) ||
	    nla_put_uint(skb, TAIHU_A_DEV_THROTTLED_TIME, s->throttled_ns) ||
	    nla_put_uint(skb, TAIHU_A_DEV_ECC_CORRECTED, s->ecc_corrected) ||
	    nla_put_uint(skb, TAIHU_A_DEV_ECC_UNCORRECTED, s->ecc_uncorrected) ||
	    nla_put_uint(skb, TAIHU_A_DEV_BUSY_TIME, s->busy_ns) ||
	    nla_put_u32(skb, TAIHU_A_DEV_UTILIZATION, s->util_permille))
		return -EMSGSIZE;
	return taihu_nl_put_engines(skb, TAIHU_A_DEV_ENGINE, engines,
				    s->engine_busy_ns, s->engine_util_permille);
}

static int taihu_nl_fill_dev(struct sk_buff *skb, struct taihu_device *tdev,
			     const struct genl_info *info)
{
	struct taihu_sensor_page s;
	void *hdr;

	hdr = genlmsg_iput(skb, info);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TAIHU_A_DEV_MINOR, taihu_nl_minor(tdev)) ||
	    nla_put_string(skb, TAIHU_A_DEV_PCI_ADDR, pci_name(tdev->pdev)) ||
	    nla_put_string(skb, TAIHU_A_DEV_SERIAL, tdev->fw.serial) ||
	    nla_put_string(skb, TAIHU_A_DEV_MODEL, taihu_model_name(tdev)) ||
	    nla_put_string(skb, TAIHU_A_DEV_FW_VERSION, tdev->fw.version_str) ||
	    nla_put_string(skb, TAIHU_A_DEV_DRIVER_VERSION, TAIHU_NL_DRIVER_VERSION) ||
	    nla_put_uint(skb, TAIHU_A_DEV_VRAM_TOTAL, tdev->hw.vram_size) ||
	    nla_put_uint(skb, TAIHU_A_DEV_VRAM_USED, taihu_vram_used(tdev)) ||
	    nla_put_uint(skb, TAIHU_A_DEV_HOST_USED, atomic64_read(&tdev->host_used)) ||
	    nla_put_uint(skb, TAIHU_A_DEV_RESET_COUNT, taihu_reset_count(tdev)))
		goto cancel;
	/* Stale or missing sensors are left out: "not available". */
	if (!taihu_sensors_read(tdev, &s) &&
	    taihu_nl_put_sensors(skb, &s, min(tdev->num_queues, s.num_engines)))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

int taihu_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct taihu_device *tdev;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, TAIHU_A_DEV_MINOR))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&taihu_nl_lock);
	tdev = taihu_nl_find(nla_get_u32(info->attrs[TAIHU_A_DEV_MINOR]));
	if (tdev) {
		ret = taihu_nl_fill_dev(msg, tdev, info);
	} else {
		NL_SET_BAD_ATTR(info->extack, info->attrs[TAIHU_A_DEV_MINOR]);
		NL_SET_ERR_MSG(info->extack, "no Taihu card with this minor");
		ret = -ENODEV;
	}
	mutex_unlock(&taihu_nl_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* Dump position, in netlink_callback.ctx. */
struct taihu_nl_dump_ctx {
	u32 dev;	/* devices done */
	u32 file;	/* files of the current device done */
};

static struct taihu_nl_dump_ctx *taihu_nl_dump_ctx(struct netlink_callback *cb)
{
	NL_ASSERT_DUMP_CTX_FITS(struct taihu_nl_dump_ctx);
	return (struct taihu_nl_dump_ctx *)cb->ctx;
}

/*
 * Walk the devices from where the last part of the dump stopped, calling
 * @fill for each (or only for the one of minor @want, when not NULL).
 */
static int taihu_nl_dump_devices(struct sk_buff *skb, struct netlink_callback *cb,
				 const struct nlattr *want,
				 int (*fill)(struct sk_buff *skb, struct taihu_device *tdev,
					     struct taihu_nl_dump_ctx *ctx,
					     const struct genl_info *info))
{
	struct taihu_nl_dump_ctx *ctx = taihu_nl_dump_ctx(cb);
	const struct genl_info *info = genl_info_dump(cb);
	struct taihu_device *tdev;
	u32 i = 0;
	int ret = 0;

	mutex_lock(&taihu_nl_lock);
	list_for_each_entry(tdev, &taihu_nl_devices, nl.node) {
		if (i++ < ctx->dev)
			continue;
		if (!want || nla_get_u32(want) == taihu_nl_minor(tdev)) {
			ret = fill(skb, tdev, ctx, info);
			if (ret)
				break;
		}
		ctx->dev = i;
		ctx->file = 0;
	}
	mutex_unlock(&taihu_nl_lock);
	/* A full skb ends this part of the dump; the next call goes on. */
	return ret == -EMSGSIZE && skb->len ? skb->len : ret;
}

static int taihu_nl_dump_dev(struct sk_buff *skb, struct taihu_device *tdev,
			     struct taihu_nl_dump_ctx *ctx, const struct genl_info *info)
{
	return taihu_nl_fill_dev(skb, tdev, info);
}

int taihu_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return taihu_nl_dump_devices(skb, cb, NULL, taihu_nl_dump_dev);
}

/* ---- proc-get ------------------------------------------------------- */

static int taihu_nl_fill_proc(struct sk_buff *skb, struct taihu_device *tdev,
			      struct drm_file *file, const struct genl_info *info)
{
	struct taihu_file *tfile = file->driver_priv;
	struct taihu_ctx *tctx = tfile->ctx;
	char comm[TASK_COMM_LEN] = "";
	struct task_struct *task;
	u64 busy[TAIHU_MAX_QUEUES];
	u64 vram, host;
	struct pid *pid;
	pid_t nr;
	void *hdr;
	u32 q;

	lockdep_assert_held(&tdev->drm.filelist_mutex);
	pid = rcu_dereference_protected(file->pid,
					lockdep_is_held(&tdev->drm.filelist_mutex));
	nr = pid_nr(pid);
	task = get_pid_task(pid, PIDTYPE_TGID);
	if (task) {
		get_task_comm(comm, task);
		put_task_struct(task);
	}
	mutex_lock(&tctx->lock);
	vram = tctx->vram_bytes;
	host = tctx->host_bytes;
	mutex_unlock(&tctx->lock);
	for (q = 0; q < tdev->num_queues; q++)
		busy[q] = atomic64_read(&tfile->results.busy_ns[q]);

	hdr = genlmsg_iput(skb, info);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TAIHU_A_PROC_MINOR, taihu_nl_minor(tdev)) ||
	    nla_put_u32(skb, TAIHU_A_PROC_PID, nr) ||
	    (comm[0] && nla_put_string(skb, TAIHU_A_PROC_COMM, comm)) ||
	    nla_put_u32(skb, TAIHU_A_PROC_CONTEXT, tctx->id) ||
	    nla_put_uint(skb, TAIHU_A_PROC_VRAM_USED, vram) ||
	    nla_put_uint(skb, TAIHU_A_PROC_HOST_USED, host) ||
	    taihu_nl_put_engines(skb, TAIHU_A_PROC_ENGINE, tdev->num_queues,
				 busy, NULL)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int taihu_nl_dump_files(struct sk_buff *skb, struct taihu_device *tdev,
			       struct taihu_nl_dump_ctx *ctx,
			       const struct genl_info *info)
{
	struct drm_file *file;
	u32 i = 0;
	int ret = 0;

	mutex_lock(&tdev->drm.filelist_mutex);
	list_for_each_entry(file, &tdev->drm.filelist, lhead) {
		if (i++ < ctx->file || !file->driver_priv)
			continue;
		ret = taihu_nl_fill_proc(skb, tdev, file, info);
		if (ret)
			break;
		ctx->file = i;
	}
	mutex_unlock(&tdev->drm.filelist_mutex);
	return ret;
}

int taihu_nl_proc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return taihu_nl_dump_devices(skb, cb, genl_info_dump(cb)->attrs[TAIHU_A_PROC_MINOR],
				     taihu_nl_dump_files);
}

/* ---- power-cap-set -------------------------------------------------- */

/*
 * The card an admin request names by TAIHU_A_DEV_MINOR, referenced (put it
 * with drm_dev_put()); NULL with an extack message if there is none.
 */
static struct taihu_device *taihu_nl_get_dev(struct genl_info *info)
{
	struct taihu_device *tdev;

	mutex_lock(&taihu_nl_lock);
	tdev = taihu_nl_find(nla_get_u32(info->attrs[TAIHU_A_DEV_MINOR]));
	if (tdev)
		drm_dev_get(&tdev->drm);
	mutex_unlock(&taihu_nl_lock);
	if (!tdev) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[TAIHU_A_DEV_MINOR]);
		NL_SET_ERR_MSG(info->extack, "no Taihu card with this minor");
	}
	return tdev;
}

int taihu_nl_power_cap_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct taihu_device *tdev;
	int ret;

	/* The opener's credentials, as for any netlink privilege check. */
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "changing the power cap needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (GENL_REQ_ATTR_CHECK(info, TAIHU_A_DEV_MINOR) ||
	    GENL_REQ_ATTR_CHECK(info, TAIHU_A_DEV_POWER_CAP))
		return -EINVAL;
	tdev = taihu_nl_get_dev(info);
	if (!tdev)
		return -ENODEV;

	ret = taihu_power_cap_set(tdev, nla_get_uint(info->attrs[TAIHU_A_DEV_POWER_CAP]));
	if (ret == -ERANGE) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[TAIHU_A_DEV_POWER_CAP]);
		NL_SET_ERR_MSG(info->extack, "power cap outside the firmware's range");
	}
	drm_dev_put(&tdev->drm);
	return ret;
}

/*
 * A deliberate card reset. The op has GENL_ADMIN_PERM (the core checks the
 * opener's CAP_SYS_ADMIN in its user namespace); the explicit check is
 * against the initial namespace, as for power-cap-set: a card is the
 * machine's, not a container's.
 */
int taihu_nl_dev_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct taihu_device *tdev;
	int ret;

	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "resetting a card needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (GENL_REQ_ATTR_CHECK(info, TAIHU_A_DEV_MINOR))
		return -EINVAL;
	tdev = taihu_nl_get_dev(info);
	if (!tdev)
		return -ENODEV;

	ret = taihu_health_reset(tdev);
	if (ret == -ENODEV)
		NL_SET_ERR_MSG(info->extack, "the card is dead or gone: bind it again");
	else if (ret)
		NL_SET_ERR_MSG(info->extack, "the card did not come back and is declared dead");
	drm_dev_put(&tdev->drm);
	return ret;
}

/* ---- events ----------------------------------------------------------- */

/* The process that opened the file of a device context. */
struct taihu_nl_owner {
	pid_t nr;
	char comm[TASK_COMM_LEN];
};

int taihu_nl_ctx_opened(struct taihu_device *tdev, u32 ctx_id)
{
	struct taihu_nl_owner *o, *old;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->nr = task_tgid_nr(current);
	get_task_comm(o->comm, current);
	xa_lock_irq(&tdev->nl.owners);
	old = __xa_store(&tdev->nl.owners, ctx_id, o, GFP_ATOMIC);
	xa_unlock_irq(&tdev->nl.owners);
	if (xa_is_err(old)) {
		kfree(o);
		return xa_err(old);
	}
	kfree(old);
	return 0;
}

void taihu_nl_ctx_closed(struct taihu_device *tdev, u32 ctx_id)
{
	struct taihu_nl_owner *o;

	xa_lock_irq(&tdev->nl.owners);
	o = __xa_erase(&tdev->nl.owners, ctx_id);
	xa_unlock_irq(&tdev->nl.owners);
	kfree(o);
}

static int taihu_nl_fill_event(struct sk_buff *skb, struct taihu_device *tdev,
			       const struct taihu_nl_event *ev)
{
	bool owner = ev->has & TAIHU_NL_EV_OWNER;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &taihu_nl_family, 0, TAIHU_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TAIHU_A_EVENT_KIND, ev->kind) ||
	    nla_put_u32(skb, TAIHU_A_EVENT_MINOR, taihu_nl_minor(tdev)) ||
	    nla_put_string(skb, TAIHU_A_EVENT_PCI_ADDR, pci_name(tdev->pdev)) ||
	    nla_put_string(skb, TAIHU_A_EVENT_SERIAL, tdev->fw.serial) ||
	    nla_put_uint(skb, TAIHU_A_EVENT_TIME, ev->time_ns) ||
	    ((ev->has & TAIHU_NL_EV_CARD_TIME) &&
	     nla_put_uint(skb, TAIHU_A_EVENT_CARD_TIME, ev->card_time_ns)) ||
	    ((ev->has & TAIHU_NL_EV_CONTEXT) &&
	     nla_put_u32(skb, TAIHU_A_EVENT_CONTEXT, ev->context)) ||
	    (owner && nla_put_u32(skb, TAIHU_A_EVENT_PID, ev->pid)) ||
	    (owner && ev->comm[0] && nla_put_string(skb, TAIHU_A_EVENT_COMM, ev->comm)) ||
	    ((ev->has & TAIHU_NL_EV_QUEUE) &&
	     nla_put_u32(skb, TAIHU_A_EVENT_QUEUE, ev->queue)) ||
	    ((ev->has & TAIHU_NL_EV_FAULT) &&
	     (nla_put_uint(skb, TAIHU_A_EVENT_ADDRESS, ev->address) ||
	      nla_put_u32(skb, TAIHU_A_EVENT_ACCESS, ev->access))) ||
	    ((ev->has & TAIHU_NL_EV_THROTTLE) &&
	     (nla_put_u32(skb, TAIHU_A_EVENT_THROTTLE_REASONS, ev->reasons) ||
	      nla_put_u32(skb, TAIHU_A_EVENT_CORE_CLOCK, ev->core_clock))) ||
	    ((ev->has & TAIHU_NL_EV_ECC) &&
	     ((ev->uncorrected && nla_put_flag(skb, TAIHU_A_EVENT_ECC_UNCORRECTED)) ||
	      nla_put_u32(skb, TAIHU_A_EVENT_COUNT, ev->count))) ||
	    ((ev->has & TAIHU_NL_EV_CODE) &&
	     nla_put_u32(skb, TAIHU_A_EVENT_CODE, ev->code))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static void taihu_nl_event_work(struct work_struct *work)
{
	struct taihu_nl_dev *nl = container_of(work, struct taihu_nl_dev, work);
	struct taihu_device *tdev = container_of(nl, struct taihu_device, nl);
	struct taihu_nl_event *ev;
	struct sk_buff *skb;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&nl->lock, flags);
		ev = list_first_entry_or_null(&nl->pending, struct taihu_nl_event, node);
		if (ev) {
			list_del(&ev->node);
			nl->npending--;
		}
		spin_unlock_irqrestore(&nl->lock, flags);
		if (!ev)
			return;

		if (genl_has_listeners(&taihu_nl_family, &init_net, TAIHU_NLGRP_EVENTS)) {
			skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
			if (skb && !taihu_nl_fill_event(skb, tdev, ev))
				genlmsg_multicast(&taihu_nl_family, skb, 0,
						  TAIHU_NLGRP_EVENTS, GFP_KERNEL);
			else
				nlmsg_free(skb);
		}
		kfree(ev);
	}
}

void taihu_nl_event_post(struct taihu_device *tdev,
			 const struct taihu_nl_event *ev)
{
	struct taihu_nl_dev *nl = &tdev->nl;
	struct taihu_nl_event *copy;
	unsigned long flags;
	bool queued = false;

	copy = kmemdup(ev, sizeof(*ev), GFP_ATOMIC);
	if (!copy)
		return;
	copy->time_ns = ktime_get_real_ns();
	copy->has &= ~TAIHU_NL_EV_OWNER;
	if (copy->has & TAIHU_NL_EV_CONTEXT) {
		/* Now: the file may be closed by the time the work runs. */
		const struct taihu_nl_owner *o;

		xa_lock_irqsave(&nl->owners, flags);
		o = xa_load(&nl->owners, copy->context);
		if (o) {
			copy->pid = o->nr;
			memcpy(copy->comm, o->comm, sizeof(copy->comm));
			copy->has |= TAIHU_NL_EV_OWNER;
		}
		xa_unlock_irqrestore(&nl->owners, flags);
	}
	spin_lock_irqsave(&nl->lock, flags);
	if (nl->live && nl->npending < TAIHU_NL_MAX_PENDING) {
		list_add_tail(&copy->node, &nl->pending);
		nl->npending++;
		queued = true;
		schedule_work(&nl->work);
	} else if (nl->live) {
		nl->dropped++;
	}
	spin_unlock_irqrestore(&nl->lock, flags);
	if (!queued)
		kfree(copy);
}

static void taihu_nl_dev_fini(struct drm_device *drm, void *arg)
{
	struct taihu_nl_dev *nl = arg;
	struct taihu_nl_owner *o;
	unsigned long id;

	/* Files are all closed by now; anything left is freed here. */
	xa_for_each(&nl->owners, id, o)
		kfree(o);
	xa_destroy(&nl->owners);
}

int taihu_nl_dev_init(struct taihu_device *tdev)
{
	struct taihu_nl_dev *nl = &tdev->nl;

	INIT_LIST_HEAD(&nl->node);
	spin_lock_init(&nl->lock);
	INIT_LIST_HEAD(&nl->pending);
	INIT_WORK(&nl->work, taihu_nl_event_work);
	xa_init_flags(&nl->owners, XA_FLAGS_LOCK_IRQ);
	return drmm_add_action_or_reset(&tdev->drm, taihu_nl_dev_fini, nl);
}

void taihu_nl_dev_add(struct taihu_device *tdev)
{
	spin_lock_irq(&tdev->nl.lock);
	tdev->nl.live = true;
	spin_unlock_irq(&tdev->nl.lock);
	mutex_lock(&taihu_nl_lock);
	list_add_tail(&tdev->nl.node, &taihu_nl_devices);
	mutex_unlock(&taihu_nl_lock);
}

void taihu_nl_dev_remove(struct taihu_device *tdev)
{
	struct taihu_nl_dev *nl = &tdev->nl;
	struct taihu_nl_event *ev, *tmp;
	LIST_HEAD(drop);

	mutex_lock(&taihu_nl_lock);
	list_del_init(&nl->node);
	mutex_unlock(&taihu_nl_lock);

	spin_lock_irq(&nl->lock);
	nl->live = false;
	spin_unlock_irq(&nl->lock);
	cancel_work_sync(&nl->work);

	spin_lock_irq(&nl->lock);
	list_splice_init(&nl->pending, &drop);
	nl->npending = 0;
	spin_unlock_irq(&nl->lock);
	list_for_each_entry_safe(ev, tmp, &drop, node)
		kfree(ev);
	if (nl->dropped)
		dev_warn(tdev->drm.dev, "%llu netlink events were dropped\n", nl->dropped);
}

int taihu_netlink_init(void)
{
	return genl_register_family(&taihu_nl_family);
}

void taihu_netlink_exit(void)
{
	genl_unregister_family(&taihu_nl_family);
}
