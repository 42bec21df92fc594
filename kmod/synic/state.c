// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: SynIC and synthetic timer state for the VMM (save, restore,
 * inspection), through HVKM_GET/SET_REGISTERS by TLFS register name.
 * Unlike the guest's WRMSR, setting a page register does not clear the
 * page (restoring must keep what the guest had there), setting a count
 * does not apply AutoEnable, and no privilege is needed.
 */
#include <linux/errno.h>

#include "../hvkm.h"

#define REG_SINT_LAST		(HV_X64_REGISTER_SINT0 + HV_SYNIC_SINT_COUNT - 1)
#define REG_STIMER_LAST		(HV_X64_REGISTER_STIMER0_CONFIG + 2 * HV_SYNIC_STIMER_COUNT - 1)

static struct hvkm_stimer *reg_stimer(struct hvkm_vp *vp, u32 name)
{
	return &vp->synic->stimer[(name - HV_X64_REGISTER_STIMER0_CONFIG) / 2];
}

static bool reg_is_count(u32 name)
{
	return (name - HV_X64_REGISTER_STIMER0_CONFIG) & 1;
}

int hvkm_synic_get_register(struct hvkm_vp *vp, struct hvkm_register_assoc *reg)
{
	struct hvkm_synic *s = vp->synic;
	u32 name = reg->name;
	u64 *v = &reg->value.reg64;

	memset(&reg->value, 0, sizeof(reg->value));
	if (name >= HV_X64_REGISTER_SINT0 && name <= REG_SINT_LAST) {
		*v = READ_ONCE(s->sint[name - HV_X64_REGISTER_SINT0]);
		return 0;
	}
	if (name >= HV_X64_REGISTER_STIMER0_CONFIG && name <= REG_STIMER_LAST) {
		*v = reg_is_count(name) ? reg_stimer(vp, name)->count :
					  READ_ONCE(reg_stimer(vp, name)->config);
		return 0;
	}
	switch (name) {
	case HV_X64_REGISTER_SCONTROL:
		*v = READ_ONCE(s->control);
		return 0;
	case HV_X64_REGISTER_SVERSION:
		*v = HV_SYNIC_VERSION_1;
		return 0;
	case HV_X64_REGISTER_SIEFP:
		*v = READ_ONCE(s->siefp);
		return 0;
	case HV_X64_REGISTER_SIMP:
		*v = READ_ONCE(s->simp);
		return 0;
	case HV_X64_REGISTER_EOM:
		*v = 0;
		return 0;
	default:
		return -ENOENT;
	}
}

int hvkm_synic_set_register(struct hvkm_vp *vp, const struct hvkm_register_assoc *reg)
{
	struct hvkm_synic *s = vp->synic;
	union hv_synic_sint sint = { .as_uint64 = reg->value.reg64 };
	u32 name = reg->name;
	u64 v = reg->value.reg64;

	if (name >= HV_X64_REGISTER_SINT0 && name <= REG_SINT_LAST) {
		if (!sint.masked && sint.vector < 16)
			return -EINVAL;		/* what WRMSR would #GP on */
		WRITE_ONCE(s->sint[name - HV_X64_REGISTER_SINT0], v);
		return 0;
	}
	if (name >= HV_X64_REGISTER_STIMER0_CONFIG && name <= REG_STIMER_LAST) {
		if (reg_is_count(name)) {
			hvkm_stimer_set_count(reg_stimer(vp, name), v, false);
			return 0;
		}
		return hvkm_stimer_set_config(reg_stimer(vp, name), v);
	}
	switch (name) {
	case HV_X64_REGISTER_SCONTROL:
		WRITE_ONCE(s->control, v);
		return 0;
	case HV_X64_REGISTER_SIEFP:
	case HV_X64_REGISTER_SIMP:
		mutex_lock(&s->lock);
		WRITE_ONCE(*(name == HV_X64_REGISTER_SIMP ? &s->simp : &s->siefp), v);
		mutex_unlock(&s->lock);
		return 0;
	case HV_X64_REGISTER_SVERSION:
	case HV_X64_REGISTER_EOM:
		return -EINVAL;
	default:
		return -ENOENT;
	}
}
