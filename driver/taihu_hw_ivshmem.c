// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The ivshmem-doorbell transport: the reference card is an external process
 * attached to QEMU's ivshmem device. BAR0 holds the ivshmem registers (the
 * doorbell), BAR1 the MSI-X table and BAR2 the shared memory that is the
 * card's address space. This is the only file that knows about ivshmem; a
 * real card with its own PCI id and MMIO BAR is another file like this one.
 */

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/pci.h>

#include "taihu_drv.h"
#include "taihu_hw.h"

#define IVSHMEM_VENDOR_ID		0x1af4
#define IVSHMEM_DEVICE_ID		0x1110

#define IVSHMEM_BAR_REGS		0
#define IVSHMEM_BAR_SHM			2

/* ivshmem BAR0 registers. */
#define IVSHMEM_REG_DOORBELL		0x0c
#define IVSHMEM_REGS_SIZE		0x10

/* A few of the card's default heartbeat periods (100 ms). */
#define TAIHU_ID_SETTLE_MS		400

static int taihu_ivshmem_init(struct taihu_device *tdev)
{
	struct pci_dev *pdev = tdev->pdev;
	resource_size_t shm_len = pci_resource_len(pdev, IVSHMEM_BAR_SHM);
	u64 sig, vram_offset, vram_size;
	unsigned int waited;
	u32 peer;
	int ret;

	if (!(pci_resource_flags(pdev, IVSHMEM_BAR_REGS) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, IVSHMEM_BAR_REGS) < IVSHMEM_REGS_SIZE ||
	    !(pci_resource_flags(pdev, IVSHMEM_BAR_SHM) & IORESOURCE_MEM) ||
	    shm_len < TAIHU_CTRL_SIZE) {
		dev_info(&pdev->dev, "ivshmem device without a Taihu card layout\n");
		return -ENODEV;
	}

	ret = pcim_request_all_regions(pdev, TAIHU_DRIVER_NAME);
	if (ret)
		return ret;

	tdev->hw.regs = pcim_iomap_range(pdev, IVSHMEM_BAR_REGS, 0,
					 IVSHMEM_REGS_SIZE);
	if (IS_ERR(tdev->hw.regs))
		return PTR_ERR(tdev->hw.regs);

	tdev->hw.ctrl = pcim_iomap_range(pdev, IVSHMEM_BAR_SHM, 0,
					 TAIHU_CTRL_SIZE);
	if (IS_ERR(tdev->hw.ctrl))
		return PTR_ERR(tdev->hw.ctrl);

	/*
	 * Plain ivshmem devices share the PCI id: bind to Taihu cards only.
	 * A card rewrites its identity with every heartbeat (and on RESET),
	 * so an ID page that was overwritten comes back within a few beats:
	 * look again for a while before deciding it is not a card.
	 */
	sig = readq(tdev->hw.ctrl + TAIHU_ID_REG(signature));
	for (waited = 0; sig != TAIHU_CARD_SIGNATURE &&
	     waited < TAIHU_ID_SETTLE_MS; waited += 20) {
		msleep(20);
		sig = readq(tdev->hw.ctrl + TAIHU_ID_REG(signature));
	}
	if (sig != TAIHU_CARD_SIGNATURE) {
		dev_info(&pdev->dev, "ivshmem device is not a Taihu card\n");
		return -ENODEV;
	}
	if (waited)
		dev_info(&pdev->dev, "card signature back after %u ms\n", waited);
	/* The card writes the signature last: read the rest after it. */
	rmb();

	vram_offset = readq(tdev->hw.ctrl + TAIHU_ID_REG(vram_offset));
	vram_size = readq(tdev->hw.ctrl + TAIHU_ID_REG(vram_size));
	peer = readl(tdev->hw.ctrl + TAIHU_ID_REG(card_peer_id));

	if (vram_offset < TAIHU_CTRL_SIZE || !PAGE_ALIGNED(vram_offset) ||
	    !vram_size || !PAGE_ALIGNED(vram_size) || vram_offset > shm_len ||
	    vram_size > shm_len - vram_offset || peer > U16_MAX) {
		dev_err(&pdev->dev,
			"bad card layout: VRAM %#llx+%#llx in BAR2 of %#llx, peer %u\n",
			vram_offset, vram_size, (u64)shm_len, peer);
		return -ENODEV;
	}

	tdev->hw.vram_phys = pci_resource_start(pdev, IVSHMEM_BAR_SHM) +
			     vram_offset;
	tdev->hw.vram_size = vram_size;
	tdev->hw.card_peer_id = peer;
	tdev->hw.vram = devm_ioremap_wc(&pdev->dev, tdev->hw.vram_phys,
					vram_size);
	if (!tdev->hw.vram)
		return -ENOMEM;

	return 0;
}

/* The card sees a kick on its eventfd @vector; kicks coalesce. */
static void taihu_ivshmem_kick(struct taihu_device *tdev, u32 vector)
{
	writel((tdev->hw.card_peer_id << 16) | vector,
	       tdev->hw.regs + IVSHMEM_REG_DOORBELL);
}

static const struct taihu_hw_ops taihu_ivshmem_ops = {
	.init = taihu_ivshmem_init,
	.kick = taihu_ivshmem_kick,
};

const struct pci_device_id taihu_ivshmem_pci_ids[] = {
	{ PCI_DEVICE(IVSHMEM_VENDOR_ID, IVSHMEM_DEVICE_ID),
	  .driver_data = (kernel_ulong_t)&taihu_ivshmem_ops },
	{ }
};
MODULE_DEVICE_TABLE(pci, taihu_ivshmem_pci_ids);
