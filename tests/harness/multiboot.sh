#!/bin/sh
# Step multiboot_boot: hvkm-vmm boots the project's Multiboot test kernel
# (tests/guest/multiboot/) as an ELF kernel and as a flat image with the
# header's address fields, each with two modules and a command line, and
# checks every line the kernel prints on COM1 against what was configured:
# the modules' sizes and CRC-32s are computed here.  Then two
# configurations hvkm-vmm must refuse with exit status 2, and every way a
# guest can end (crash MSRs, S5, triple fault, a reset that restarts the
# VM) with hvkm-vmm's line and exit status.  TAP.
MB=/lib/hvkm/multiboot
WORK=/tmp/mb
MEMORY=64
CMDLINE="console=none hvkm.test=multiboot"
ON_RESET=exit
[ -e /dev/hvkm ] || insmod "$HVKM_KO" || { echo "Bail out! insmod hvkm.ko failed"; exit 1; }

mkdir -p "$WORK"
# Sizes that are not page multiples, so the next module's alignment matters.
head -c 12345 /dev/urandom >"$WORK/mod0.bin"
head -c 70001 /dev/urandom >"$WORK/mod1.bin"
MOD0="$WORK/mod0.bin first-arg second-arg"
MOD1="$WORK/mod1.bin"
crc() { busybox crc32 "$1" | cut -d' ' -f1; }
CRC0=$(crc "$WORK/mod0.bin")
CRC1=$(crc "$WORK/mod1.bin")

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1 # $2"; }
# check name fixed-string file
check() {
	if grep -qF -- "$2" "$3"; then ok "$1"; else not_ok "$1" "'$2' not on COM1"; fi
}

config() { # kernel console [initrd]
	initrd=
	[ -n "$3" ] && initrd="\"initrd\": \"$3\","
	# The test kernel ends with a reset, which ends hvkm-vmm (status 0)
	# unless a case asks for a restart.
	printf '{ "name": "mbtest", "memory": %s, "on_reset": "%s",\n' "$MEMORY" "$ON_RESET"
	printf '  "boot": { "kernel": "%s", "cmdline": "%s", %s\n' "$1" "$CMDLINE" "$initrd"
	printf '            "modules": [ "%s", "%s" ] },\n' "$MOD0" "$MOD1"
	printf '  "serial": [ { "port": "com1", "output": "%s" } ] }\n' "$2"
}

echo "1..34"
for form in elf aout; do
	case $form in
	elf) kernel=$MB/mbtest.elf ;;
	aout) kernel=$MB/mbtest-aout.bin ;;
	esac
	console=$WORK/$form-console.log
	config "$kernel" "$console" >"$WORK/$form.json"
	timeout -s KILL 120 hvkm-vmm -v "$WORK/$form.json" 2>"$WORK/$form-vmm.log"
	status=$?
	check "$form/magic" "MB ok magic 2badb002" "$console"
	check "$form/state" "MB ok state cr0=" "$console"
	check "$form/a20" "MB ok a20" "$console"
	check "$form/flags" "MB ok flags 24d" "$console"
	check "$form/mem" "MB ok mem mem_lower=639 mem_upper=$(((MEMORY - 1) * 1024))" "$console"
	check "$form/cmdline" "MB ok cmdline \"$kernel $CMDLINE\"" "$console"
	check "$form/loader" "MB ok loader \"hvkm-vmm\"" "$console"
	check "$form/mmap" "MB ok mmap 4 entries" "$console"
	check "$form/module0" "MB ok module 0 \"$MOD0\" size 12345 crc32 $CRC0" "$console"
	check "$form/module1" "MB ok module 1 \"$MOD1\" size 70001 crc32 $CRC1" "$console"
	check "$form/modules" "MB ok modules 2" "$console"
	check "$form/done" "MB done 0 failed" "$console"
	if [ "$status" = 0 ]; then
		ok "$form/reset"
	else
		not_ok "$form/reset" "hvkm-vmm exit status $status, not 0 (guest reset)"
	fi
	grep -q "Multiboot kernel ($([ $form = elf ] && echo ELF || echo address fields))" \
		"$WORK/$form-vmm.log" && ok "$form/loader_form" ||
		not_ok "$form/loader_form" "hvkm-vmm -v did not report the $form form"
	echo "# --- $form: hvkm-vmm stderr"
	sed 's/^/# /' "$WORK/$form-vmm.log" | tail -n 10
	echo "# --- $form: COM1"
	tr -d '\r' <"$console" | sed 's/^/# /' | head -n 40
done

# refused name config-file message
refused() {
	timeout -s KILL 60 hvkm-vmm "$2" 2>"$WORK/refused.log"
	status=$?
	if [ "$status" = 2 ] && grep -qF -- "$3" "$WORK/refused.log"; then
		ok "$1"
	else
		not_ok "$1" "exit status $status, stderr: $(head -c 200 "$WORK/refused.log")"
	fi
}
config "$MB/mbtest.elf" null "$WORK/mod1.bin" >"$WORK/initrd.json"
refused refuse_initrd "$WORK/initrd.json" "give its files as boot.modules"
config "$WORK/mod1.bin" null >"$WORK/neither.json"
refused refuse_not_a_kernel "$WORK/neither.json" "is neither a Linux bzImage nor a Multiboot kernel"

# Every way the guest can end, as hvkm-vmm reports it (docs/vmm.md): the
# kernel's "end=" word picks one.
# ends name end on_reset status stderr-text [console-text]
ends() {
	CMDLINE="console=none end=$2"
	ON_RESET=$3
	config "$MB/mbtest.elf" "$WORK/end-console.log" >"$WORK/end.json"
	timeout -s KILL 120 hvkm-vmm -v "$WORK/end.json" 2>"$WORK/end-vmm.log"
	status=$?
	if [ "$status" = "$4" ] && grep -qF -- "$5" "$WORK/end-vmm.log" &&
	   { [ -z "$6" ] || grep -qF -- "$6" "$WORK/end-console.log"; }; then
		ok "$1"
	else
		not_ok "$1" "exit status $status (want $4), stderr: $(tail -n 2 "$WORK/end-vmm.log" | tr '\n' ' ')"
		tr -d '\r' <"$WORK/end-console.log" | tail -n 5 | sed 's/^/# /'
	fi
}
ends end_crash_msrs crash exit 3 "parameters 0xc0de0000 0xc0de0001 0xc0de0002 0xc0de0003 0xc0de0004"
ends end_acpi_poweroff poweroff exit 4 "the guest powered the machine off"
ends end_triple_fault triple-fault exit 0 "triple fault"
# A reset restarts the VM: the second boot finds RAM zeroed and CMOS RAM kept.
ends end_reset_restarts reboot-once restart 4 "the guest reset the machine: restart 1" "MB boot 2: RAM zeroed"
