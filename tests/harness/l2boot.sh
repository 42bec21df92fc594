#!/bin/sh
# Step linux_boot: hvkm-vmm boots Debian's stock kernel with a tiny
# initramfs (l2init.sh) as a nested guest on hvkm.  TAP, one result per
# point the boot has to pass, so a failure says how far it got.
L2=/lib/hvkm/l2
CONSOLE=/tmp/l2-console.log
VMMLOG=/tmp/l2-vmm.log
[ -e /dev/hvkm ] || insmod "$HVKM_KO" || { echo "Bail out! insmod hvkm.ko failed"; exit 1; }
# The guest's clocksource is the TSC page, which hvkm offers only with a
# trusted TSC; QEMU TCG's is not invariant (docs/deviations.md).
echo 1 >/sys/module/hvkm/parameters/trust_tsc

# run_vmm CONFIG CONSOLE TIMEOUT: hvkm-vmm until it exits; a guest whose
# console is silent for 60 s is stuck: its VPs' state (hvkm's debugfs) and
# hvkm-vmm's threads are printed as comments, twice, and it is killed.
# Sets $status (137 for a kill).
run_vmm() {
	hvkm-vmm -v "$1" 2>"$VMMLOG" &
	pid=$!
	waited=0 quiet=0 size=0
	while kill -0 $pid 2>/dev/null; do
		sleep 1
		waited=$((waited + 1))
		now=$(wc -c <"$2" 2>/dev/null || echo 0)
		if [ "$now" = "$size" ]; then quiet=$((quiet + 1)); else quiet=0 size=$now; fi
		if [ $quiet -ge 60 ] || [ $waited -ge "$3" ]; then
			echo "# guest stuck (console quiet ${quiet} s, ${waited} s in all): its state"
			for i in 1 2; do
				cat /sys/kernel/debug/hvkm/*/vps 2>&1 | sed 's/^/#   /'
				sleep 2
			done
			hvkm-vmmdiag
			kill -KILL $pid
			break
		fi
	done
	wait $pid
	status=$?
}

echo "1..15"
start=$(cut -d' ' -f1 /proc/uptime)
run_vmm "$L2/vm.json" "$CONSOLE" "${L2_TIMEOUT:-400}"
end=$(cut -d' ' -f1 /proc/uptime)
echo "# hvkm-vmm exit status $status after $start..$end s of uptime"

check() { # number name pattern [console]
	if grep -q "$3" "${4:-$CONSOLE}"; then
		echo "ok $1 - $2"
	else
		echo "not ok $1 - $2 # '$3' not on COM1"
	fi
}
check 1 banner "Linux version"
check 2 com1_16550a "ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A"
check 3 kernel_init "Run /init as init process"
check 4 init "hvkm-l2: init"
check 5 tty_interrupts "hvkm-l2: tty written with interrupts"
if [ "$status" = 0 ]; then
	echo "ok 6 - reset"
else
	echo "not ok 6 - reset # hvkm-vmm exit status $status, not 0 (guest reset)"
fi
# vm.json gives it 4608 MiB: 3 GiB below the MMIO hole, 1.5 GiB from 4 GiB.
check 15 ram_above_4g "BIOS-e820: \[mem 0x0000000100000000-0x000000015fffffff\] usable"
grep -a "hvkm-l2: interrupts" "$CONSOLE" | sed 's/^/# /'
grep -a "hvkm-l2: memory" "$CONSOLE" | sed 's/^/# /'
echo "# --- hvkm-vmm stderr"
sed 's/^/# /' "$VMMLOG" | tail -n 20
echo "# --- COM1, lines about the platform"
tr -d '\r' <"$CONSOLE" | grep -i -E "hyper-v|apic|clocksource|tsc|timer|8259|i8042|rtc|serial|warn|bug|error|fail" |
	head -n 60 | sed 's/^/# /'
echo "# --- COM1, last lines"
tr -d '\r' <"$CONSOLE" | tail -n 40 | sed 's/^/# /'

# Two VPs, started by the guest with INIT/SIPI from the MADT: the guest
# checks the Hyper-V platform it sees and powers off through ACPI S5.
SMP_CONSOLE=/tmp/l2-smp-console.log
# vm-smp.json's RAM is hugetlbfs: 256 MiB of 2 MiB pages.
echo 128 >/proc/sys/vm/nr_hugepages
echo "# smp: $(cat /proc/sys/vm/nr_hugepages) huge pages of 2 MiB for memory_backing hugetlbfs"
start=$(cut -d' ' -f1 /proc/uptime)
run_vmm "$L2/vm-smp.json" "$SMP_CONSOLE" "${L2_SMP_TIMEOUT:-240}"
echo 0 >/proc/sys/vm/nr_hugepages
end=$(cut -d' ' -f1 /proc/uptime)
echo "# smp: hvkm-vmm exit status $status after $start..$end s of uptime"
check 7 smp_cpus_brought_up "smp: Brought up 1 node, 2 CPUs" "$SMP_CONSOLE"
check 8 smp_init "hvkm-l2: init" "$SMP_CONSOLE"
# Boot to init: the guest's uptime when its /init started.
grep -a -o "hvkm-l2: init .*" "$SMP_CONSOLE" | tr -d '\r' | sed 's/^/# smp boot-to-init: /'
n=9
for c in hyperv_detected clocksource_tsc_page stimer_clockevent cpus_online; do
	check $n "smp_$c" "hvkm-l2: check $c ok" "$SMP_CONSOLE"
	n=$((n + 1))
done
tr -d '\r' <"$SMP_CONSOLE" | grep -a "hvkm-l2: check" | sed 's/^/# /'
if [ "$status" = 4 ]; then
	echo "ok 13 - smp_poweroff"
else
	echo "not ok 13 - smp_poweroff # hvkm-vmm exit status $status, not 4 (ACPI S5)"
fi
if grep -q -a -i "rcu.*stall\|soft lockup\|hung task" "$SMP_CONSOLE"; then
	echo "not ok 14 - smp_no_rcu_stall"
else
	echo "ok 14 - smp_no_rcu_stall"
fi
echo "# --- smp: hvkm-vmm stderr"
sed 's/^/# /' "$VMMLOG" | tail -n 20
echo "# --- smp: COM1, lines about the platform"
tr -d '\r' <"$SMP_CONSOLE" | grep -a -i -E "hyper-v|acpi|apic|clocksource|clockevent|tsc|timer|smp|rcu|warn|bug|error|fail" |
	head -n 80 | sed 's/^/# /'
echo "# --- smp: COM1, last lines"
tr -d '\r' <"$SMP_CONSOLE" | tail -n 40 | sed 's/^/# /'
