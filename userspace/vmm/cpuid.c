// SPDX-License-Identifier: GPL-2.0
/*
 * Filtering the host's CPUID for a guest.  Features go when hvkm lacks
 * what they need: XSAVE and everything built on it (XSETBV is #UD in
 * guests, kmod/svm/svm_vp.c), MONITOR/MWAIT (#UD), nested virtualization,
 * performance counters, debug store and thermal/power control, PCID and
 * the CR4-controlled protections that hvkm does not offer yet.
 */
#include <cpuid.h>
#include <string.h>

#include "cpuid_table.h"

#define BIT(n)	(1u << (n))

/* CPUID.1:ECX / EDX (SDM vol. 2A, table 3-10 and 3-11) */
#define ECX1_DROP (BIT(3) /* MONITOR */ | BIT(4) /* DS-CPL */ | BIT(5) /* VMX */ |	\
		   BIT(6) /* SMX */ | BIT(7) /* EIST */ | BIT(8) /* TM2 */ |		\
		   BIT(11) /* SDBG */ | BIT(12) /* FMA */ | BIT(15) /* PDCM */ |	\
		   BIT(17) /* PCID */ | BIT(18) /* DCA */ | BIT(26) /* XSAVE */ |	\
		   BIT(27) /* OSXSAVE */ | BIT(28) /* AVX */ | BIT(29) /* F16C */)
#define EDX1_DROP (BIT(7) /* MCE */ | BIT(14) /* MCA */ | BIT(18) /* PSN */ |	\
		   BIT(21) /* DS */ | BIT(22) /* ACPI */ | BIT(27) /* SS */ |		\
		   BIT(28) /* HTT */ | BIT(29) /* TM */ | BIT(31) /* PBE */)
/* CPUID.7.0:EBX features kept (the rest need XSAVE, CR4 bits or more). */
#define EBX7_KEEP (BIT(3) /* BMI1 */ | BIT(8) /* BMI2 */ | BIT(9) /* ERMS */ |	\
		   BIT(18) /* RDSEED */ | BIT(19) /* ADX */ | BIT(23) /* CLFLUSHOPT */ | \
		   BIT(24) /* CLWB */ | BIT(29) /* SHA */)
/* CPUID.80000001h:ECX (AMD APM vol. 3, E.4.2) */
#define ECX81_KEEP (BIT(0) /* LAHF */ | BIT(4) /* AltMovCr8 */ | BIT(5) /* ABM */ | \
		    BIT(6) /* SSE4A */ | BIT(7) /* MisAlignSse */ | BIT(8) /* 3DNowPrefetch */)

static void add(struct hvkm_cpuid_entry *e, unsigned int *n, unsigned int fn,
		unsigned int index, unsigned int flags)
{
	struct hvkm_cpuid_entry *x = &e[(*n)++];

	memset(x, 0, sizeof(*x));
	x->function = fn;
	x->index = index;
	x->flags = flags;
	__cpuid_count(fn, index, x->eax, x->ebx, x->ecx, x->edx);
}

/* Bits an APIC id needs to number @n processors: ceil(log2(n)). */
static unsigned int id_bits(unsigned int n)
{
	unsigned int bits = 0;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

/*
 * Leaf 0Bh, the x2APIC topology (SDM vol. 2A, CPUID leaf 0Bh): one package of
 * @nr_vps cores with one thread each, so APIC id = core number.  EDX, the
 * executing processor's x2APIC id, is filled in by the kernel per VP.
 */
static void add_topology(struct hvkm_cpuid_entry *e, unsigned int *n, unsigned int nr_vps)
{
	unsigned int level;

	for (level = 0; level < 3; level++) {
		struct hvkm_cpuid_entry *x = &e[(*n)++];

		memset(x, 0, sizeof(*x));
		x->function = 0xb;
		x->index = level;
		x->flags = HVKM_CPUID_SUBLEAF;
		x->ecx = level;
		if (level == 0) {		/* SMT: one thread per core */
			x->eax = 0;
			x->ebx = 1;
			x->ecx |= 1u << 8;
		} else if (level == 1) {	/* core: all VPs in the package */
			x->eax = id_bits(nr_vps);
			x->ebx = nr_vps;
			x->ecx |= 2u << 8;
		}				/* level 2: type 0, the end */
	}
}

unsigned int cpuid_build(struct hvkm_cpuid_entry *e, unsigned int nr_vps)
{
	unsigned int n = 0, max = 0xb, fn, a, b, c, d;

	for (fn = 0; fn <= max; fn++) {
		struct hvkm_cpuid_entry *x = &e[n];

		if (fn == 0xb) {
			add_topology(e, &n, nr_vps);
			continue;
		}
		add(e, &n, fn, 0, fn == 7 ? HVKM_CPUID_SUBLEAF : 0);
		switch (fn) {
		case 0:
			x->eax = max;
			break;
		case 1:
			/*
			 * All VPs in one package: EBX[23:16] counts its logical
			 * processors (with HTT set when more than one); EBX[31:24],
			 * the APIC id, is the executing VP's, set by the kernel.
			 */
			x->ebx = (x->ebx & 0xffff) | ((nr_vps & 0xff) << 16);
			x->ecx &= ~ECX1_DROP;
			x->edx &= ~EDX1_DROP;
			if (nr_vps > 1)
				x->edx |= BIT(28);
			break;
		case 7:
			x->eax = 0;
			x->ebx &= EBX7_KEEP;
			x->ecx = 0;
			x->edx = 0;
			break;
		case 2:
			break;		/* cache descriptors (Intel), harmless */
		default:
			/* 3 serial, 4 cache topology, 5 MWAIT, 6 power: none. */
			x->eax = x->ebx = x->ecx = x->edx = 0;
			break;
		}
	}
	__cpuid(0x80000000, a, b, c, d);
	max = a < 0x80000008 ? a : 0x80000008;
	for (fn = 0x80000000; fn <= max; fn++) {
		struct hvkm_cpuid_entry *x = &e[n];

		add(e, &n, fn, 0, 0);
		switch (fn) {
		case 0x80000000:
			x->eax = max;
			break;
		case 0x80000001:
			x->ecx &= ECX81_KEEP;
			/* EDX keeps SYSCALL, NX, 1 GiB pages, RDTSCP, LM and the basics. */
			x->edx &= ~(BIT(7) | BIT(14) | BIT(22) | BIT(28));
			break;
		case 0x80000007:
			x->eax = x->ebx = x->ecx = 0;
			x->edx &= BIT(8);	/* invariant TSC */
			break;
		case 0x80000008:
			x->ebx = 0;		/* no IBPB/STIBP/... controls offered */
			/* NC: cores - 1; ApicIdCoreIdSize (APM vol. 3, E.4.7) */
			x->ecx = (nr_vps - 1) | (id_bits(nr_vps) << 12);
			x->edx = 0;
			break;
		default:
			break;			/* brand string, caches */
		}
	}
	return n;
}
