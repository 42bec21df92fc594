# hvkm: build the module and the userspace programs, run the tests.
#
#   make            hvkm.ko against KDIR, and the userspace programs
#   make deps       install every Debian package needed (as root)
#   make check      everything below, then all tests in the QEMU test VMs
#   make check TESTS=<glob>[,<glob>...]   only the tests whose names match
#   make check PROFILES=stock[,...]       only those test VMs (no debug kernel
#                                         is built unless "debug" is listed)
#   make demo       boot the QEMU test VM and show hvkm working in it
#   make bench      exit and SynIC costs on hvkm and on KVM in the test VM
#
# KDIR defaults to the running kernel's build dir, else the newest installed
# Debian linux-headers-*-amd64.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec

BUILD := build
NEWEST_HEADERS := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1)
KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build),$(NEWEST_HEADERS))
STOCK_RELEASE ?= $(shell ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
DEBUG_DIR = $(shell tests/kernel/debug-kernel.sh dir)
TESTS ?=
PROFILES ?= debug,stock,stock-nosvm,stock-nonpt
WANT_DEBUG := $(findstring debug,$(PROFILES))

KMOD_SOURCES := Kbuild $(shell find kmod uapi tests/kunit -type f)
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -Iuapi
SELFTESTS := $(patsubst tests/selftests/%.c,$(BUILD)/selftests/%,$(wildcard tests/selftests/*.c)) \
	     $(patsubst tests/bench/%.c,$(BUILD)/selftests/%,$(wildcard tests/bench/*.c))
SELFTEST_LIB := $(wildcard tests/selftests/lib/*.c)
HVCTL_SOURCES := $(wildcard userspace/hvctl/*.c)
HVCTL_HEADERS := $(wildcard userspace/hvctl/*.h)
VMM_SOURCES := $(wildcard userspace/vmm/*.c userspace/vmm/devices/*.c)
VMM_HEADERS := $(wildcard userspace/vmm/*.h userspace/vmm/devices/*.h)
VMM_LIBS := -ljson-c -lpthread
# Host unit tests of the VMM's devices and loaders: no kernel module needed.
VMM_TESTS := $(patsubst tests/userspace/%.c,$(BUILD)/userspace-tests/%,$(wildcard tests/userspace/test_*.c))
VMM_TEST_CFLAGS := -O1 -g -Wall -Wextra -Werror -Iuapi -Iuserspace/vmm -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined

# The Multiboot test kernel (tests/guest/multiboot/), as an ELF kernel and as
# a flat binary whose Multiboot header gives its load addresses.
MB_GUEST_DIR := tests/guest/multiboot
MB_GUEST := $(BUILD)/multiboot/mbtest.elf $(BUILD)/multiboot/mbtest-aout.bin
MB_GUEST_CFLAGS := -m32 -march=i686 -ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -O2 -g -Wall -Wextra -Werror
MB_GUEST_LDFLAGS := -m elf_i386 -T $(MB_GUEST_DIR)/link.ld --build-id=none --no-warn-rwx-segments -nostdlib

.PHONY: all kmod kmod-stock kmod-debug debug-kernel selftests tools check demo bench deps clean vmm-tests multiboot-guest

all: kmod $(BUILD)/hvctl $(BUILD)/hvkm-vmm

deps:
	scripts/deps.sh

# Kbuild writes objects next to the sources, so each kernel gets its own copy
# of the tree under build/kmod/<name>/.  The log is kept for the W=1 check.
define build_kmod
	@test -d "$(2)" || { echo "no kernel build dir '$(2)': run 'make deps' or set KDIR" >&2; exit 1; }
	rm -rf $(BUILD)/kmod/$(1)
	mkdir -p $(BUILD)/kmod/$(1) $(BUILD)/logs
	rsync -aR $(KMOD_SOURCES) $(BUILD)/kmod/$(1)/
	$(MAKE) -C $(2) M=$(CURDIR)/$(BUILD)/kmod/$(1) W=1 modules 2>&1 | tee $(BUILD)/logs/kmod-$(1).log
endef

kmod: $(BUILD)/kmod/host/kmod/hvkm.ko
	ln -sf kmod/host/kmod/hvkm.ko $(BUILD)/hvkm.ko
	@echo "built $(BUILD)/hvkm.ko for $(KDIR)"

$(BUILD)/kmod/host/kmod/hvkm.ko: $(KMOD_SOURCES)
	$(call build_kmod,host,$(KDIR))

kmod-stock: $(BUILD)/kmod/stock/kmod/hvkm.ko
$(BUILD)/kmod/stock/kmod/hvkm.ko: $(KMOD_SOURCES)
	$(call build_kmod,stock,/lib/modules/$(STOCK_RELEASE)/build)

# The debug kernel is built once per config fragment and cached (tests/kernel/).
debug-kernel:
	tests/kernel/debug-kernel.sh build

kmod-debug: debug-kernel
	$(call build_kmod,debug,$(DEBUG_DIR)/obj)

$(BUILD)/hvctl: $(HVCTL_SOURCES) $(HVCTL_HEADERS) uapi/linux/hvkm.h
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ $(HVCTL_SOURCES) -ljson-c

$(BUILD)/hvkm-vmm: $(VMM_SOURCES) $(VMM_HEADERS) uapi/linux/hvkm.h
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ $(VMM_SOURCES) $(VMM_LIBS)

# Each test links the VMM sources it names in a "// sources:" line.
vmm-tests: $(VMM_TESTS)
$(BUILD)/userspace-tests/%: tests/userspace/%.c $(wildcard tests/userspace/*.h) $(VMM_SOURCES) $(VMM_HEADERS) $(HVCTL_SOURCES) $(HVCTL_HEADERS) uapi/linux/hvkm.h
	@mkdir -p $(BUILD)/userspace-tests
	$(CC) $(VMM_TEST_CFLAGS) -o $@ $< $(addprefix userspace/vmm/,$(shell sed -n 's|^// sources: ||p' $<)) $(VMM_LIBS)

# Static, so they run in the test VMs' busybox initramfs as they are.
selftests: $(SELFTESTS) $(BUILD)/selftests/hvctl $(BUILD)/selftests/hvkm-vmm
$(BUILD)/selftests/%: tests/selftests/%.c $(SELFTEST_LIB) $(wildcard tests/selftests/lib/*.h) uapi/linux/hvkm.h
	@mkdir -p $(BUILD)/selftests
	$(CC) $(USER_CFLAGS) -static -Itests/selftests -o $@ $< $(SELFTEST_LIB)
$(BUILD)/selftests/%: tests/bench/%.c $(SELFTEST_LIB) $(wildcard tests/selftests/lib/*.h) $(wildcard tests/bench/*.h) uapi/linux/hvkm.h
	@mkdir -p $(BUILD)/selftests
	$(CC) $(USER_CFLAGS) -static -Itests/selftests -o $@ $< $(SELFTEST_LIB)
$(BUILD)/selftests/hvctl: $(HVCTL_SOURCES) $(HVCTL_HEADERS) uapi/linux/hvkm.h
	@mkdir -p $(BUILD)/selftests
	$(CC) $(USER_CFLAGS) -static -o $@ $(HVCTL_SOURCES) -ljson-c

$(BUILD)/selftests/hvkm-vmm: $(VMM_SOURCES) $(VMM_HEADERS) uapi/linux/hvkm.h
	@mkdir -p $(BUILD)/selftests
	$(CC) $(USER_CFLAGS) -static -o $@ $(VMM_SOURCES) $(VMM_LIBS)

multiboot-guest: $(MB_GUEST)
$(BUILD)/multiboot/main.o: $(MB_GUEST_DIR)/main.c
	@mkdir -p $(BUILD)/multiboot
	$(CC) $(MB_GUEST_CFLAGS) -c -o $@ $<
$(BUILD)/multiboot/entry-elf.o: $(MB_GUEST_DIR)/entry.S
	@mkdir -p $(BUILD)/multiboot
	$(CC) $(MB_GUEST_CFLAGS) -c -o $@ $<
$(BUILD)/multiboot/entry-aout.o: $(MB_GUEST_DIR)/entry.S
	@mkdir -p $(BUILD)/multiboot
	$(CC) $(MB_GUEST_CFLAGS) -DMB_ADDRESS_FIELDS -c -o $@ $<
$(BUILD)/multiboot/mbtest.elf: $(BUILD)/multiboot/entry-elf.o $(BUILD)/multiboot/main.o $(MB_GUEST_DIR)/link.ld
	$(LD) $(MB_GUEST_LDFLAGS) -o $@ $(BUILD)/multiboot/entry-elf.o $(BUILD)/multiboot/main.o
$(BUILD)/multiboot/mbtest-aout.elf: $(BUILD)/multiboot/entry-aout.o $(BUILD)/multiboot/main.o $(MB_GUEST_DIR)/link.ld
	$(LD) $(MB_GUEST_LDFLAGS) -o $@ $(BUILD)/multiboot/entry-aout.o $(BUILD)/multiboot/main.o
# The flat image starts at load_addr: objcopy drops the bss, which bss_end_addr covers.
$(BUILD)/multiboot/mbtest-aout.bin: $(BUILD)/multiboot/mbtest-aout.elf
	objcopy -O binary $< $@

# checkpatch.pl and the files it reads, from Debian's linux-source-6.1.
tools: $(BUILD)/tools/checkpatch.pl
$(BUILD)/tools/checkpatch.pl:
	@mkdir -p $(BUILD)/tools
	tar -xf /usr/src/linux-source-6.1.tar.xz -C $(BUILD)/tools --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch $@

check: all kmod-stock $(if $(WANT_DEBUG),kmod-debug) selftests tools vmm-tests multiboot-guest
	python3 tests/harness/run.py --build $(BUILD) --stock-release "$(STOCK_RELEASE)" \
		$(if $(WANT_DEBUG),--debug-dir "$(DEBUG_DIR)") --profiles '$(PROFILES)' --tests '$(TESTS)'

demo: kmod kmod-stock selftests $(BUILD)/hvctl $(BUILD)/hvkm-vmm
	python3 tests/harness/live.py --build $(BUILD) --stock-release "$(STOCK_RELEASE)" demo

# Exit costs on hvkm and on KVM in the same test VM (docs/performance.md).
bench: kmod-stock selftests
	python3 tests/harness/live.py --build $(BUILD) --stock-release "$(STOCK_RELEASE)" bench

clean:
	rm -rf $(BUILD)
