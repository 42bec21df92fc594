#!/bin/busybox sh
# /init of hvkm's test VMs.  Runs the steps listed in /plan, one per line:
#   NAME TIMEOUT_SECONDS COMMAND...
# Everything a step prints goes to the results port (ttyS1) between
# "@@hvkm begin NAME" and "@@hvkm end NAME STATUS" lines; the kernel log
# goes to the console (ttyS0).  The harness reads both files afterwards.
/bin/busybox mkdir -p /proc /sys /dev /tmp /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# The tests read MSRs of each CPU through /dev/cpu/N/msr.
[ -e /dev/cpu/0/msr ] || modprobe msr
export HVKM_KO=/lib/hvkm/hvkm.ko

# Leaks from before the tests (the kernel's own boot) are not ours: scan once
# and mark what is found so that later scans report only new leaks.
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
fi

exec 3>/dev/ttyS1
echo "@@hvkm boot $(uname -r) cpus=$(nproc)" >&3

while read -r name limit cmd; do
	case "$name" in ''|'#'*) continue ;; esac
	echo "@@hvkm begin $name" >&3
	timeout -s KILL "$limit" sh -c "$cmd" >&3 2>&1
	echo "@@hvkm end $name $?" >&3
done </plan

echo "@@hvkm done" >&3
sync
poweroff -f
