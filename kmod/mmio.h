/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: MMIO emulation, vendor-neutral.  A nested page fault outside guest
 * RAM (or on the xAPIC page, or a write to a read-only slot) hands the
 * instruction at RIP here; it is decoded, its memory side is done in the
 * kernel where the kernel owns it (the local APIC, guest RAM) and through
 * HVKM_EXIT_MMIO exits otherwise.
 *
 * States of struct hvkm_mmio:
 *   IDLE       no instruction in flight;
 *   WAIT_READ  a read exit is out: the next RUN takes the data from the run
 *              page (hvkm_mmio_complete()), carries the instruction out and
 *              may leave again through one write exit, after which the
 *              instruction is complete and the state IDLE.
 * MOVS/STOS move one element per fault; under REP rSI/rDI/rCX are updated
 * after each element and RIP stays, so the guest executes the instruction
 * again for the next one: an interrupt or a signal in between is harmless.
 */
#ifndef HVKM_MMIO_H
#define HVKM_MMIO_H

#include "hvkm.h"
#include "decode.h"

/* The VP state the emulation reads and writes: the backend copies it in and out. */
struct hvkm_mmio_regs {
	u64 gpr[16];
	u64 rflags;
	u64 rip;
	unsigned int mode;		/* code size: 2, 4, 8 bytes */
	u64 seg_base[6];		/* enum hvkm_seg; 0 where 64-bit mode ignores the base */
	struct hvkm_paging pg;
};

enum hvkm_mmio_state { HVKM_MMIO_IDLE, HVKM_MMIO_WAIT_READ };

struct hvkm_mmio {
	enum hvkm_mmio_state state;
	struct hvkm_insn insn;
	u64 gpa;			/* WAIT_READ: where the read is */
	u64 dst_gpa;			/* MOVS, STOS: where the element goes */
};

/* An access at @gpa faulted; @bytes (@got of them) are at the guest's RIP. */
int hvkm_mmio_start(struct hvkm_vp *vp, struct hvkm_mmio *m, struct hvkm_mmio_regs *r,
		    u64 gpa, const u8 *bytes, unsigned int got);
/* Before entering the guest: finish an instruction waiting for read data. */
int hvkm_mmio_complete(struct hvkm_vp *vp, struct hvkm_mmio *m, struct hvkm_mmio_regs *r);

static inline bool hvkm_mmio_pending(const struct hvkm_mmio *m)
{
	return m->state != HVKM_MMIO_IDLE;
}

/* HVKM_EXIT_EMULATION_FAILURE with the instruction's raw bytes. */
int hvkm_exit_emulation_failure(struct hvkm_vp *vp, u64 gpa, const u8 *bytes,
				unsigned int len);

#endif /* HVKM_MMIO_H */
