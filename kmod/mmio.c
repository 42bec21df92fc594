// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the MMIO state machine (see mmio.h).  The decoder (decode.c) says
 * what the instruction is, emulate.c what it does to registers and flags;
 * this file moves the data: the local APIC's page and guest RAM in the
 * kernel, everything else through mmio_exit(), the one place that fills the
 * run page for HVKM_EXIT_MMIO.
 */
#include <linux/string.h>

#include "mmio.h"
#include "emulate.h"
#include "lapic/lapic.h"

int hvkm_exit_emulation_failure(struct hvkm_vp *vp, u64 gpa, const u8 *bytes,
				unsigned int len)
{
	struct hvkm_run *run = vp->run;

	run->exit_reason = HVKM_EXIT_EMULATION_FAILURE;
	run->emulation.gpa = gpa;
	run->emulation.insn_len = len;
	memset(run->emulation.insn, 0, sizeof(run->emulation.insn));
	memcpy(run->emulation.insn, bytes, len);
	return HVKM_EXIT_TO_USER;
}

/* The funnel: every MMIO exit to the VMM is filled in here. */
static int mmio_exit(struct hvkm_vp *vp, u64 gpa, unsigned int len, bool write, u64 data)
{
	struct hvkm_run *run = vp->run;

	run->exit_reason = HVKM_EXIT_MMIO;
	run->mmio.gpa = gpa;
	run->mmio.len = len;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	memset(run->mmio.reserved, 0, sizeof(run->mmio.reserved));
	if (write)
		memcpy(run->mmio.data, &data, len);
	return HVKM_EXIT_TO_USER;
}

/*
 * A read the kernel can do itself: the local APIC's page, or guest RAM (the
 * readable side of a MOVS, or the read half of a read-modify-write of a
 * read-only slot).  False when the VMM has to answer.
 */
static bool mmio_read_here(struct hvkm_vp *vp, u64 gpa, unsigned int size, u64 *val)
{
	*val = 0;
	if (hvkm_lapic_mmio_claims(vp, gpa)) {
		hvkm_lapic_mmio_read(vp, gpa, size, val);
		return true;
	}
	return !hvkm_read_guest(vp->partition, gpa, val, size);
}

/* A write: in the kernel for the local APIC and writable RAM, else an exit. */
static int mmio_write(struct hvkm_vp *vp, u64 gpa, unsigned int size, u64 val)
{
	if (hvkm_lapic_mmio_claims(vp, gpa)) {
		hvkm_lapic_mmio_write(vp, gpa, size, val);
		return HVKM_RESUME;
	}
	if (!hvkm_write_guest(vp->partition, gpa, &val, size))
		return HVKM_RESUME;
	return mmio_exit(vp, gpa, size, true, val);
}

static void mmio_next_insn(struct hvkm_mmio *m, struct hvkm_mmio_regs *r)
{
	r->rip += m->insn.len;
	if (r->mode != 8)
		r->rip = (u32)r->rip;
}

/* The memory operand's old value is known (or not needed): carry the instruction out. */
static int mmio_finish(struct hvkm_vp *vp, struct hvkm_mmio *m, struct hvkm_mmio_regs *r,
		       u64 mem)
{
	u64 store;
	bool write = hvkm_emulate_insn(&m->insn, r->gpr, &r->rflags, mem, &store);

	mmio_next_insn(m, r);
	if (!write)
		return HVKM_RESUME;
	return mmio_write(vp, m->gpa, m->insn.size, store);
}

/* One MOVS/STOS element is in hand: advance the registers, store it. */
static int mmio_string_store(struct hvkm_vp *vp, struct hvkm_mmio *m,
			     struct hvkm_mmio_regs *r, u64 val)
{
	if (hvkm_string_step(&m->insn, r->gpr, r->rflags))
		mmio_next_insn(m, r);
	return mmio_write(vp, m->dst_gpa, m->insn.size, val);
}

/* seg:[reg] as a guest-physical address, through the guest's page tables. */
static int mmio_string_gpa(struct hvkm_vp *vp, const struct hvkm_insn *insn,
			   const struct hvkm_mmio_regs *r, unsigned int seg, u64 reg, u64 *gpa)
{
	u64 mask = insn->asize == 8 ? ~0ULL : (1ULL << (8 * insn->asize)) - 1;
	u64 linear = r->seg_base[seg] + (reg & mask);

	if (r->mode != 8)
		linear = (u32)linear;
	return hvkm_gva_to_gpa(vp->partition, &r->pg, linear, gpa);
}

/*
 * MOVS and STOS, one element: the faulting side is MMIO (or the APIC), the
 * other may be RAM.  Both addresses are translated here because the fault
 * names only one of them.  A side the guest's page tables do not map would
 * be a #PF the CPU has not raised yet; it is not emulated and exits as an
 * emulation failure.
 */
static int mmio_string(struct hvkm_vp *vp, struct hvkm_mmio *m, struct hvkm_mmio_regs *r,
		       const u8 *bytes, unsigned int got)
{
	const struct hvkm_insn *insn = &m->insn;
	u64 src_gpa, val;

	if (!hvkm_string_count(insn, r->gpr)) {
		mmio_next_insn(m, r);
		return HVKM_RESUME;
	}
	if (mmio_string_gpa(vp, insn, r, HVKM_SEG_ES, r->gpr[HVKM_GPR_RDI], &m->dst_gpa))
		return hvkm_exit_emulation_failure(vp, m->gpa, bytes, got);
	if (insn->op == HVKM_INSN_STOS)
		return mmio_string_store(vp, m, r, r->gpr[HVKM_GPR_RAX]);
	if (mmio_string_gpa(vp, insn, r, insn->seg, r->gpr[HVKM_GPR_RSI], &src_gpa))
		return hvkm_exit_emulation_failure(vp, m->gpa, bytes, got);
	if (mmio_read_here(vp, src_gpa, insn->size, &val))
		return mmio_string_store(vp, m, r, val);
	m->gpa = src_gpa;
	m->state = HVKM_MMIO_WAIT_READ;
	return mmio_exit(vp, src_gpa, insn->size, false, 0);
}

int hvkm_mmio_start(struct hvkm_vp *vp, struct hvkm_mmio *m, struct hvkm_mmio_regs *r,
		    u64 gpa, const u8 *bytes, unsigned int got)
{
	u64 val;

	m->state = HVKM_MMIO_IDLE;
	m->gpa = gpa;
	if (hvkm_decode(bytes, got, r->mode, &m->insn))
		return hvkm_exit_emulation_failure(vp, gpa, bytes, got);
	if (m->insn.op == HVKM_INSN_MOVS || m->insn.op == HVKM_INSN_STOS)
		return mmio_string(vp, m, r, bytes, got);
	if (!hvkm_emulate_reads(&m->insn))
		return mmio_finish(vp, m, r, 0);
	if (mmio_read_here(vp, gpa, m->insn.size, &val))
		return mmio_finish(vp, m, r, val);
	m->state = HVKM_MMIO_WAIT_READ;
	return mmio_exit(vp, gpa, m->insn.size, false, 0);
}

int hvkm_mmio_complete(struct hvkm_vp *vp, struct hvkm_mmio *m, struct hvkm_mmio_regs *r)
{
	u64 val = 0;

	if (m->state != HVKM_MMIO_WAIT_READ)
		return HVKM_RESUME;
	m->state = HVKM_MMIO_IDLE;
	memcpy(&val, vp->run->mmio.data, m->insn.size);
	if (m->insn.op == HVKM_INSN_MOVS)
		return mmio_string_store(vp, m, r, val);
	return mmio_finish(vp, m, r, val);
}
