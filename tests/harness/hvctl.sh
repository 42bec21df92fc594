#!/bin/sh
# Step hvctl_lifecycle: hvctl runs a VM's whole life with the real hvkm-vmm
# and the linux_boot step's guest (l2init.sh, told by hvkm.stay to stay up):
# create, start, list, console output, stop of a guest that ignores the
# power button (its one-line error), stop --force, list, delete; and bad names and arguments give
# one-line errors with their exit status.  TAP.
L2=/lib/hvkm/l2
. "$L2/hvctl.env"
export HVKM_STATE_DIR=/tmp/hvctl-state
OUT=/tmp/hvctl-out
[ -e /dev/hvkm ] || insmod "$HVKM_KO" || { echo "Bail out! insmod hvkm.ko failed"; exit 1; }
rm -rf "$HVKM_STATE_DIR"

n=0
result() { # ok? description [diagnostic]
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2 # $3"; sed 's/^/# /' "$OUT"; diagnose; fi
}
# The first failure while a VMM runs: what its VPs and threads are doing.
diagnosed=
diagnose() {
	if [ -z "$diagnosed" ] && pidof hvkm-vmm >/dev/null; then
		diagnosed=1
		cat /sys/kernel/debug/hvkm/*/vps 2>&1 | sed 's/^/#   /'
		hvkm-vmmdiag
	fi
}
# expect STATUS description command...: exit status and, on failure, exactly one "hvctl: " line.
expect() {
	want=$1 what=$2
	shift 2
	"$@" >"$OUT" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		result 1 "$what" "exit $rc, want $want"
	elif [ "$want" != 0 ] && { [ "$(wc -l <"$OUT")" != 1 ] || ! grep -q "^hvctl: " "$OUT"; }; then
		result 1 "$what" "not one 'hvctl: ' line"
	else
		result 0 "$what"
	fi
}
# wait_up N: until the guest has said it stays up N times, or 300 s (of
# uptime: a loaded debug VM makes sleep loops slow) have passed; a guest not
# up by then is diagnosed and its console's last lines shown.
wait_up() {
	t0=$(cut -d. -f1 /proc/uptime)
	while [ "$(grep -c "hvkm-l2: staying up" "$HVKM_STATE_DIR/l2/console.log" 2>/dev/null)" -lt "$1" ]; do
		if [ $(($(cut -d. -f1 /proc/uptime) - t0)) -ge 300 ]; then
			echo "# guest not up (boot $1) after 300 s; its console's last lines:"
			tr -d '\r' <"$HVKM_STATE_DIR/l2/console.log" | tail -n 25 | sed 's/^/#   /'
			diagnose
			return
		fi
		sleep 1
	done
	echo "# guest up (boot $1) after $(($(cut -d. -f1 /proc/uptime) - t0)) s"
}
# has PATTERN description: the last command's output matches
has() {
	if grep -q -- "$1" "$OUT"; then result 0 "$2"; else result 1 "$2" "no '$1'"; fi
}

echo "1..43"
expect 0 create hvctl create l2 --kernel "$L2/vmlinuz" --initrd "$L2/initrd.cpio.gz" \
	--cmdline "$L2_CMDLINE hvkm.stay=1" --memory "$L2_MEMORY" --cpus 1
expect 6 create_exists hvctl create l2 --kernel "$L2/vmlinuz"
expect 2 bad_name hvctl create _bad --kernel "$L2/vmlinuz"
has "bad VM name" bad_name_says_what
expect 2 bad_name_slash hvctl show a/b
expect 2 name_too_long hvctl show aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
expect 2 bad_memory hvctl create m --kernel "$L2/vmlinuz" --memory 4T
expect 2 bad_cpus hvctl create m --kernel "$L2/vmlinuz" --cpus 0
expect 2 gen2_refused hvctl create m --kernel "$L2/vmlinuz" --gen 2
expect 2 bad_timeout hvctl stop l2 --timeout soon
expect 2 unknown_command hvctl frobnicate
expect 5 no_such_vm hvctl start nosuch
expect 8 console_not_running hvctl console l2
expect 0 start hvctl start l2
expect 7 start_twice hvctl start l2
expect 7 delete_running hvctl delete l2
expect 0 list hvctl list
if grep -q "^l2  *running  *1  *${L2_MEMORY}M" "$OUT"; then result 0 list_running; else result 1 list_running "no running l2"; fi
expect 0 list_json hvctl --json list
has '"state": "running"' list_json_running

# The guest's /init writes its marker late in the boot; then COM1's socket
# replays it to a console that attaches (the log has it too).
wait_up 1
expect 0 console_detach sh -c '(sleep 2; printf "\035") | hvctl console l2'
has "hvkm-l2: init" console_shows_marker
has "hvkm-l2: tty written with interrupts" console_shows_tty_line
# Input: a line typed into the console reaches the guest's ttyS0.
expect 0 console_input sh -c '(sleep 1; printf "ping\n"; sleep 5; printf "\035") | hvctl console l2'
if grep -q "hvkm-l2: read 'ping' from ttyS0" "$HVKM_STATE_DIR/l2/console.log"; then
	result 0 guest_read_console_input
else
	result 1 guest_read_console_input "no 'read 'ping'' in console.log"
fi

# Pasted input is not lost: two lines of some 3 KB each (6 KiB at once; a
# tty line holds at most 4095 bytes) reach the guest intact.
long1=$(echo $(seq 1 800))
long2=$(echo $(seq 801 1500))
sum1=$(printf '%s' "$long1" | md5sum | cut -d' ' -f1)
sum2=$(printf '%s' "$long2" | md5sum | cut -d' ' -f1)
(sleep 1; printf '%s\n%s\n' "$long1" "$long2"; sleep 10; printf "\035") | hvctl console l2 >"$OUT" 2>&1
if grep -q "hvkm-l2: read ${#long1} bytes md5 $sum1 from ttyS0" "$HVKM_STATE_DIR/l2/console.log" &&
   grep -q "hvkm-l2: read ${#long2} bytes md5 $sum2 from ttyS0" "$HVKM_STATE_DIR/l2/console.log"; then
	result 0 guest_read_6k_paste_intact
else
	grep -a "hvkm-l2: read" "$HVKM_STATE_DIR/l2/console.log" | tail -n 3 >"$OUT"
	result 1 guest_read_6k_paste_intact "want ${#long1} bytes md5 $sum1 and ${#long2} bytes md5 $sum2"
fi

# A reset restarts the VM (hvkm-vmm's default): the guest boots again.
expect 0 console_reboot sh -c '(sleep 1; printf "reboot\n"; sleep 2; printf "\035") | hvctl console l2'
wait_up 2
if [ "$(grep -c "Linux version" "$HVKM_STATE_DIR/l2/console.log")" -ge 2 ] &&
   grep -q "the guest reset the machine: restart 1" "$HVKM_STATE_DIR/l2/vmm.log"; then
	result 0 reset_restarts_the_vm
else
	result 1 reset_restarts_the_vm "no second boot in console.log, or no restart line in vmm.log"
fi
expect 0 list_after_restart hvctl list
if grep -q "^l2  *running" "$OUT"; then result 0 running_after_restart; else result 1 running_after_restart "not running"; fi

# The guest's busybox init has no ACPI daemon: it ignores the power button.
expect 11 stop_power_button_ignored hvctl stop l2 --timeout 5
has "did not stop within 5 s of the power button" stop_says_why
expect 0 stop_force hvctl stop l2 --force --timeout 5
echo "# --- vmm.log"
sed 's/^/# /' "$HVKM_STATE_DIR/l2/vmm.log" | tail -n 5
echo "# --- console.log, last lines"
tr -d '\r' <"$HVKM_STATE_DIR/l2/console.log" | tail -n 5 | sed 's/^/# /'
expect 0 list_after_stop hvctl list
has "^l2  *stopped" list_stopped
expect 0 start_again hvctl start l2
expect 0 kill hvctl kill l2
expect 8 kill_stopped hvctl kill l2
expect 0 show_json hvctl show l2 --json
has '"state": "stopped"' show_json_stopped
expect 0 delete hvctl delete l2
expect 5 show_deleted hvctl show l2
if [ -e "$HVKM_STATE_DIR/l2" ]; then result 1 directory_removed "still there"; else result 0 directory_removed; fi
