// SPDX-License-Identifier: GPL-2.0
// sources: cpuid.c
#include <stddef.h>

#include "cpuid_table.h"
#include "tap.h"

static const struct hvkm_cpuid_entry *find(const struct hvkm_cpuid_entry *e, unsigned int n,
					   unsigned int fn, unsigned int index)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (e[i].function == fn &&
		    (!(e[i].flags & HVKM_CPUID_SUBLEAF) || e[i].index == index))
			return &e[i];
	return NULL;
}

int main(void)
{
	struct hvkm_cpuid_entry e[CPUID_MAX_ENTRIES];
	const struct hvkm_cpuid_entry *x;
	unsigned int n;

	n = cpuid_build(e, 2);
	CHECK(n > 0 && n <= CPUID_MAX_ENTRIES, "entries fit");
	x = find(e, n, 0, 0);
	CHECK(x && x->eax == 0xb, "max basic leaf 0Bh");
	x = find(e, n, 1, 0);
	CHECK(x && ((x->ebx >> 16) & 0xff) == 2 && (x->edx & (1u << 28)), "leaf 1: 2 logical, HTT");
	CHECK(x && (x->ebx >> 24) == 0, "leaf 1: APIC id left to the kernel");
	CHECK(x && !(x->ecx & (1u << 26)), "leaf 1: no XSAVE");
	x = find(e, n, 0xb, 0);
	CHECK(x && x->eax == 0 && x->ebx == 1 && x->ecx == 0x100, "leaf 0Bh.0: SMT, 1 thread");
	x = find(e, n, 0xb, 1);
	CHECK(x && x->eax == 1 && x->ebx == 2 && x->ecx == 0x201, "leaf 0Bh.1: core, 2 VPs, shift 1");
	x = find(e, n, 0xb, 2);
	CHECK(x && x->ebx == 0 && ((x->ecx >> 8) & 0xff) == 0 && (x->ecx & 0xff) == 2,
	      "leaf 0Bh.2: invalid level ends the list");
	x = find(e, n, 0x80000008, 0);
	CHECK(!x || ((x->ecx & 0xff) == 1 && ((x->ecx >> 12) & 0xf) == 1),
	      "0x80000008: NC 1, ApicIdCoreIdSize 1");

	n = cpuid_build(e, 5);
	x = find(e, n, 0xb, 1);
	CHECK(x && x->eax == 3 && x->ebx == 5, "leaf 0Bh.1: 5 VPs need 3 id bits");
	n = cpuid_build(e, 1);
	x = find(e, n, 1, 0);
	CHECK(x && ((x->ebx >> 16) & 0xff) == 1 && !(x->edx & (1u << 28)), "1 VP: no HTT");
	return tap_done();
}
