/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI fixed hardware (ACPI 6.4, 4.8): the PM1a event block (PM1_STS,
 * PM1_EN) at 0x600, the PM1a control block (PM1_CNT) at 0x604 and the 32-bit
 * PM timer at 0x608, as the FADT (acpi.c) describes them.  No SMI_CMD: the
 * platform is always in ACPI mode (SCI_EN reads 1).  The SCI is ISA IRQ 9,
 * level triggered, active high.  Sleeping to S5 (SLP_TYP = ACPI_PM_S5 with
 * SLP_EN) powers the machine off.
 */
#ifndef HVKM_VMM_ACPI_PM_H
#define HVKM_VMM_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"
#include "../irq.h"

#define ACPI_PM_BASE		0x600
#define ACPI_PM1_EVT		ACPI_PM_BASE		/* PM1_STS, then PM1_EN */
#define ACPI_PM1_EVT_LEN	4
#define ACPI_PM1_CNT		(ACPI_PM_BASE + 4)
#define ACPI_PM1_CNT_LEN	2
#define ACPI_PM_TMR		(ACPI_PM_BASE + 8)
#define ACPI_PM_TMR_LEN		4
#define ACPI_PM_LEN		12
#define ACPI_SCI_IRQ		9
#define ACPI_PM_TIMER_HZ	3579545ull

/* The SLP_TYP values of \_S5 in the DSDT. */
#define ACPI_PM_S5		5

/* PM1_STS / PM1_EN bits (ACPI 6.4, tables 4.13, 4.14) */
#define ACPI_PM1_TMR		(1u << 0)
#define ACPI_PM1_GBL		(1u << 5)
#define ACPI_PM1_PWRBTN		(1u << 8)
#define ACPI_PM1_WAK_STS	(1u << 15)
/* PM1_CNT bits (table 4.16) */
#define ACPI_PM1_SCI_EN		(1u << 0)
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_EN		(1u << 13)

struct acpi_pm {
	uint16_t sts, en, cnt;
	struct irq_line sci;
	bool sci_level;
	uint64_t (*now)(void *clock);	/* nanoseconds */
	void *clock;
	uint64_t start_ns;
	void (*poweroff)(void *opaque);	/* S5 entered (under the bus lock) */
	void *opaque;
};

void acpi_pm_init(struct acpi_pm *pm, struct irq_line sci, uint64_t (*now)(void *), void *clock,
		  void (*poweroff)(void *), void *opaque);
int acpi_pm_register(struct acpi_pm *pm, struct bus *io);
void acpi_pm_io(void *pm, uint64_t port, uint8_t *data, uint32_t len, bool is_write);
/* The power button was pressed: PWRBTN_STS, and an SCI if PWRBTN_EN. */
void acpi_pm_power_button(struct acpi_pm *pm);
/* The PM timer's count now (32 bits). */
uint32_t acpi_pm_timer(const struct acpi_pm *pm);

#endif
