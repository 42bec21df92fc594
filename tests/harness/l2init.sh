#!/bin/busybox sh
# /init of the Linux guest that hvkm-vmm boots inside the test VM (step
# linux_boot, l2boot.sh): say that userspace runs, write through the tty
# layer, then reset the machine, which is how hvkm-vmm's guest stops (no
# ACPI power-off yet).  Markers written to /dev/kmsg at level 2 reach the
# console by polling, with no UART interrupt; the line written to
# /dev/ttyS0 needs the UART's THRE interrupt through the 8259 (ExtINT).
/bin/busybox mkdir -p /proc /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo "<2>hvkm-l2: init $(/bin/busybox uname -r) up $(/bin/busybox cut -d' ' -f1 /proc/uptime)" >/dev/kmsg
/bin/busybox timeout 30 /bin/busybox sh -c 'echo "hvkm-l2: tty written with interrupts" >/dev/ttyS0'
irqs=$(/bin/busybox grep -E '^ *(0|4|LOC):' /proc/interrupts | /bin/busybox tr -s ' \n' ' ')
echo "<2>hvkm-l2: interrupts: $irqs" >/dev/kmsg
# hvctl.sh's guest stays up (and ignores the power button it does not have),
# reporting the lines it reads from COM1 (hvctl console's input).
if /bin/busybox grep -q hvkm.stay /proc/cmdline; then
	echo "<2>hvkm-l2: staying up" >/dev/kmsg
	while :; do
		if read -r line </dev/ttyS0; then
			echo "<2>hvkm-l2: read '$line' from ttyS0" >/dev/kmsg
		else
			/bin/busybox sleep 1
		fi
	done
fi
/bin/busybox reboot -f
