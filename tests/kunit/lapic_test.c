// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the local APIC's priority logic (SDM vol. 3A 10.8): which vector
 * is handed to the VP against TPR and the vectors in service, acceptance
 * into IRR/TMR, AutoEOI, EOI and the EOI exit for level-triggered vectors;
 * destination matching; and MSI decoding (10.11).  The code under test is
 * compiled into this module; a VP here is a bare struct that never runs.
 */
#include <kunit/test.h>

#include "lapic/lapic.c"
#include "lapic/lapic_irq.c"
#include "lapic/lapic_timer.c"
#include "lapic/lapic_state.c"
#include "msi.c"

const struct hvkm_vendor_ops *hvkm_vendor;

/* Accepting an interrupt kicks the VP; nothing runs here. */
void hvkm_vp_kick(struct hvkm_vp *vp)
{
}

struct apic_env {
	struct hvkm_partition p;
	struct hvkm_vp vp;
};

static struct hvkm_vp *apic_env(struct kunit *test)
{
	struct apic_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	mutex_init(&e->p.lock);
	e->vp.partition = &e->p;
	e->vp.eoi_exit_vector = -1;
	e->vp.apic_id = 2;
	e->vp.msrs.apic_base = 0xfee00000 | APIC_BASE_ENABLE;
	KUNIT_ASSERT_EQ(test, hvkm_lapic_create(&e->vp), 0);
	/* Software-enabled, as a guest leaves it. */
	e->vp.lapic->regs[APIC_SPIV / 4] = APIC_SPIV_APIC_ENABLED | 0xff;
	return &e->vp;
}

static void apic_env_free(struct hvkm_vp *vp)
{
	hvkm_lapic_free(vp);
}

static void fixed(struct hvkm_vp *vp, u8 vector, bool level)
{
	hvkm_lapic_accept(vp, &(struct hvkm_lapic_irq){ .vector = vector, .level = level });
}

static void pending_against_tpr_and_isr(struct kunit *test)
{
	struct hvkm_vp *vp = apic_env(test);

	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), -1);
	fixed(vp, 0x35, false);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), 0x35);
	/* Class 3 is held back by TPR class 3 and above (10.8.3.1). */
	hvkm_lapic_set_tpr(vp, 0x30);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), -1);
	KUNIT_EXPECT_TRUE(test, hvkm_lapic_blocked_by_tpr(vp));
	hvkm_lapic_set_tpr(vp, 0x2f);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), 0x35);
	hvkm_lapic_set_tpr(vp, 0);
	/* In service: PPR is its class; lower and equal classes wait. */
	hvkm_lapic_ack(vp, 0x35);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_read_reg(vp, APIC_PROCPRI), 0x30);
	fixed(vp, 0x3a, false);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), -1);
	KUNIT_EXPECT_FALSE(test, hvkm_lapic_blocked_by_tpr(vp));	/* waits for EOI */
	fixed(vp, 0x41, false);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), 0x41);	/* preempts */
	hvkm_lapic_ack(vp, 0x41);
	hvkm_lapic_eoi(vp);			/* ends 0x41, the highest in service */
	KUNIT_EXPECT_EQ(test, hvkm_lapic_read_reg(vp, APIC_PROCPRI), 0x30);
	hvkm_lapic_eoi(vp);			/* ends 0x35 */
	KUNIT_EXPECT_EQ(test, hvkm_lapic_read_reg(vp, APIC_PROCPRI), 0);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), 0x3a);
	apic_env_free(vp);
}

static void acceptance_rules(struct kunit *test)
{
	struct hvkm_vp *vp = apic_env(test);

	/* Vectors 0-15 are illegal for fixed delivery (10.5.2). */
	fixed(vp, 0x0f, false);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), -1);
	/* A software-disabled APIC takes no fixed interrupt (10.4.7.2). */
	vp->lapic->regs[APIC_SPIV / 4] = 0xff;
	fixed(vp, 0x50, false);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), -1);
	vp->lapic->regs[APIC_SPIV / 4] |= APIC_SPIV_APIC_ENABLED;
	/* Level-triggered sets TMR, edge clears it. */
	fixed(vp, 0x50, true);
	KUNIT_EXPECT_TRUE(test, test_bit(0x50, vp->lapic->tmr));
	fixed(vp, 0x50, false);
	KUNIT_EXPECT_FALSE(test, test_bit(0x50, vp->lapic->tmr));
	/* ExtINT bypasses priorities and IRR. */
	hvkm_lapic_set_tpr(vp, 0xf0);
	hvkm_lapic_accept(vp, &(struct hvkm_lapic_irq){
		.vector = 0x20, .delivery = HVKM_DM_EXTINT,
	});
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), 0x20);
	hvkm_lapic_ack(vp, 0x20);
	KUNIT_EXPECT_EQ(test, hvkm_lapic_pending(vp), -1);
	apic_env_free(vp);
}

static void auto_eoi_and_eoi_exit(struct kunit *test)
{
	struct hvkm_vp *vp = apic_env(test);

	/* AutoEOI (SynIC): acknowledged without entering service. */
	hvkm_lapic_accept(vp, &(struct hvkm_lapic_irq){ .vector = 0x60, .auto_eoi = true });
	hvkm_lapic_ack(vp, 0x60);
	KUNIT_EXPECT_EQ(test, find_first_bit(vp->lapic->isr, 256), 256UL);
	/* A level vector the VMM registered reports its EOI; an edge one does not. */
	set_bit(0x70, vp->partition->eoi_exits);
	set_bit(0x71, vp->partition->eoi_exits);
	fixed(vp, 0x71, false);
	hvkm_lapic_ack(vp, 0x71);
	hvkm_lapic_eoi(vp);
	KUNIT_EXPECT_EQ(test, vp->eoi_exit_vector, -1);
	fixed(vp, 0x70, true);
	hvkm_lapic_ack(vp, 0x70);
	hvkm_lapic_eoi(vp);
	KUNIT_EXPECT_EQ(test, vp->eoi_exit_vector, 0x70);
	/* EOI with nothing in service changes nothing. */
	vp->eoi_exit_vector = -1;
	hvkm_lapic_eoi(vp);
	KUNIT_EXPECT_EQ(test, vp->eoi_exit_vector, -1);
	apic_env_free(vp);
}

static void destinations(struct kunit *test)
{
	struct hvkm_vp *vp = apic_env(test);
	struct hvkm_lapic_irq irq = { .vector = 0x40 };

	irq.dest = 2;
	KUNIT_EXPECT_TRUE(test, apic_match(vp, &irq));
	irq.dest = 3;
	KUNIT_EXPECT_FALSE(test, apic_match(vp, &irq));
	irq.dest = 0xff;		/* physical broadcast */
	KUNIT_EXPECT_TRUE(test, apic_match(vp, &irq));
	/* Flat logical: a bit of the 8-bit logical id. */
	irq.logical = true;
	vp->lapic->regs[APIC_DFR / 4] = 0xffffffff;
	vp->lapic->regs[APIC_LDR / 4] = 0x04000000;
	irq.dest = 0x06;
	KUNIT_EXPECT_TRUE(test, apic_match(vp, &irq));
	irq.dest = 0x01;
	KUNIT_EXPECT_FALSE(test, apic_match(vp, &irq));
	/* Cluster: the high nibble names the cluster, the low one a member. */
	vp->lapic->regs[APIC_DFR / 4] = 0x0fffffff;
	vp->lapic->regs[APIC_LDR / 4] = 0x21000000;
	irq.dest = 0x23;
	KUNIT_EXPECT_TRUE(test, apic_match(vp, &irq));
	irq.dest = 0x13;
	KUNIT_EXPECT_FALSE(test, apic_match(vp, &irq));
	apic_env_free(vp);
}

static const struct {
	u64 address;
	u32 data;
	int ret;
	u8 vector, delivery, level, logical;
	u32 dest;
} msi_cases[] = {
	{ 0xfee00000, 0x0041, 0, 0x41, HVKM_DM_FIXED, 0, 0, 0 },
	{ 0xfee02004, 0x0142, 0, 0x42, HVKM_DM_LOWEST, 0, 1, 2 },
	{ 0xfeeff000, 0xc050, 0, 0x50, HVKM_DM_FIXED, 1, 0, 0xff },
	{ 0xfee00000, 0x0400, 0, 0x00, HVKM_DM_NMI, 0, 0, 0 },
	{ 0xfee00000, 0x0700, 0, 0x00, HVKM_DM_EXTINT, 0, 0, 0 },
	{ 0xfee00000, 0x000f, -EINVAL },	/* fixed vector below 16 */
	{ 0xfee00000, 0x0240, -EINVAL },	/* SMI */
	{ 0xfee00000, 0x0340, -EINVAL },	/* reserved mode */
	{ 0xfee00000, 0x0640, -EINVAL },	/* SIPI is not an MSI mode */
	{ 0xfee00000, 0x10040, -EINVAL },	/* reserved data bits */
	{ 0xfee00000, 0x0840, -EINVAL },	/* reserved bit 11 */
	{ 0xfed00000, 0x0040, -EINVAL },	/* not the APIC range */
	{ 0x1fee00000ULL, 0x0040, -EINVAL },
};

static void msi_decoding(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msi_cases); i++) {
		struct hvkm_msi msi = { .address = msi_cases[i].address,
					.data = msi_cases[i].data };
		struct hvkm_lapic_irq irq = {};

		KUNIT_EXPECT_EQ_MSG(test, hvkm_msi_decode(&msi, &irq), msi_cases[i].ret,
				    "case %u", i);
		if (msi_cases[i].ret)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, irq.vector, msi_cases[i].vector, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, irq.delivery, msi_cases[i].delivery, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, irq.level, (bool)msi_cases[i].level, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, irq.logical, (bool)msi_cases[i].logical, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, irq.dest, msi_cases[i].dest, "case %u", i);
		KUNIT_EXPECT_TRUE_MSG(test, irq.assert, "case %u", i);
	}
}

static struct kunit_case lapic_cases[] = {
	KUNIT_CASE(pending_against_tpr_and_isr),
	KUNIT_CASE(acceptance_rules),
	KUNIT_CASE(auto_eoi_and_eoi_exit),
	KUNIT_CASE(destinations),
	KUNIT_CASE(msi_decoding),
	{}
};

static struct kunit_suite lapic_suite = {
	.name = "hvkm_lapic",
	.test_cases = lapic_cases,
};

kunit_test_suite(lapic_suite);
