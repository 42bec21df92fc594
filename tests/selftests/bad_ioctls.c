// SPDX-License-Identifier: GPL-2.0
/*
 * Every ioctl fed bad arguments, table-driven: each row names the fd, the
 * command, a way to spoil the argument and the errno that must come back.
 * Afterwards the partition and its VP still work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/hvkm_vm.h"
#include "lib/ksft.h"

enum target { DEV, PARTITION, VP };

/* One argument buffer, big enough for every struct; rows fill it. */
static union {
	struct hvkm_create_partition cp;
	struct hvkm_memory_region mr;
	struct hvkm_create_vp cv;
	struct hvkm_cpuid cpuid;
	struct hvkm_assert_interrupt ai;
	struct hvkm_partition_property pp;
	struct hvkm_dirty_log dl;
	struct hvkm_registers regs;
	struct hvkm_xsave xs;
	struct hvkm_translate_gva tg;
	struct hvkm_test_vmrun_loop loop;
	struct hvkm_msi msi;
	struct hvkm_irqfd irqfd;
	struct hvkm_lapic_state lapic;
	struct hvkm_synic_eventfd se;
	struct hvkm_synic_port sp;
	struct hvkm_synic_post post;
	struct hvkm_synic_signal sig;
	struct hvkm_synic_route route;
	uint8_t bytes[512];
} arg;

static struct hvkm_register_assoc reg;
static struct hvkm_vm vm;

struct row {
	const char *what;
	enum target target;
	unsigned long cmd;
	void (*fill)(void);	/* NULL: a zeroed argument */
	unsigned long raw;	/* used instead of &arg when nonzero */
	int err;
};

static void cp_flags(void) { arg.cp.max_vps = 1; arg.cp.flags = 2; }
static void cp_reserved(void) { arg.cp.max_vps = 1; arg.cp.reserved0 = 1; }
static void mr_slot(void) { arg.mr.slot = 99; }
static void mr_flags(void) { arg.mr.flags = 0x80; }
static void mr_reserved(void) { arg.mr.reserved[3] = 1; }
static void mr_unaligned(void) { arg.mr.size = 100; arg.mr.userspace_addr = 0x10000; }
static void cv_index(void) { arg.cv.vp_index = 1000; }
static void cv_flags(void) { arg.cv.flags = 1; }
static void cv_reserved(void) { arg.cv.reserved[0] = 1; }
static void cpuid_reserved(void) { arg.cpuid.reserved = 1; }
static void cpuid_big(void) { arg.cpuid.nent = 1000; }
static void cpuid_ptr(void) { arg.cpuid.nent = 1; arg.cpuid.entries = 8; }
static void ai_type(void) { arg.ai.control = 2; arg.ai.vector = 0x30; }
static void ai_vector(void) { arg.ai.vector = 3; }
static void ai_dest(void) { arg.ai.vector = 0x30; arg.ai.dest_addr = 77; }
static void pp_code(void) { arg.pp.code = 0xdead; }
static void pp_ro(void) { arg.pp.code = HV_PARTITION_PROPERTY_PROCESSOR_VENDOR; }
static void dl_slot(void) { arg.dl.slot = 40; }
static void dl_none(void) { arg.dl.slot = 5; }
static void regs_zero(void) { arg.regs.count = 0; arg.regs.regs = (uintptr_t)&reg; }
static void regs_big(void) { arg.regs.count = 1000; arg.regs.regs = (uintptr_t)&reg; }
static void regs_ptr(void) { arg.regs.count = 1; arg.regs.regs = 8; }
static void regs_name(void) { arg.regs.count = 1; arg.regs.regs = (uintptr_t)&reg; reg.name = 7; }
static void xs_size(void) { arg.xs.size = 1; }
static void xs_reserved(void) { arg.xs.reserved = 1; }
static void tg_flags(void) { arg.tg.control_flags = 0x10; }
static void loop_hooks(void) { arg.loop.iterations = 1; }
static void msi_reserved(void) { arg.msi.address = 0xfee00000; arg.msi.data = 0x40; arg.msi.reserved = 1; }
static void irqfd_badf(void) { arg.irqfd.fd = -1; arg.irqfd.msi.address = 0xfee00000; arg.irqfd.msi.data = 0x40; }
static void irqfd_flags(void) { arg.irqfd.flags = 0x80; }
static void lapic_id(void) { arg.lapic.regs[0x23] = 9; }
static void se_flags(void) { arg.se.flags = 4; }
static void se_reserved(void) { arg.se.reserved[1] = 1; }
static void se_id(void) { arg.se.connection_id = 0x1000000; }
static void se_badfd(void) { arg.se.fd = -1; }
static void se_notevent(void) { arg.se.fd = vm.dev_fd; }
static void se_none(void) { arg.se.flags = HVKM_SYNIC_DEASSIGN; arg.se.connection_id = 77; }
static void sp_flags(void) { arg.sp.flags = 1; }
static void sp_id(void) { arg.sp.connection_id = ~0u; }
static void post_sint(void) { arg.post.sint = 16; arg.post.message_type = 1; }
static void post_type(void) { arg.post.message_type = 0; }
static void post_hvtype(void) { arg.post.message_type = 0x80000010; }
static void post_size(void) { arg.post.message_type = 1; arg.post.payload_size = 241; }
static void post_reserved(void) { arg.post.message_type = 1; arg.post.reserved[0] = 1; }
static void post_novp(void) { arg.post.message_type = 1; arg.post.vp_index = 1; }
static void post_disabled(void) { arg.post.message_type = 1; }
static void sig_flag(void) { arg.sig.flag = 2048; }
static void sig_sint(void) { arg.sig.sint = 16; }
static void sig_flags(void) { arg.sig.flags = 1; }
static void sig_novp(void) { arg.sig.vp_index = 5; }
static void route_flags(void) { arg.route.flags = 8; }
static void route_sint(void) { arg.route.sint = 16; }
static void route_vp(void) { arg.route.vp_index = 2; }
static void route_flag(void) { arg.route.flags = HVKM_SYNIC_ROUTE_FLAG; arg.route.flag = 2048; }
static void route_noflag(void) { arg.route.flag = 3; }
static void route_badfd(void) { arg.route.fd = -1; }
static void route_notevent(void) { arg.route.fd = vm.dev_fd; }

static const struct row rows[] = {
	{ "api version with argument", DEV, HVKM_GET_API_VERSION, NULL, 1, EINVAL },
	{ "unknown /dev ioctl", DEV, _IO(HVKMIO, 0x50), NULL, 0, ENOTTY },
	{ "create partition: bad pointer", DEV, HVKM_CREATE_PARTITION, NULL, 8, EFAULT },
	{ "create partition: no VPs", DEV, HVKM_CREATE_PARTITION, NULL, 0, EINVAL },
	{ "create partition: flags", DEV, HVKM_CREATE_PARTITION, cp_flags, 0, EINVAL },
	{ "create partition: reserved", DEV, HVKM_CREATE_PARTITION, cp_reserved, 0, EINVAL },
	{ "unknown partition ioctl", PARTITION, _IO(HVKMIO, 0x1f), NULL, 0, ENOTTY },
	{ "VP ioctl on a partition", PARTITION, HVKM_RUN_VP, NULL, 0, ENOTTY },
	{ "memory region: bad pointer", PARTITION, HVKM_SET_MEMORY_REGION, NULL, 8, EFAULT },
	{ "memory region: slot", PARTITION, HVKM_SET_MEMORY_REGION, mr_slot, 0, EINVAL },
	{ "memory region: flags", PARTITION, HVKM_SET_MEMORY_REGION, mr_flags, 0, EINVAL },
	{ "memory region: reserved", PARTITION, HVKM_SET_MEMORY_REGION, mr_reserved, 0, EINVAL },
	{ "memory region: unaligned", PARTITION, HVKM_SET_MEMORY_REGION, mr_unaligned, 0, EINVAL },
	{ "create VP: bad pointer", PARTITION, HVKM_CREATE_VP, NULL, 8, EFAULT },
	{ "create VP: index", PARTITION, HVKM_CREATE_VP, cv_index, 0, EINVAL },
	{ "create VP: flags", PARTITION, HVKM_CREATE_VP, cv_flags, 0, EINVAL },
	{ "create VP: reserved", PARTITION, HVKM_CREATE_VP, cv_reserved, 0, EINVAL },
	{ "create VP: exists", PARTITION, HVKM_CREATE_VP, NULL, 0, EEXIST },
	{ "cpuid: reserved", PARTITION, HVKM_SET_CPUID, cpuid_reserved, 0, EINVAL },
	{ "cpuid: too many", PARTITION, HVKM_SET_CPUID, cpuid_big, 0, E2BIG },
	{ "cpuid: bad entries", PARTITION, HVKM_SET_CPUID, cpuid_ptr, 0, EFAULT },
	{ "assert: type", PARTITION, HVKM_ASSERT_INTERRUPT, ai_type, 0, EINVAL },
	{ "assert: vector", PARTITION, HVKM_ASSERT_INTERRUPT, ai_vector, 0, EINVAL },
	{ "assert: destination", PARTITION, HVKM_ASSERT_INTERRUPT, ai_dest, 0, ENOENT },
	{ "property: code", PARTITION, HVKM_GET_PARTITION_PROPERTY, pp_code, 0, EINVAL },
	{ "property: read-only", PARTITION, HVKM_SET_PARTITION_PROPERTY, pp_ro, 0, EPERM },
	{ "dirty log: slot", PARTITION, HVKM_GET_DIRTY_LOG, dl_slot, 0, EINVAL },
	{ "dirty log: no log", PARTITION, HVKM_GET_DIRTY_LOG, dl_none, 0, ENOENT },
	{ "MSI: bad pointer", PARTITION, HVKM_SIGNAL_MSI, NULL, 8, EFAULT },
	{ "MSI: address 0", PARTITION, HVKM_SIGNAL_MSI, NULL, 0, EINVAL },
	{ "MSI: reserved", PARTITION, HVKM_SIGNAL_MSI, msi_reserved, 0, EINVAL },
	{ "irqfd: bad pointer", PARTITION, HVKM_IRQFD, NULL, 8, EFAULT },
	{ "irqfd: no such fd", PARTITION, HVKM_IRQFD, irqfd_badf, 0, EBADF },
	{ "irqfd: flags", PARTITION, HVKM_IRQFD, irqfd_flags, 0, EINVAL },
	{ "EOI exits: bad pointer", PARTITION, HVKM_SET_EOI_EXITS, NULL, 8, EFAULT },
	{ "synic eventfd: flags", PARTITION, HVKM_SYNIC_EVENTFD, se_flags, 0, EINVAL },
	{ "synic eventfd: reserved", PARTITION, HVKM_SYNIC_EVENTFD, se_reserved, 0, EINVAL },
	{ "synic eventfd: connection id", PARTITION, HVKM_SYNIC_EVENTFD, se_id, 0, EINVAL },
	{ "synic eventfd: bad fd", PARTITION, HVKM_SYNIC_EVENTFD, se_badfd, 0, EBADF },
	{ "synic eventfd: not an eventfd", PARTITION, HVKM_SYNIC_EVENTFD, se_notevent, 0, EINVAL },
	{ "synic eventfd: deassign none", PARTITION, HVKM_SYNIC_EVENTFD, se_none, 0, ENOENT },
	{ "synic port: bad pointer", PARTITION, HVKM_SYNIC_MESSAGE_PORT, NULL, 8, EFAULT },
	{ "synic port: flags", PARTITION, HVKM_SYNIC_MESSAGE_PORT, sp_flags, 0, EINVAL },
	{ "synic port: connection id", PARTITION, HVKM_SYNIC_MESSAGE_PORT, sp_id, 0, EINVAL },
	{ "synic post: sint", PARTITION, HVKM_SYNIC_POST_MESSAGE, post_sint, 0, EINVAL },
	{ "synic post: type 0", PARTITION, HVKM_SYNIC_POST_MESSAGE, post_type, 0, EINVAL },
	{ "synic post: hypervisor type", PARTITION, HVKM_SYNIC_POST_MESSAGE, post_hvtype, 0, EINVAL },
	{ "synic post: size", PARTITION, HVKM_SYNIC_POST_MESSAGE, post_size, 0, EINVAL },
	{ "synic post: reserved", PARTITION, HVKM_SYNIC_POST_MESSAGE, post_reserved, 0, EINVAL },
	{ "synic post: no such VP", PARTITION, HVKM_SYNIC_POST_MESSAGE, post_novp, 0, ENOENT },
	{ "synic post: SynIC off", PARTITION, HVKM_SYNIC_POST_MESSAGE, post_disabled, 0, ENXIO },
	{ "synic signal: flag", PARTITION, HVKM_SYNIC_SIGNAL_EVENT, sig_flag, 0, EINVAL },
	{ "synic signal: sint", PARTITION, HVKM_SYNIC_SIGNAL_EVENT, sig_sint, 0, EINVAL },
	{ "synic signal: flags", PARTITION, HVKM_SYNIC_SIGNAL_EVENT, sig_flags, 0, EINVAL },
	{ "synic signal: no such VP", PARTITION, HVKM_SYNIC_SIGNAL_EVENT, sig_novp, 0, ENOENT },
	{ "synic signal: SynIC off", PARTITION, HVKM_SYNIC_SIGNAL_EVENT, NULL, 0, ENXIO },
	{ "synic route: flags", PARTITION, HVKM_SYNIC_SINT_ROUTE, route_flags, 0, EINVAL },
	{ "synic route: sint", PARTITION, HVKM_SYNIC_SINT_ROUTE, route_sint, 0, EINVAL },
	{ "synic route: vp index", PARTITION, HVKM_SYNIC_SINT_ROUTE, route_vp, 0, EINVAL },
	{ "synic route: flag", PARTITION, HVKM_SYNIC_SINT_ROUTE, route_flag, 0, EINVAL },
	{ "synic route: flag without FLAG", PARTITION, HVKM_SYNIC_SINT_ROUTE, route_noflag, 0, EINVAL },
	{ "synic route: bad fd", PARTITION, HVKM_SYNIC_SINT_ROUTE, route_badfd, 0, EBADF },
	{ "synic route: not an eventfd", PARTITION, HVKM_SYNIC_SINT_ROUTE, route_notevent, 0, EINVAL },
	{ "unknown VP ioctl", VP, _IO(HVKMIO, 0x2f), NULL, 0, ENOTTY },
	{ "partition ioctl on a VP", VP, HVKM_CREATE_VP, NULL, 0, ENOTTY },
	{ "run with argument", VP, HVKM_RUN_VP, NULL, 1, EINVAL },
	{ "registers: bad pointer", VP, HVKM_GET_REGISTERS, NULL, 8, EFAULT },
	{ "registers: none", VP, HVKM_SET_REGISTERS, regs_zero, 0, EINVAL },
	{ "registers: too many", VP, HVKM_GET_REGISTERS, regs_big, 0, E2BIG },
	{ "registers: bad array", VP, HVKM_GET_REGISTERS, regs_ptr, 0, EFAULT },
	{ "registers: unknown name", VP, HVKM_SET_REGISTERS, regs_name, 0, EINVAL },
	{ "stats: bad pointer", VP, HVKM_GET_VP_STATS, NULL, 8, EFAULT },
	{ "xsave: size", VP, HVKM_GET_XSAVE, xs_size, 0, E2BIG },
	{ "xsave: reserved", VP, HVKM_SET_XSAVE, xs_reserved, 0, EINVAL },
	{ "translate: flags", VP, HVKM_TRANSLATE_GVA, tg_flags, 0, EINVAL },
	{ "test hook without test_hooks", VP, HVKM_TEST_VMRUN_LOOP, loop_hooks, 0, EPERM },
	{ "get LAPIC: bad pointer", VP, HVKM_GET_LAPIC, NULL, 8, EFAULT },
	{ "set LAPIC: bad pointer", VP, HVKM_SET_LAPIC, NULL, 8, EFAULT },
	{ "set LAPIC: another VP's ID", VP, HVKM_SET_LAPIC, lapic_id, 0, EINVAL },
};

static struct hvkm_vcpu vcpu;

static int setup(void)
{
	int ret = vm_create(&vm, 0x20000, 2);

	if (!ret)
		ret = vcpu_create(&vm, &vcpu, 0);
	if (!ret)
		ret = vcpu_set_real_mode(&vcpu, 0x100);
	return ret;
}

static int every_bad_argument_refused(void)
{
	unsigned int i, bad = 0;
	int fd, ret;

	for (i = 0; i < KSFT_NR(rows); i++) {
		const struct row *r = &rows[i];

		memset(&arg, 0, sizeof(arg));
		memset(&reg, 0, sizeof(reg));
		if (r->fill)
			r->fill();
		fd = r->target == DEV ? vm.dev_fd : r->target == PARTITION ? vm.fd : vcpu.fd;
		ret = ioctl(fd, r->cmd, r->raw ? (void *)r->raw : (void *)&arg);
		if (ret != -1 || errno != r->err) {
			ksft_print_msg("%s: got %d errno %d (%s), wanted %s", r->what, ret, errno,
				       strerror(errno), strerror(r->err));
			bad++;
		}
	}
	KSFT_CHECK(bad == 0, "%u of %u rows wrong", bad, (unsigned int)KSFT_NR(rows));
	return KSFT_PASS;
}

/* After all that, the VP still runs: "out 0x42, al" from guest RAM. */
static int partition_still_works(void)
{
	vm.mem[0x1000] = 0xe6;
	vm.mem[0x1001] = 0x42;
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && vcpu.run->exit_reason == HVKM_EXIT_IO &&
		   vcpu.run->io.port == 0x42, "exit %u", vcpu.run->exit_reason);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(every_bad_argument_refused),
	KSFT_CASE(partition_still_works),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), setup);
}
