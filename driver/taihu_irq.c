// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * MSI-X interrupts. The card raises vector 0 after answering the mailbox or
 * adding events, and vector 1 + q after writing completions of queue q.
 * Both handlers only read shared memory and signal fences, so they run in
 * hard interrupt context.
 */

#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/pci.h>

#include "taihu_drv.h"
#include "taihu_irq.h"
#include "taihu_mbox.h"
#include "taihu_queue.h"

static irqreturn_t taihu_irq_control(int irq, void *arg)
{
	struct taihu_device *tdev = arg;

	taihu_mbox_irq(tdev);
	return IRQ_HANDLED;
}

static irqreturn_t taihu_irq_queue(int irq, void *arg)
{
	struct taihu_queue *q = arg;

	taihu_queue_process(q);
	taihu_uq_irq(q->tdev);
	return IRQ_HANDLED;
}

int taihu_irq_init(struct taihu_device *tdev)
{
	struct pci_dev *pdev = tdev->pdev;
	struct device *dev = &pdev->dev;
	const char *name;
	unsigned int q;
	int ret;

	/* Device-managed because the device was enabled with pcim. */
	ret = pci_alloc_irq_vectors(pdev, TAIHU_NUM_VECTORS, TAIHU_NUM_VECTORS,
				    PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(dev, "cannot enable %u MSI-X vectors: %d\n",
			TAIHU_NUM_VECTORS, ret);
		return ret;
	}

	ret = devm_request_irq(dev, pci_irq_vector(pdev, TAIHU_VECTOR_CONTROL),
			       taihu_irq_control, 0, "taihu-ctrl", tdev);
	if (ret)
		return ret;

	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		name = devm_kasprintf(dev, GFP_KERNEL, "taihu-q%u", q);
		if (!name)
			return -ENOMEM;
		ret = devm_request_irq(dev,
				       pci_irq_vector(pdev, TAIHU_VECTOR_QUEUE(q)),
				       taihu_irq_queue, 0, name, &tdev->queues[q]);
		if (ret)
			return ret;
	}

	/* Kicks sent before MSI-X was enabled are lost: look again. */
	taihu_mbox_irq(tdev);

	return 0;
}
