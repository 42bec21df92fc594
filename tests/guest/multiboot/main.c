// SPDX-License-Identifier: GPL-2.0
/*
 * A Multiboot 0.6.96 kernel of hvkm's own: it checks what the loader gave
 * it and prints one line per check on COM1, "MB ok ..." or "MB not ok ...",
 * then "MB done", and resets the machine through 0xCF9.  The step
 * multiboot_boot (tests/harness/multiboot.sh) compares the values with
 * what it configured.  Section numbers are the specification's.
 */
#include <stdarg.h>
#include <stdint.h>

#define MB_BOOTLOADER_MAGIC	0x2badb002u
/* 3.3: mem_*, cmdline, mods_*, mmap_*, boot_loader_name */
#define INFO_WANTED		((1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9))
#define COM1			0x3f8
#define PAGE_SIZE		4096u

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr;
	uint32_t config_table, boot_loader_name;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr, length;
	uint32_t type;
} __attribute__((packed));

void mb_main(uint32_t magic, const struct mb_info *info, uint32_t eflags);

extern char __load_start[], __bss_end[];
static volatile uint32_t a20_probe;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_com1(char c)
{
	/* Wait for THRE in the line status register. */
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static void puts_com1(const char *s)
{
	while (*s)
		putc_com1(*s++);
}

static void put_hex(uint64_t v, int width)
{
	char buf[17];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		putc_com1(buf[--n]);
}

static void put_dec(uint32_t v)
{
	char buf[10];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_com1(buf[--n]);
}

/* %s %u %x %08x %llx and %c: what the lines below need. */
static void print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, longlong = 0;

		if (*fmt != '%') {
			putc_com1(*fmt);
			continue;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		if (fmt[0] == 'l' && fmt[1] == 'l') {
			longlong = 1;
			fmt += 2;
		}
		switch (*fmt) {
		case 's':
			puts_com1(va_arg(ap, const char *));
			break;
		case 'u':
			put_dec(va_arg(ap, uint32_t));
			break;
		case 'x':
			put_hex(longlong ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), width);
			break;
		case 'c':
			putc_com1((char)va_arg(ap, int));
			break;
		default:
			putc_com1('?');
		}
	}
	va_end(ap);
}

static int failures;

static void result(int ok, const char *what)
{
	if (!ok)
		failures++;
	print(ok ? "MB ok %s" : "MB not ok %s", what);
}

/* The CRC-32 of zlib and busybox's crc32, bit by bit. */
static uint32_t crc32(const uint8_t *p, uint32_t len)
{
	uint32_t crc = 0xffffffffu;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static uint32_t str_len(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* [a, a + alen) and [b, b + blen) share a byte. */
static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static const uint64_t kernel_start = 0x100000;

static int in_kernel(uint64_t a, uint64_t len)
{
	return overlap(a, len, (uintptr_t)__load_start, (uintptr_t)__bss_end - (uintptr_t)__load_start);
}

static void check_state(uint32_t eflags)
{
	uint32_t cr0;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	/* 3.2: CR0.PE set, CR0.PG clear, EFLAGS.VM and IF clear. */
	result((cr0 & 1) && !(cr0 & 0x80000000u) && !(eflags & (1u << 17)) && !(eflags & (1u << 9)),
	       "state");
	print(" cr0=%x eflags=%x\n", cr0, eflags);
}

/* With A20 off, address bit 20 is ignored: a write 1 MiB up would show below. */
static void check_a20(void)
{
	volatile uint32_t *low = (volatile uint32_t *)((uintptr_t)&a20_probe - 0x100000);
	uint32_t before = *low;

	a20_probe = ~before;
	result(*low == before && a20_probe == ~before, "a20\n");
}

static const struct mb_mmap_entry *mmap_next(const struct mb_mmap_entry *e)
{
	return (const struct mb_mmap_entry *)((uintptr_t)e + e->size + sizeof(e->size));
}

/* Is [a, a + len) inside one available (type 1) range of the map? */
static int in_ram(const struct mb_info *info, uint64_t a, uint64_t len)
{
	const struct mb_mmap_entry *e = (const void *)(uintptr_t)info->mmap_addr;
	uintptr_t end = info->mmap_addr + info->mmap_length;

	for (; (uintptr_t)e < end; e = mmap_next(e))
		if (e->type == 1 && a >= e->base_addr && a + len <= e->base_addr + e->length)
			return 1;
	return 0;
}

static void check_mmap(const struct mb_info *info)
{
	const struct mb_mmap_entry *e = (const void *)(uintptr_t)info->mmap_addr;
	uintptr_t end = info->mmap_addr + info->mmap_length;
	uint64_t prev_end = 0;
	int ok = info->mmap_length && !(info->mmap_length % sizeof(*e)) &&
		 !in_kernel(info->mmap_addr, info->mmap_length);
	int low = 0, high = 0;
	uint32_t n = 0;

	for (; (uintptr_t)e < end; e = mmap_next(e), n++) {
		print("MB mmap base=%llx len=%llx type=%u\n", e->base_addr, e->length, e->type);
		ok &= e->size == 20 && e->length && e->base_addr >= prev_end;
		prev_end = e->base_addr + e->length;
		/* mem_lower and mem_upper agree with the map's RAM at 0 and at 1 MiB. */
		if (e->type == 1 && e->base_addr == 0)
			low = e->length == (uint64_t)info->mem_lower << 10;
		if (e->type == 1 && e->base_addr == 0x100000)
			high = e->length == (uint64_t)info->mem_upper << 10;
	}
	ok &= low && high;
	ok &= in_ram(info, (uintptr_t)__load_start, (uintptr_t)__bss_end - (uintptr_t)__load_start);
	result(ok, "mmap");
	print(" %u entries\n", n);
}

static void check_modules(const struct mb_info *info)
{
	const struct mb_module *m = (const void *)(uintptr_t)info->mods_addr;
	uint32_t i, prev_end = (uint32_t)(uintptr_t)__bss_end;

	for (i = 0; i < info->mods_count; i++, m++) {
		const char *s = (const char *)(uintptr_t)m->string;
		uint32_t size = m->mod_end - m->mod_start;
		/*
		 * Page aligned as the header's flag 0 asks, after the kernel
		 * and the module before, in RAM, clear of the info structure.
		 */
		int ok = m->string && m->mod_end >= m->mod_start &&
			 !(m->mod_start % PAGE_SIZE) && m->mod_start >= prev_end &&
			 in_ram(info, m->mod_start, size) &&
			 !overlap(m->mod_start, size, (uintptr_t)info, sizeof(*info)) &&
			 !overlap(m->mod_start, size, m->string, str_len(s) + 1);

		result(ok, "module");
		print(" %u \"%s\" size %u crc32 %08x at %x\n", i, s, size,
		      crc32((const uint8_t *)(uintptr_t)m->mod_start, size), m->mod_start);
		prev_end = m->mod_end;
	}
	result(!in_kernel(info->mods_addr, info->mods_count * sizeof(*m)), "modules");
	print(" %u\n", info->mods_count);
}

/* Whether @word is a blank-separated word of @s. */
static int has_word(const char *s, const char *word)
{
	uint32_t n = str_len(word), i;

	while (*s) {
		while (*s == ' ')
			s++;
		for (i = 0; i < n && s[i] == word[i]; i++)
			;
		if (i == n && (s[n] == ' ' || !s[n]))
			return 1;
		while (*s && *s != ' ')
			s++;
	}
	return 0;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

#define CMOS_BOOTS	0x40			/* a CMOS RAM byte: it survives a reset */
#define RAM_MARK	((volatile uint32_t *)0x2000000)	/* 32 MiB: far above the modules */
#define RAM_MARK_VALUE	0x5a17c0deu

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(0x70, reg);
	outb(0x71, v);
}

/*
 * How the kernel ends, from an "end=..." word on its command line, for the
 * guest ends hvkm-vmm reports (multiboot.sh): the guest crash MSRs, ACPI S5,
 * a triple fault, a reset that the VMM restarts (the second boot reports
 * whether RAM came back zeroed and powers off), and by default a reset
 * through the reset control register.
 */
static void finish(const char *cmdline)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) no_idt;
	uint32_t i, boots;

	if (has_word(cmdline, "end=crash")) {
		/* TLFS "Guest Crash Enlightenment": P0-P4, then CrashNotify. */
		for (i = 0; i < 5; i++)
			wrmsr(0x40000100 + i, 0xc0de0000u + i);
		wrmsr(0x40000105, 1ull << 63);
	} else if (has_word(cmdline, "end=poweroff")) {
		outw(0x604, 5 << 10 | 1 << 13);	/* PM1a_CNT: SLP_TYP 5 (S5), SLP_EN */
	} else if (has_word(cmdline, "end=triple-fault")) {
		/* An empty IDT: the breakpoint faults, so do #GP and #DF. */
		__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	} else if (has_word(cmdline, "end=reboot-once")) {
		boots = cmos_read(CMOS_BOOTS);
		if (!boots) {
			cmos_write(CMOS_BOOTS, 1);
			*RAM_MARK = RAM_MARK_VALUE;
			print("MB first boot: resetting\n");
		} else {
			print("MB boot %u: RAM %s\n", boots + 1,
			      *RAM_MARK ? "not zeroed" : "zeroed");
			outw(0x604, 5 << 10 | 1 << 13);
		}
	}
	/* A hard reset through the reset control register: hvkm-vmm exits 0. */
	outb(0xcf9, 0x06);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void mb_main(uint32_t magic, const struct mb_info *info, uint32_t eflags)
{
	print("MB hvkm multiboot test kernel at %x, info at %x\n", (uint32_t)kernel_start,
	      (uint32_t)(uintptr_t)info);
	result(magic == MB_BOOTLOADER_MAGIC, "magic");
	print(" %x\n", magic);
	check_state(eflags);
	check_a20();
	result((info->flags & INFO_WANTED) == INFO_WANTED && !in_kernel((uintptr_t)info, sizeof(*info)),
	       "flags");
	print(" %x\n", info->flags);
	if ((info->flags & INFO_WANTED) != INFO_WANTED) {
		/* Nothing below could be trusted. */
		print("MB done %u failed\n", failures);
		outb(0xcf9, 0x06);
		return;
	}
	result(info->mem_lower && info->mem_lower <= 640, "mem");
	print(" mem_lower=%u mem_upper=%u\n", info->mem_lower, info->mem_upper);
	result(!in_kernel(info->cmdline, str_len((const char *)(uintptr_t)info->cmdline) + 1),
	       "cmdline");
	print(" \"%s\"\n", (const char *)(uintptr_t)info->cmdline);
	result(info->boot_loader_name &&
	       str_len((const char *)(uintptr_t)info->boot_loader_name) &&
	       !in_kernel(info->boot_loader_name, 1), "loader");
	print(" \"%s\"\n", (const char *)(uintptr_t)info->boot_loader_name);
	check_mmap(info);
	check_modules(info);
	print("MB done %u failed\n", failures);
	finish((const char *)(uintptr_t)info->cmdline);
}

/* What the compiler may call in a freestanding program. */
void *memset(void *d, int c, unsigned int n);
void *memset(void *d, int c, unsigned int n)
{
	char *p = d;

	while (n--)
		*p++ = (char)c;
	return d;
}
