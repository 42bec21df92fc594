// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "acpi_pm.h"

/* Status bits this platform can set, and enables that exist for them. */
#define PM1_STS_BITS	(ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_WAK_STS)
#define PM1_EN_BITS	(ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN)
/* PM1_CNT bits that keep what is written: BM_RLD, GBL_RLS (write-only), SLP_TYP. */
#define PM1_CNT_KEEP	((1u << 1) | (7u << ACPI_PM1_SLP_TYP_SHIFT))

/* The SCI is a level: up while an enabled event's status is set (ACPI 4.8.3.1). */
static void acpi_pm_update_sci(struct acpi_pm *pm)
{
	bool level = pm->sts & pm->en & PM1_EN_BITS;

	if (level != pm->sci_level) {
		pm->sci_level = level;
		irq_set(&pm->sci, level);
	}
}

uint32_t acpi_pm_timer(const struct acpi_pm *pm)
{
	uint64_t ns = pm->now(pm->clock) - pm->start_ns;

	/* 3.579545 MHz, split so that the product cannot overflow. */
	return (uint32_t)((ns / 1000000000ull) * ACPI_PM_TIMER_HZ +
			  (ns % 1000000000ull) * ACPI_PM_TIMER_HZ / 1000000000ull);
}

static uint32_t acpi_pm_read(struct acpi_pm *pm, uint64_t port, uint32_t len)
{
	uint8_t regs[ACPI_PM_LEN];
	uint32_t v = 0;
	uint64_t off = port - ACPI_PM_BASE;

	memset(regs, 0, sizeof(regs));
	bus_data_put(regs + 0, 2, pm->sts);
	bus_data_put(regs + 2, 2, pm->en);
	bus_data_put(regs + 4, 2, (pm->cnt & PM1_CNT_KEEP & ~(1u << 2)) | ACPI_PM1_SCI_EN);
	bus_data_put(regs + 8, 4, acpi_pm_timer(pm));
	if (off + len <= ACPI_PM_LEN)
		v = bus_data_get(regs + off, len);
	return v;
}

static void acpi_pm_write_cnt(struct acpi_pm *pm, uint16_t v)
{
	pm->cnt = v & PM1_CNT_KEEP;
	/* SLP_EN starts the sleep; S5 is soft off (ACPI 4.8.3.2.1, 16.1.5). */
	if ((v & ACPI_PM1_SLP_EN) &&
	    ((v >> ACPI_PM1_SLP_TYP_SHIFT) & 7) == ACPI_PM_S5 && pm->poweroff)
		pm->poweroff(pm->opaque);
}

void acpi_pm_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct acpi_pm *pm = opaque;
	uint64_t off = port - ACPI_PM_BASE;
	uint32_t v;

	if (!is_write) {
		bus_data_put(data, len, acpi_pm_read(pm, port, len));
		return;
	}
	v = bus_data_get(data, len);
	/* Byte and word writes as Linux's ACPICA does them; split per register. */
	for (; len; len--, off++, v >>= 8) {
		uint8_t b = (uint8_t)v;

		switch (off) {
		case 0: case 1:		/* PM1_STS: write 1 to clear */
			pm->sts &= (uint16_t)~((uint16_t)b << (8 * off));
			break;
		case 2: case 3:		/* PM1_EN */
			pm->en = (uint16_t)((pm->en & ~(0xffu << (8 * (off - 2)))) |
					    ((uint16_t)b << (8 * (off - 2))));
			pm->en &= PM1_EN_BITS;
			break;
		case 4:
			if (len >= 2) {	/* PM1_CNT as a word: one write */
				acpi_pm_write_cnt(pm, (uint16_t)v);
				len--;
				off++;
				v >>= 8;
			} else {
				acpi_pm_write_cnt(pm, (uint16_t)((pm->cnt & 0xff00) | b));
			}
			break;
		case 5:
			acpi_pm_write_cnt(pm, (uint16_t)((pm->cnt & 0xff) | (b << 8)));
			break;
		default:
			break;		/* the PM timer is read-only */
		}
	}
	acpi_pm_update_sci(pm);
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
	pm->sts |= ACPI_PM1_PWRBTN;
	acpi_pm_update_sci(pm);
}

void acpi_pm_init(struct acpi_pm *pm, struct irq_line sci, uint64_t (*now)(void *), void *clock,
		  void (*poweroff)(void *), void *opaque)
{
	memset(pm, 0, sizeof(*pm));
	pm->sci = sci;
	pm->now = now;
	pm->clock = clock;
	pm->start_ns = now(clock);
	pm->poweroff = poweroff;
	pm->opaque = opaque;
}

int acpi_pm_register(struct acpi_pm *pm, struct bus *io)
{
	return bus_register(io, ACPI_PM_BASE, ACPI_PM_LEN, acpi_pm_io, pm);
}
