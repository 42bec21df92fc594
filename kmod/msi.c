// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: message-signalled interrupts from the VMM's devices.  An MSI is a
 * write of @data to @address in the local APICs' range (SDM vol. 3A,
 * 10.11.1 and 10.11.2); hvkm turns it into a local APIC interrupt.
 */
#include <linux/uaccess.h>

#include "hvkm.h"

#define MSI_ADDR_BASE		0xfee00000ULL
#define MSI_ADDR_RANGE_MASK	(~0xfffffULL)
#define MSI_ADDR_DEST(a)	(((a) >> 12) & 0xff)
#define MSI_ADDR_DEST_LOGICAL	BIT_ULL(2)
#define MSI_DATA_VECTOR(d)	((d) & 0xff)
#define MSI_DATA_MODE(d)	(((d) >> 8) & 7)
#define MSI_DATA_ASSERT		BIT(14)
#define MSI_DATA_LEVEL		BIT(15)
/* Bits 13:11 and 31:16 of the data are reserved (SDM figure 10-25). */
#define MSI_DATA_RESERVED	(0xffff3800u)

/* 0, or -EINVAL for an address outside the APIC range or a reserved encoding. */
int hvkm_msi_decode(const struct hvkm_msi *msi, struct hvkm_lapic_irq *irq)
{
	u32 mode = MSI_DATA_MODE(msi->data);

	if (msi->reserved || (msi->address & MSI_ADDR_RANGE_MASK) != MSI_ADDR_BASE ||
	    msi->data & MSI_DATA_RESERVED)
		return -EINVAL;
	switch (mode) {
	case HVKM_DM_FIXED:
	case HVKM_DM_LOWEST:
		/* Vectors 0-15 are reserved for exceptions (SDM 10.5.2). */
		if (MSI_DATA_VECTOR(msi->data) < 16)
			return -EINVAL;
		break;
	case HVKM_DM_NMI:
	case HVKM_DM_INIT:
	case HVKM_DM_EXTINT:
		break;
	default:		/* SMI is not emulated; 011b and 110b are reserved for MSIs */
		return -EINVAL;
	}
	*irq = (struct hvkm_lapic_irq){
		.vector = MSI_DATA_VECTOR(msi->data),
		.delivery = mode,
		.level = msi->data & MSI_DATA_LEVEL,
		/* An edge-triggered message always asserts. */
		.assert = !(msi->data & MSI_DATA_LEVEL) || (msi->data & MSI_DATA_ASSERT),
		.logical = msi->address & MSI_ADDR_DEST_LOGICAL,
		.dest = MSI_ADDR_DEST(msi->address),
	};
	return 0;
}

int hvkm_signal_msi(struct hvkm_partition *p, const struct hvkm_msi __user *arg)
{
	struct hvkm_lapic_irq irq;
	struct hvkm_msi msi;
	int ret;

	if (copy_from_user(&msi, arg, sizeof(msi)))
		return -EFAULT;
	ret = hvkm_msi_decode(&msi, &irq);
	if (ret)
		return ret;
	hvkm_lapic_deliver(p, NULL, &irq);
	return 0;
}
