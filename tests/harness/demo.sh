#!/bin/sh
# What `make demo` shows, inside the test VM or on a host with SVM (live.py): hvkm.ko taking SVM on every
# CPU, and hvctl running a VM on it: Debian's stock kernel on two VPs, its
# COM1 console attached until the guest has checked what it sees of
# Hyper-V and powered off through ACPI; then a clean unload.
set -e
L2=${L2:-/lib/hvkm/l2}
HVKM_KO=${HVKM_KO:-/lib/hvkm/hvkm.ko}
. "$L2/hvctl.env"
export HVKM_STATE_DIR=/tmp/demo-state
nested() { grep -q '^flags.*\bhypervisor\b' /proc/cpuinfo; }
echo "== $(uname -r), $(nproc) CPUs$(nested && echo ", itself a VM (the QEMU test VM: TCG, nested SVM)")"
echo "== insmod hvkm.ko"
insmod "$HVKM_KO"
dmesg | grep 'hvkm: ' | grep -v taint
# QEMU TCG's TSC is not invariant: trust it there, so the guest gets the TSC
# page (a real host with an invariant TSC needs nothing).
if nested; then
	echo 1 >/sys/module/hvkm/parameters/trust_tsc
fi
echo "== hvctl info"
hvctl info
echo "== hvctl create demo: $(uname -r) with a busybox initramfs, 2 VPs"
hvctl create demo --cpus 2 --memory "$L2_MEMORY" --kernel "$L2/vmlinuz" \
	--initrd "$L2/initrd.cpio.gz" --cmdline "$L2_CMDLINE hvkm_l2=smp"
hvctl start demo
hvctl list
echo "== hvctl console demo (the guest's COM1, until it powers off)"
hvctl console demo </dev/null || true
echo
echo "== hvctl list"
hvctl list
log=$HVKM_STATE_DIR/demo/console.log
grep -a "Hypervisor detected" "$log" | tr -d '\r'
grep -a -q "hvkm-l2: powering off" "$log"
if grep -a "hvkm-l2: check" "$log" | grep -q FAIL; then
	echo "== the guest found something wrong (a 'check ... FAIL' line above)"
	exit 1
fi
hvctl list | grep -q "^demo  *stopped"
hvctl delete demo
echo "== rmmod hvkm"
rmmod hvkm
[ ! -e /dev/hvkm ] && echo "/dev/hvkm is gone, SVM released on every CPU"
echo "== done"
