/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The partition privilege mask of CPUID 0x40000003 EAX:EBX as one 64-bit
 * value (TLFS "Partition Privilege Flags"), for the guests that check it.
 */
#ifndef HVKM_SELFTEST_HV_PRIVILEGES_H
#define HVKM_SELFTEST_HV_PRIVILEGES_H

#define PRIV_VP_RUNTIME		(1ULL << 0)
#define PRIV_TIME_REF_COUNT	(1ULL << 1)
#define PRIV_SYNIC		(1ULL << 2)
#define PRIV_SYNTIMER		(1ULL << 3)
#define PRIV_APIC_ACCESS	(1ULL << 4)
#define PRIV_HYPERCALL		(1ULL << 5)
#define PRIV_VP_INDEX		(1ULL << 6)
#define PRIV_RESET		(1ULL << 7)
#define PRIV_STATS		(1ULL << 8)
#define PRIV_REFERENCE_TSC	(1ULL << 9)
#define PRIV_GUEST_IDLE		(1ULL << 10)
#define PRIV_FREQUENCY		(1ULL << 11)
#define PRIV_POST_MESSAGES	(1ULL << (32 + 4))
#define PRIV_SIGNAL_EVENTS	(1ULL << (32 + 5))
#define PRIV_CPU_MANAGEMENT	(1ULL << (32 + 12))
#define PRIV_EXT_HYPERCALLS	(1ULL << (32 + 20))
/* What hvkm grants a partition by default. */
#define PRIV_ALL		(PRIV_VP_RUNTIME | PRIV_TIME_REF_COUNT | PRIV_SYNIC |		\
				 PRIV_SYNTIMER | PRIV_APIC_ACCESS | PRIV_HYPERCALL |		\
				 PRIV_VP_INDEX | PRIV_RESET | PRIV_REFERENCE_TSC |		\
				 PRIV_GUEST_IDLE | PRIV_FREQUENCY | PRIV_POST_MESSAGES |	\
				 PRIV_SIGNAL_EVENTS | PRIV_EXT_HYPERCALLS)

#endif
