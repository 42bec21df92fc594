#!/bin/busybox sh
# /init of the Linux guest that hvkm-vmm boots inside the test VM (step
# linux_boot, l2boot.sh): say that userspace runs, write through the tty
# layer, then stop the machine.  Markers written to /dev/kmsg at level 2
# reach the console by polling, with no UART interrupt; the line written to
# /dev/ttyS0 needs the UART's interrupt (IOAPIC or 8259).
# With hvkm_l2=smp on the command line (vm-smp.json, two VPs) it checks
# the Hyper-V platform Linux sees, prints one "hvkm-l2: check" line per
# point and powers off through ACPI S5; otherwise it resets the machine.
bb=/bin/busybox
$bb mkdir -p /proc /dev /sys
$bb mount -t proc proc /proc
$bb mount -t devtmpfs devtmpfs /dev
$bb mount -t sysfs sysfs /sys
echo "<2>hvkm-l2: init $($bb uname -r) up $($bb cut -d' ' -f1 /proc/uptime)" >/dev/kmsg
$bb timeout 30 $bb sh -c 'echo "hvkm-l2: tty written with interrupts" >/dev/ttyS0'
irqs=$($bb grep -E '^ *(0|2|4|9|LOC|CAL|HVS|HYP):' /proc/interrupts | $bb tr -s ' \n' ' ')
echo "<2>hvkm-l2: interrupts: $irqs" >/dev/kmsg
echo "<2>hvkm-l2: memory: $($bb grep MemTotal /proc/meminfo | $bb tr -s ' ')" >/dev/kmsg
# hvctl.sh's guest stays up (and ignores the power button: no acpid),
# reporting the lines it reads from COM1 (hvctl console's input); the line
# "reboot" makes it reset the machine, which hvkm-vmm restarts.
if /bin/busybox grep -q hvkm.stay /proc/cmdline; then
	echo "<2>hvkm-l2: staying up" >/dev/kmsg
	# ttyS0 stays open across lines: closing it would drop what the
	# UART and the tty hold.  A long line is reported by length and MD5.
	while :; do
		while IFS= read -r line; do
			if [ ${#line} -gt 200 ]; then
				sum=$(printf '%s' "$line" | $bb md5sum | $bb cut -d' ' -f1)
				echo "<2>hvkm-l2: read ${#line} bytes md5 $sum from ttyS0" >/dev/kmsg
			else
				echo "<2>hvkm-l2: read '$line' from ttyS0" >/dev/kmsg
			fi
			[ "$line" = reboot ] && $bb reboot -f
		done </dev/ttyS0
		$bb sleep 1
	done
fi

if ! $bb grep -q hvkm_l2=smp /proc/cmdline; then
	$bb reboot -f
fi

check() { # name ok? detail
	if [ "$2" = 1 ]; then r=ok; else r=FAIL; fi
	echo "<2>hvkm-l2: check $1 $r ($3)" >/dev/kmsg
}
yes() { if "$@"; then echo 1; else echo 0; fi; }

hv=$($bb dmesg | $bb grep -m1 'Hypervisor detected')
check hyperv_detected "$(yes $bb test -n "$($bb echo "$hv" | $bb grep 'Hypervisor detected: Microsoft Hyper-V')")" "$hv"
cs=$($bb cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
check clocksource_tsc_page "$(yes [ "$cs" = hyperv_clocksource_tsc_page ])" "$cs"
# Each CPU's clockevent is the Hyper-V synthetic timer (kmod/synic/).
ces=$($bb cat /sys/devices/system/clockevents/clockevent*/current_device 2>/dev/null | $bb tr '\n' ',')
check stimer_clockevent "$(yes [ "$ces" = "Hyper-V clockevent,Hyper-V clockevent," ])" "$ces"
online=$($bb cat /sys/devices/system/cpu/online)
check cpus_online "$(yes [ "$online" = 0-1 ])" "online $online"
check acpi "$(yes [ -d /sys/firmware/acpi/tables ])" "$($bb ls /sys/firmware/acpi/tables 2>/dev/null | $bb tr '\n' ' ')"
echo "<2>hvkm-l2: powering off" >/dev/kmsg
$bb poweroff -f
