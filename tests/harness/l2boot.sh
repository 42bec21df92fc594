#!/bin/sh
# Step linux_boot: hvkm-vmm boots Debian's stock kernel with a tiny
# initramfs (l2init.sh) as a nested guest on hvkm.  TAP, one result per
# point the boot has to pass, so a failure says how far it got.
L2=/lib/hvkm/l2
CONSOLE=/tmp/l2-console.log
VMMLOG=/tmp/l2-vmm.log
[ -e /dev/hvkm ] || insmod "$HVKM_KO" || { echo "Bail out! insmod hvkm.ko failed"; exit 1; }

echo "1..6"
start=$(cut -d' ' -f1 /proc/uptime)
timeout -s KILL "${L2_TIMEOUT:-480}" hvkm-vmm -v "$L2/vm.json" 2>"$VMMLOG"
status=$?
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
grep -a "hvkm-l2: interrupts" "$CONSOLE" | sed 's/^/# /'
echo "# --- hvkm-vmm stderr"
sed 's/^/# /' "$VMMLOG" | tail -n 20
echo "# --- COM1, lines about the platform"
tr -d '\r' <"$CONSOLE" | grep -i -E "hyper-v|apic|clocksource|tsc|timer|8259|i8042|rtc|serial|warn|bug|error|fail" |
	head -n 60 | sed 's/^/# /'
echo "# --- COM1, last lines"
tr -d '\r' <"$CONSOLE" | tail -n 40 | sed 's/^/# /'
