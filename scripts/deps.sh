#!/bin/bash
# Installs every Debian package hvkm needs to build, test and run.
# Idempotent: apt-get skips what is installed.
set -euo pipefail

packages=(
	# building the module and the userspace programs
	build-essential libc6-dev linux-headers-amd64 kmod rsync
	# the debug test kernel, and checkpatch.pl, come from Debian's source
	linux-source-6.1 flex bison bc libelf-dev libssl-dev xz-utils perl
	# the test VMs: the stock kernel, QEMU with nested SVM, an initramfs
	linux-image-amd64 qemu-system-x86 busybox-static cpio python3
	# hvkm-vmm: its configuration files are JSON
	libjson-c-dev
	# hvkm-vmm's ACPI tables are checked with iasl -d (tests/userspace/test_acpi.c)
	acpica-tools
)

if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root (apt-get needs it): sudo make deps" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"
