/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvkm: the contract between hvkm.ko and userspace (hvkm-vmm, hvctl, tests).
 *
 * Rules (docs/uapi.md): one fd per object, fixed-size structs with __u64
 * pointers and explicit padding, reserved fields and unknown flag bits must be
 * zero (-EINVAL otherwise), TLFS vocabulary wherever the TLFS has a word.
 */
#ifndef _UAPI_LINUX_HVKM_H
#define _UAPI_LINUX_HVKM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped only on an incompatible change; additions are extensions. */
#define HVKM_API_VERSION	1

/* Our own ioctl magic: 0xAE is KVM's, 0xB8 MSHV's. */
#define HVKMIO			0xB9

/*
 * ioctls on /dev/hvkm
 *
 * HVKM_GET_API_VERSION: argument must be 0 (-EINVAL otherwise); returns
 *	HVKM_API_VERSION.
 * HVKM_CHECK_EXTENSION: argument is an HVKM_CAP_* value; returns its value,
 *	0 for an extension this module does not know.
 * Any other command on any hvkm fd: -ENOTTY.
 */
#define HVKM_GET_API_VERSION	_IO(HVKMIO, 0x00)
#define HVKM_CHECK_EXTENSION	_IO(HVKMIO, 0x01)
/* Returns a new partition fd. */
#define HVKM_CREATE_PARTITION	_IOW(HVKMIO, 0x02, struct hvkm_create_partition)

/* Which hardware virtualization the module drives: an HVKM_VENDOR_* value. */
#define HVKM_CAP_VENDOR		1
/* Address-space identifiers the CPU offers (SVM ASIDs or VMX VPIDs). */
#define HVKM_CAP_NR_ASIDS	2
/* The most VPs one partition may have (module parameter max_vps). */
#define HVKM_CAP_MAX_VPS	3
/* The most memory regions one partition may have. */
#define HVKM_CAP_NR_MEMORY_SLOTS 4
/* Bytes of a VP's XSAVE image (HVKM_GET_XSAVE/HVKM_SET_XSAVE). */
#define HVKM_CAP_XSAVE_SIZE	5

#define HVKM_VENDOR_SVM		1
#define HVKM_VENDOR_VMX		2

struct hvkm_create_partition {
	__u64 flags;		/* none defined yet: must be 0 */
	__u32 max_vps;		/* 1..HVKM_CAP_MAX_VPS */
	__u32 reserved0;
	__u64 reserved[6];
};

/*
 * ioctls on a partition fd
 *
 * HVKM_SET_MEMORY_REGION: map [guest_phys_addr, +size) of guest physical
 *	memory to [userspace_addr, +size) of the caller's memory, in slot
 *	@slot; size 0 deletes the slot.  Addresses and size are page aligned.
 * HVKM_CREATE_VP: returns a new VP fd.
 * HVKM_SET_CPUID: the answers the partition's VPs get from CPUID.
 */
#define HVKM_SET_MEMORY_REGION	_IOW(HVKMIO, 0x10, struct hvkm_memory_region)
#define HVKM_CREATE_VP		_IOW(HVKMIO, 0x11, struct hvkm_create_vp)
#define HVKM_SET_CPUID		_IOW(HVKMIO, 0x12, struct hvkm_cpuid)
/*
 * HVKM_GET_DIRTY_LOG: the pages of a HVKM_MEM_LOG_DIRTY slot the guest wrote
 * since the slot was set or the last call, one bit per page (bit n: page n of
 * the slot), into @bitmap; the log starts again empty.
 */
#define HVKM_GET_DIRTY_LOG	_IOW(HVKMIO, 0x16, struct hvkm_dirty_log)

/*
 * HVKM_SET_MSR_EXITS: RDMSR/WRMSR of these MSRs exit to the VMM
 * (HVKM_EXIT_MSR) instead of being handled in the kernel; replaces the list.
 */
#define HVKM_SET_MSR_EXITS	_IOW(HVKMIO, 0x17, struct hvkm_msr_exits)
#define HVKM_MAX_MSR_EXITS	256

struct hvkm_msr_exits {
	__u32 nmsrs;		/* at most HVKM_MAX_MSR_EXITS */
	__u32 reserved;
	__u64 msrs;		/* user pointer to __u32[nmsrs] */
};

struct hvkm_dirty_log {
	__u32 slot;
	__u32 reserved;
	__u64 bitmap;		/* user pointer: (size / 4096 + 63) / 64 __u64 words */
};

/*
 * HVKM_ASSERT_INTERRUPT: HvCallAssertVirtualInterrupt for the VMM.  Until the
 * in-kernel local APIC lands, a fixed or lowest-priority interrupt goes
 * straight to the VP with that APIC id (physical destination mode) and is
 * injected, highest vector first, when the VP can take it; an NMI likewise.
 */
#define HVKM_ASSERT_INTERRUPT	_IOW(HVKMIO, 0x13, struct hvkm_assert_interrupt)

/*
 * HVKM_GET/SET_PARTITION_PROPERTY: TLFS partition properties by
 * HV_PARTITION_PROPERTY_CODE (HvCallGet/SetPartitionProperty semantics).
 */
#define HVKM_GET_PARTITION_PROPERTY _IOWR(HVKMIO, 0x14, struct hvkm_partition_property)
#define HVKM_SET_PARTITION_PROPERTY _IOW(HVKMIO, 0x15, struct hvkm_partition_property)

/* The codes hvkm knows; (ro): read-only. */
#define HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS		0x00010000
#define HV_PARTITION_PROPERTY_REFERENCE_TIME		0x00030005 /* 100 ns units */
#define HV_PARTITION_PROPERTY_PROCESSOR_VENDOR		0x00060000 /* ro */
#define HV_PARTITION_PROPERTY_PHYSICAL_ADDRESS_WIDTH	0x00060006 /* ro */
#define HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE	0x00060008 /* ro */
#define HV_PARTITION_PROPERTY_PROCESSOR_CLOCK_FREQUENCY	0x00060009 /* ro, Hz */

/* TLFS HV_PROCESSOR_VENDOR */
#define HV_PROCESSOR_VENDOR_AMD		0x0000
#define HV_PROCESSOR_VENDOR_INTEL	0x0001

struct hvkm_partition_property {
	__u32 code;		/* HV_PARTITION_PROPERTY_* */
	__u32 reserved;
	__u64 value;
};

/* TLFS HV_INTERRUPT_TYPE (x64); the kernel has them in asm/hyperv-tlfs.h. */
#ifndef __KERNEL__
#define HV_X64_INTERRUPT_TYPE_FIXED		0x0000
#define HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY	0x0001
#define HV_X64_INTERRUPT_TYPE_SMI		0x0002
#define HV_X64_INTERRUPT_TYPE_REMOTEREAD	0x0003
#define HV_X64_INTERRUPT_TYPE_NMI		0x0004
#define HV_X64_INTERRUPT_TYPE_INIT		0x0005
#define HV_X64_INTERRUPT_TYPE_SIPI		0x0006
#define HV_X64_INTERRUPT_TYPE_EXTINT		0x0007
#endif

/* TLFS HV_X64_INTERRUPT_CONTROL: the type in bits 31:0, then these. */
#define HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED	0x100000000ULL
#define HV_INTERRUPT_CONTROL_LOGICAL_DEST	0x200000000ULL

/* The inputs of HvCallAssertVirtualInterrupt after TargetPartition. */
struct hvkm_assert_interrupt {
	__u64 control;		/* HV_INTERRUPT_CONTROL */
	__u64 dest_addr;	/* the destination APIC id */
	__u32 vector;		/* 16..255 for fixed interrupts */
	__u8 target_vtl;	/* 0 */
	__u8 reserved0;
	__u16 reserved1;
	__u64 reserved[2];
};

/*
 * HVKM_SIGNAL_MSI: a device's MSI write (SDM 10.11.1, 10.11.2): @address
 * 0xFEE0_0000-0xFEEF_FFFF with the destination in bits 19:12, DM in bit 2;
 * @data with the vector in 7:0, the delivery mode in 10:8, level in 14 and
 * trigger mode in 15.  Delivered through the in-kernel local APICs.
 */
#define HVKM_SIGNAL_MSI		_IOW(HVKMIO, 0x30, struct hvkm_msi)
/*
 * HVKM_IRQFD: each write to the eventfd @fd sends @msi (the VMM's device
 * threads interrupt the guest without an ioctl); HVKM_IRQFD_DEASSIGN in
 * @flags removes the route of @fd.
 */
#define HVKM_IRQFD		_IOW(HVKMIO, 0x31, struct hvkm_irqfd)
/*
 * HVKM_SET_EOI_EXITS: the vectors (bitmap, vector n in bit n % 64 of
 * vectors[n / 64]) whose EOI of a level-triggered interrupt ends
 * HVKM_RUN_VP with HVKM_EXIT_EOI, so the VMM's IOAPIC clears Remote IRR.
 */
#define HVKM_SET_EOI_EXITS	_IOW(HVKMIO, 0x32, struct hvkm_eoi_exits)

struct hvkm_msi {
	__u64 address;
	__u32 data;
	__u32 reserved;
};

#define HVKM_IRQFD_DEASSIGN	0x1u

struct hvkm_irqfd {
	__s32 fd;
	__u32 flags;		/* HVKM_IRQFD_* */
	struct hvkm_msi msi;
	__u64 reserved[2];
};

struct hvkm_eoi_exits {
	__u64 vectors[4];
};

/*
 * SynIC connections and delivery (docs/uapi.md, "SynIC"), on a partition fd:
 *
 * HVKM_SYNIC_EVENTFD: guest HvCallSignalEvent on @connection_id signals the
 *	eventfd @fd in the kernel, without a VP exit; with
 *	HVKM_SYNIC_DEASSIGN the connection is removed (@fd is ignored).
 * HVKM_SYNIC_MESSAGE_PORT: guest HvCallPostMessage on @connection_id is
 *	queued (HVKM_SYNIC_PORT_BUFFERS messages) for the returned fd, which
 *	read() gives one struct hvkm_synic_message at a time and poll() shows
 *	readable; closing it removes the connection.
 * HVKM_SYNIC_POST_MESSAGE: a message into the SIM slot of SINT @sint of VP
 *	@vp_index (HvCallPostMessageDirect).  A busy slot: -EAGAIN, the
 *	slot's MessagePending is set, and the partition fd polls EPOLLOUT
 *	once the guest wrote EOM; the next call clears that again.
 * HVKM_SYNIC_SIGNAL_EVENT: event flag @flag of SINT @sint of VP @vp_index;
 *	returns 1 when the flag was clear (the SINT was interrupted), else 0.
 * HVKM_SYNIC_SINT_ROUTE: writes to the eventfd @fd set event flag @flag of
 *	SINT @sint of VP @vp_index (with HVKM_SYNIC_ROUTE_FLAG), or only
 *	interrupt that SINT; HVKM_SYNIC_DEASSIGN removes the route of @fd.
 */
#define HVKM_SYNIC_EVENTFD	_IOW(HVKMIO, 0x18, struct hvkm_synic_eventfd)
#define HVKM_SYNIC_MESSAGE_PORT	_IOW(HVKMIO, 0x19, struct hvkm_synic_port)
#define HVKM_SYNIC_POST_MESSAGE	_IOW(HVKMIO, 0x1a, struct hvkm_synic_post)
#define HVKM_SYNIC_SIGNAL_EVENT	_IOW(HVKMIO, 0x1b, struct hvkm_synic_signal)
#define HVKM_SYNIC_SINT_ROUTE	_IOW(HVKMIO, 0x1c, struct hvkm_synic_route)

#define HVKM_SYNIC_DEASSIGN	0x1u
#define HVKM_SYNIC_ROUTE_FLAG	0x2u
#define HVKM_SYNIC_PORT_BUFFERS	16
/* HV_CONNECTION_ID: 24 bits of id. */
#define HVKM_SYNIC_CONNECTION_ID_MASK	0x00ffffffu
#define HVKM_SYNIC_PAYLOAD_BYTES	240

struct hvkm_synic_eventfd {
	__u32 connection_id;
	__s32 fd;
	__u32 flags;		/* HVKM_SYNIC_DEASSIGN */
	__u32 reserved0;
	__u64 reserved[2];
};

struct hvkm_synic_port {
	__u32 connection_id;
	__u32 flags;		/* none defined: 0 */
	__u64 reserved[2];
};

/* What read() on a message port fd returns: one HvCallPostMessage. */
struct hvkm_synic_message {
	__u32 connection_id;
	__u32 message_type;
	__u32 payload_size;
	__u32 vp_index;		/* the VP that posted it */
	__u8 payload[HVKM_SYNIC_PAYLOAD_BYTES];
};

struct hvkm_synic_post {
	__u32 vp_index;
	__u32 sint;		/* 0..15 */
	__u32 message_type;	/* not 0, bit 31 clear */
	__u32 payload_size;	/* at most HVKM_SYNIC_PAYLOAD_BYTES */
	__u8 payload[HVKM_SYNIC_PAYLOAD_BYTES];
	__u64 reserved[2];
};

struct hvkm_synic_signal {
	__u32 vp_index;
	__u32 sint;		/* 0..15 */
	__u32 flag;		/* 0..2047 */
	__u32 flags;		/* none defined: 0 */
	__u64 reserved[2];
};

struct hvkm_synic_route {
	__s32 fd;		/* an eventfd */
	__u32 vp_index;
	__u32 sint;		/* 0..15 */
	__u32 flag;		/* 0..2047, with HVKM_SYNIC_ROUTE_FLAG */
	__u32 flags;		/* HVKM_SYNIC_DEASSIGN, HVKM_SYNIC_ROUTE_FLAG */
	__u32 reserved0;
	__u64 reserved[2];
};

/* Instruction fetches from the region fault (NPT no-execute). */
#define HVKM_MEM_NOEXEC		0x1u
/* Guest writes to the region exit to the VMM as MMIO writes (ROM, flash). */
#define HVKM_MEM_READONLY	0x2u
/* Record which pages the guest writes (HVKM_GET_DIRTY_LOG). */
#define HVKM_MEM_LOG_DIRTY	0x4u

struct hvkm_memory_region {
	__u32 slot;
	__u32 flags;		/* HVKM_MEM_* */
	__u64 guest_phys_addr;
	__u64 size;
	__u64 userspace_addr;
	__u64 reserved[4];
};

struct hvkm_create_vp {
	__u32 vp_index;		/* 0..max_vps-1, unique in the partition */
	__u32 apic_id;
	__u64 flags;		/* none defined yet: must be 0 */
	__u64 reserved[4];
};

/* HVKM_CPUID_SUBLEAF: the entry answers only for ECX == index. */
#define HVKM_CPUID_SUBLEAF	0x1u

struct hvkm_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* HVKM_CPUID_* */
	__u32 eax, ebx, ecx, edx;
	__u32 reserved;
};

#define HVKM_MAX_CPUID_ENTRIES	256

struct hvkm_cpuid {
	__u32 nent;		/* entries at @entries, at most HVKM_MAX_CPUID_ENTRIES */
	__u32 reserved;
	__u64 entries;		/* user pointer to struct hvkm_cpuid_entry[nent] */
};

/*
 * ioctls on a VP fd; mmap() of offset 0 gives its struct hvkm_run (first
 * page) and the data of string port I/O (second page, HVKM_RUN_IO_OFFSET).
 *
 * HVKM_RUN_VP: run until something needs userspace (see hvkm_run.exit_reason);
 *	-EINTR with HVKM_EXIT_INTR when a signal is pending or immediate_exit is set.
 * HVKM_GET_REGISTERS / HVKM_SET_REGISTERS: @count registers by TLFS name.
 */
#define HVKM_RUN_VP		_IO(HVKMIO, 0x20)
#define HVKM_GET_REGISTERS	_IOWR(HVKMIO, 0x21, struct hvkm_registers)
#define HVKM_SET_REGISTERS	_IOW(HVKMIO, 0x22, struct hvkm_registers)
/* HVKM_GET_VP_STATS: the VP's counters since it was created. */
#define HVKM_GET_VP_STATS	_IOR(HVKMIO, 0x23, struct hvkm_vp_stats)
/* The VP's x87/SSE/AVX state as a standard-format XSAVE image. */
#define HVKM_GET_XSAVE		_IOW(HVKMIO, 0x24, struct hvkm_xsave)
#define HVKM_SET_XSAVE		_IOW(HVKMIO, 0x25, struct hvkm_xsave)
/* HvCallTranslateVirtualAddress for the VMM: a GVA page through the VP's paging. */
#define HVKM_TRANSLATE_GVA	_IOWR(HVKMIO, 0x26, struct hvkm_translate_gva)
/*
 * HVKM_GET_LAPIC / HVKM_SET_LAPIC: the VP's local APIC as its xAPIC register
 * page (SDM table 10-1), offsets 0x000-0x3f0: IRR, ISR and TMR as the
 * hardware shows them, TMCCT the current count.  SET takes the same and
 * restarts the timer from TMCCT; the ID must be the VP's own.
 */
#define HVKM_GET_LAPIC		_IOR(HVKMIO, 0x27, struct hvkm_lapic_state)
#define HVKM_SET_LAPIC		_IOW(HVKMIO, 0x28, struct hvkm_lapic_state)

struct hvkm_lapic_state {
	__u8 regs[1024];
};

struct hvkm_xsave {
	__u32 size;		/* HVKM_CAP_XSAVE_SIZE */
	__u32 reserved;
	__u64 data;		/* user pointer to @size bytes */
};

/* TLFS HV_TRANSLATE_GVA_CONTROL_FLAGS that hvkm accepts */
#define HV_TRANSLATE_GVA_VALIDATE_READ		0x0001
#define HV_TRANSLATE_GVA_VALIDATE_WRITE		0x0002
#define HV_TRANSLATE_GVA_VALIDATE_EXECUTE	0x0004
#define HV_TRANSLATE_GVA_PRIVILEGE_EXEMPT	0x0008
#define HV_TRANSLATE_GVA_TLB_FLUSH_INHIBIT	0x0020
#define HV_TRANSLATE_GVA_SUPERVISOR_ACCESS	0x0040
#define HV_TRANSLATE_GVA_USER_ACCESS		0x0080

/* TLFS HV_TRANSLATE_GVA_RESULT_CODE */
#define HV_TRANSLATE_GVA_SUCCESS		0
#define HV_TRANSLATE_GVA_PAGE_NOT_PRESENT	1
#define HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION	2
#define HV_TRANSLATE_GVA_INVALID_PAGE_TABLE_FLAGS 3
#define HV_TRANSLATE_GVA_GPA_UNMAPPED		4

struct hvkm_translate_gva {
	__u64 gva_page;		/* in: the GVA >> 12 */
	__u64 control_flags;	/* in: HV_TRANSLATE_GVA_* */
	__u64 result;		/* out: TLFS HV_TRANSLATE_GVA_RESULT */
	__u64 gpa_page;		/* out: valid for SUCCESS and GPA_UNMAPPED */
};

/* Indexes of hvkm_vp_stats.exits: why the VP left the guest. */
#define HVKM_STAT_EXIT_IO		0
#define HVKM_STAT_EXIT_CPUID		1
#define HVKM_STAT_EXIT_MSR		2
#define HVKM_STAT_EXIT_HLT		3
#define HVKM_STAT_EXIT_NPF		4
#define HVKM_STAT_EXIT_HOST_INTERRUPT	5	/* an interrupt or NMI of the host */
#define HVKM_STAT_EXIT_HYPERCALL	6
#define HVKM_STAT_EXIT_INTERRUPT_WINDOW	7
#define HVKM_STAT_EXIT_OTHER		8
#define HVKM_STAT_NR_EXITS		16

struct hvkm_vp_stats {
	__u64 exits_total;
	__u64 guest_ns;			/* time in guest mode */
	__u64 exits[HVKM_STAT_NR_EXITS];
	__u64 interrupts_injected;
	__u64 nmis_injected;
	__u64 tlb_flushes;		/* guest translations dropped by request */
	__u64 lazy_eois;		/* EOIs the guest left to the VP assist page */
	__u64 reserved[4];
};

/*
 * Test hook, refused with -EPERM unless hvkm.ko was loaded with test_hooks=1:
 * enter and leave the guest @iterations times with no exit handling beyond
 * skipping a CPUID, and report the time taken.  Benchmarks use it to measure
 * the floor a world switch costs.
 */
#define HVKM_TEST_VMRUN_LOOP	_IOWR(HVKMIO, 0x7f, struct hvkm_test_vmrun_loop)

struct hvkm_test_vmrun_loop {
	__u64 iterations;	/* in: 1..10^7 */
	__u64 nanoseconds;	/* out */
	__u64 cpuid_exits;	/* out: of the iterations, how many were CPUID */
};

/* TLFS HV_REGISTER_NAME values (x64) that hvkm accepts. */
#define HV_X64_REGISTER_RAX		0x00020000
#define HV_X64_REGISTER_RCX		0x00020001
#define HV_X64_REGISTER_RDX		0x00020002
#define HV_X64_REGISTER_RBX		0x00020003
#define HV_X64_REGISTER_RSP		0x00020004
#define HV_X64_REGISTER_RBP		0x00020005
#define HV_X64_REGISTER_RSI		0x00020006
#define HV_X64_REGISTER_RDI		0x00020007
#define HV_X64_REGISTER_R8		0x00020008
#define HV_X64_REGISTER_R9		0x00020009
#define HV_X64_REGISTER_R10		0x0002000A
#define HV_X64_REGISTER_R11		0x0002000B
#define HV_X64_REGISTER_R12		0x0002000C
#define HV_X64_REGISTER_R13		0x0002000D
#define HV_X64_REGISTER_R14		0x0002000E
#define HV_X64_REGISTER_R15		0x0002000F
#define HV_X64_REGISTER_RIP		0x00020010
#define HV_X64_REGISTER_RFLAGS		0x00020011
#define HV_X64_REGISTER_CR0		0x00040000
#define HV_X64_REGISTER_CR2		0x00040001
#define HV_X64_REGISTER_CR3		0x00040002
#define HV_X64_REGISTER_CR4		0x00040003
#define HV_X64_REGISTER_CR8		0x00040004
#define HV_X64_REGISTER_DR0		0x00050000
#define HV_X64_REGISTER_DR1		0x00050001
#define HV_X64_REGISTER_DR2		0x00050002
#define HV_X64_REGISTER_DR3		0x00050003
#define HV_X64_REGISTER_DR6		0x00050004
#define HV_X64_REGISTER_DR7		0x00050005
#define HV_X64_REGISTER_ES		0x00060000
#define HV_X64_REGISTER_CS		0x00060001
#define HV_X64_REGISTER_SS		0x00060002
#define HV_X64_REGISTER_DS		0x00060003
#define HV_X64_REGISTER_FS		0x00060004
#define HV_X64_REGISTER_GS		0x00060005
#define HV_X64_REGISTER_LDTR		0x00060006
#define HV_X64_REGISTER_TR		0x00060007
#define HV_X64_REGISTER_IDTR		0x00070000
#define HV_X64_REGISTER_GDTR		0x00070001
#define HV_X64_REGISTER_TSC		0x00080000
#define HV_X64_REGISTER_EFER		0x00080001
#define HV_X64_REGISTER_KERNEL_GS_BASE	0x00080002
#define HV_X64_REGISTER_PAT		0x00080004
#define HV_X64_REGISTER_SYSENTER_CS	0x00080005
#define HV_X64_REGISTER_SYSENTER_EIP	0x00080006
#define HV_X64_REGISTER_SYSENTER_ESP	0x00080007
#define HV_X64_REGISTER_STAR		0x00080008
#define HV_X64_REGISTER_LSTAR		0x00080009
#define HV_X64_REGISTER_CSTAR		0x0008000A
#define HV_X64_REGISTER_SFMASK		0x0008000B
#define HV_X64_REGISTER_TSC_AUX		0x0008007B
#define HV_X64_REGISTER_SPEC_CTRL	0x00080084
/*
 * The SynIC and synthetic timer registers (TLFS HvRegisterSint0...,
 * HvRegisterScontrol, HvRegisterSifp = SIEFP, HvRegisterSipp = SIMP,
 * HvRegisterStimer0Config...).  Prefixed X64 because the kernel's
 * asm/hyperv-tlfs.h has HV_REGISTER_* for their MSR numbers.
 */
#define HV_X64_REGISTER_SINT0		0x000A0000	/* ... SINT15: 0x000A000F */
#define HV_X64_REGISTER_SCONTROL	0x000A0010
#define HV_X64_REGISTER_SVERSION	0x000A0011	/* read-only */
#define HV_X64_REGISTER_SIEFP		0x000A0012
#define HV_X64_REGISTER_SIMP		0x000A0013
#define HV_X64_REGISTER_EOM		0x000A0014	/* reads as 0; not writable */
#define HV_X64_REGISTER_STIMER0_CONFIG	0x000B0000	/* timer n: + 2n */
#define HV_X64_REGISTER_STIMER0_COUNT	0x000B0001	/* timer n: + 2n */

/* TLFS HV_X64_SEGMENT_REGISTER, the value of ES..TR. */
struct hv_x64_segment_register {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u16 attributes;	/* type, S, DPL, P, AVL, L, D/B, G as in a descriptor */
};

/* TLFS HV_X64_TABLE_REGISTER, the value of IDTR and GDTR. */
struct hv_x64_table_register {
	__u16 pad[3];
	__u16 limit;
	__u64 base;
};

/* TLFS HV_REGISTER_ASSOC: a name and its 128-bit value. */
struct hvkm_register_assoc {
	__u32 name;
	__u32 reserved;
	union {
		__u64 reg64;
		struct hv_x64_segment_register segment;
		struct hv_x64_table_register table;
		__u64 reg128[2];
	} value;
};

#define HVKM_MAX_REGISTERS	128

struct hvkm_registers {
	__u32 count;		/* 1..HVKM_MAX_REGISTERS */
	__u32 reserved;
	__u64 regs;		/* user pointer to struct hvkm_register_assoc[count] */
};

/* Why HVKM_RUN_VP returned (hvkm_run.exit_reason). */
#define HVKM_EXIT_INTR		1	/* a signal or immediate_exit; RUN returned -EINTR */
#define HVKM_EXIT_IO		2	/* port I/O: hvkm_run.io */
#define HVKM_EXIT_SHUTDOWN	3	/* triple fault: the VP must be reset */
#define HVKM_EXIT_FAIL_ENTRY	4	/* the CPU refused the VP's state: hvkm_run.hw */
#define HVKM_EXIT_UNHANDLED	5	/* an exit hvkm cannot handle yet: hvkm_run.hw */
#define HVKM_EXIT_IRQ_WINDOW_OPEN 6	/* request_interrupt_window: the VP can take one */
#define HVKM_EXIT_MMIO		7	/* a decoded access outside guest RAM: hvkm_run.mmio */
#define HVKM_EXIT_MSR		9	/* RDMSR/WRMSR of an MSR the VMM asked for: hvkm_run.msr */
#define HVKM_EXIT_SYSTEM_EVENT	10	/* the guest asked for a reset or reported a crash */
#define HVKM_EXIT_EOI		11	/* EOI of a level-triggered vector in HVKM_SET_EOI_EXITS */

/* hvkm_run.system_event.type */
#define HVKM_SYSTEM_EVENT_RESET	1	/* HV_X64_MSR_RESET written with 1 */
#define HVKM_SYSTEM_EVENT_CRASH	2	/* HV_X64_MSR_CRASH_CTL written with CrashNotify */
/* MMIO by an instruction hvkm cannot decode: hvkm_run.emulation */
#define HVKM_EXIT_EMULATION_FAILURE 8

/* hvkm_run.flags */
#define HVKM_RUN_INTERRUPTIBLE	0x1u	/* the VP would take an interrupt now */

#define HVKM_IO_IN		0
#define HVKM_IO_OUT		1

/* Where string I/O data is in the VP's mapping, and the mapping's size. */
#define HVKM_RUN_IO_OFFSET	4096
#define HVKM_RUN_MMAP_SIZE	8192

struct hvkm_run {
	/* set by userspace */
	__u8 immediate_exit;	/* return -EINTR before entering the guest */
	__u8 request_interrupt_window;	/* exit once the VP can take an interrupt */
	__u8 reserved_in[6];
	/* set by the kernel */
	__u32 exit_reason;	/* HVKM_EXIT_* */
	__u32 flags;		/* HVKM_RUN_* */
	__u64 rip;
	__u64 rflags;
	union {
		/*
		 * IN/OUT (data_offset 0): for OUT @data holds the value; for IN
		 * userspace stores the value in @data and the next HVKM_RUN_VP
		 * puts it into the guest's register.
		 * INS/OUTS, REP or not (data_offset != 0): @count transfers of
		 * @size bytes, in order, at @data_offset in the VP's mapping
		 * (its second page); for INS userspace fills them and the next
		 * HVKM_RUN_VP stores them into guest memory.
		 */
		struct {
			__u16 port;
			__u8 size;	/* 1, 2 or 4 bytes */
			__u8 direction;	/* HVKM_IO_* */
			__u32 count;
			__u64 data;
			__u32 data_offset;
			__u32 reserved;
		} io;
		/*
		 * A write: @data holds @len bytes.  A read: userspace stores
		 * @len bytes in @data; the next HVKM_RUN_VP puts them into the
		 * guest's register and moves past the instruction.
		 */
		struct {
			__u64 gpa;
			__u8 data[8];
			__u32 len;	/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 reserved[3];
		} mmio;
		/*
		 * A write: @data is the value.  A read: userspace stores it in
		 * @data.  Either way a nonzero @error makes the next
		 * HVKM_RUN_VP raise #GP instead of completing the instruction.
		 */
		struct {
			__u32 index;
			__u8 is_write;
			__u8 error;
			__u16 reserved;
			__u64 data;
		} msr;
		/* The instruction at the guest's RIP, as far as it could be read. */
		struct {
			__u64 gpa;
			__u8 insn_len;
			__u8 insn[15];
		} emulation;
		/*
		 * A reset or crash; the instruction is complete.  For a crash,
		 * @crash_ctl is what the guest wrote to HV_X64_MSR_CRASH_CTL and
		 * @crash_params hold HV_X64_MSR_CRASH_P0..P4.
		 */
		struct {
			__u32 type;	/* HVKM_SYSTEM_EVENT_* */
			__u32 reserved;
			__u64 crash_ctl;
			__u64 crash_params[5];
		} system_event;
		/* HVKM_EXIT_EOI: the VP's EOI of @vector is complete. */
		struct {
			__u8 vector;
			__u8 reserved[7];
		} eoi;
		/* The hardware's own exit code and information. */
		struct {
			__u64 exit_code;
			__u64 info1;
			__u64 info2;
		} hw;
		__u8 pad[256];
	};
};

#endif /* _UAPI_LINUX_HVKM_H */
