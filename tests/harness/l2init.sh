#!/bin/busybox sh
# /init of the Linux guest that hvkm-vmm boots inside the test VM (step
# linux_boot, l2boot.sh): say that userspace runs, then reset the machine,
# which is how hvkm-vmm's guest stops (no ACPI power-off yet).  The marker
# goes through /dev/kmsg at level 2 so that the kernel prints it on the
# console (polled, no UART interrupt needed) even with "quiet".
/bin/busybox mkdir -p /proc /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo "<2>@@hvkm-l2 init $(/bin/busybox uname -r) up $(/bin/busybox cut -d' ' -f1 /proc/uptime)" >/dev/kmsg
/bin/busybox reboot -f
