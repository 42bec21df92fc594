// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the SVM backend (AMD-V).  For now it owns SVM on each CPU: EFER.SVME
 * and a host save area per CPU (AMD APM vol. 2, 15.4 and 15.30.4 VM_HSAVE_PA).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/svm.h>
#include <linux/gfp.h>
#include <linux/hvkm.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>

#include "svm.h"
#include "svm_caps.h"

DEFINE_PER_CPU(struct hvkm_svm_cpu, hvkm_svm_cpu);
/* ASIDs 1..hvkm_svm_max_asid are for guests; 0 is the host's. */
u32 hvkm_svm_max_asid;

static void svm_read_facts(struct hvkm_svm_facts *f)
{
	u32 eax, ecx;

	*f = (struct hvkm_svm_facts){};
	f->max_ext_leaf = cpuid_eax(0x80000000);
	if (f->max_ext_leaf >= 0x80000001)
		f->ext_ecx = cpuid_ecx(0x80000001);
	if (f->max_ext_leaf >= SVM_CPUID_FUNC)
		cpuid(SVM_CPUID_FUNC, &eax, &f->svm_ebx, &ecx, &f->svm_edx);
	/* VM_CR exists only on CPUs with SVM; read it without faulting. */
	if (rdmsrl_safe(MSR_VM_CR, &f->vm_cr))
		f->vm_cr = 0;
	rdmsrl(MSR_EFER, f->efer);
}

static int svm_hardware_setup(struct hvkm_host_caps *caps)
{
	struct hvkm_svm_facts facts;
	const char *why;
	int ret;

	svm_read_facts(&facts);
	ret = hvkm_svm_check(&facts, &why);
	if (ret) {
		pr_err("SVM unusable: %s\n", why);
		return ret;
	}
	caps->vendor = HVKM_VENDOR_SVM;
	caps->nr_asids = facts.svm_ebx;
	hvkm_svm_max_asid = facts.svm_ebx - 1;
	return hvkm_svm_vp_setup();
}

static int svm_cpu_prepare(unsigned int cpu)
{
	struct hvkm_svm_cpu *sc = per_cpu_ptr(&hvkm_svm_cpu, cpu);
	int node = cpu_to_node(cpu);

	sc->hsave = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
	sc->host_vmsave = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
	if (!sc->hsave || !sc->host_vmsave) {
		if (sc->hsave)
			__free_page(sc->hsave);
		if (sc->host_vmsave)
			__free_page(sc->host_vmsave);
		sc->hsave = NULL;
		sc->host_vmsave = NULL;
		return -ENOMEM;
	}
	/* Generation 1 and up: a VP that never ran (generation 0) gets an ASID. */
	sc->asid_generation = 1;
	sc->next_asid = 1;
	return 0;
}

static void svm_cpu_release(unsigned int cpu)
{
	struct hvkm_svm_cpu *sc = per_cpu_ptr(&hvkm_svm_cpu, cpu);

	__free_page(sc->hsave);
	__free_page(sc->host_vmsave);
	sc->hsave = NULL;
	sc->host_vmsave = NULL;
}

static int svm_enable_cpu(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		pr_err("SVM is already enabled on CPU %d by another hypervisor; unload it first, e.g. 'modprobe -r kvm_amd'\n",
		       smp_processor_id());
		return -EBUSY;
	}
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(__this_cpu_read(hvkm_svm_cpu.hsave)));
	return 0;
}

/*
 * Clear VM_HSAVE_PA and EFER.SVME.  GIF is forced to 1 first: a crash between
 * CLGI and STGI would otherwise leave INIT and NMI blocked after SVM is off.
 */
static void svm_disable_cpu(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	if (!(efer & EFER_SVME))
		return;
	hvkm_svm_stgi_safe();
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

const struct hvkm_vendor_ops hvkm_svm_ops = {
	.name = "svm",
	.hardware_setup = svm_hardware_setup,
	.hardware_unsetup = hvkm_svm_vp_cleanup,
	.cpu_prepare = svm_cpu_prepare,
	.cpu_release = svm_cpu_release,
	.enable_cpu = svm_enable_cpu,
	.disable_cpu = svm_disable_cpu,
	.emergency_disable_cpu = svm_disable_cpu,
	.partition_init = hvkm_svm_partition_init,
	.partition_destroy = hvkm_svm_partition_destroy,
	.zap_gpa_range = hvkm_svm_zap_gpa_range,
	.write_protect_gpa_range = hvkm_svm_write_protect_gpa_range,
	.vp_create = hvkm_svm_vp_create,
	.vp_free = hvkm_svm_vp_free,
	.vp_run = hvkm_svm_vp_run,
	.get_register = hvkm_svm_get_register,
	.set_register = hvkm_svm_set_register,
	.test_vmrun_loop = hvkm_svm_test_vmrun_loop,
	.interruptible = hvkm_svm_interruptible,
	.get_paging = hvkm_svm_get_paging,
	.get_tsc_offset = hvkm_svm_get_tsc_offset,
	.debugfs_show = hvkm_svm_debugfs_show,
	.init_vp = hvkm_svm_init_vp,
};
