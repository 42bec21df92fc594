#!/bin/sh
# hvkm-vmmdiag: what every hvkm-vmm thread is doing, as TAP comments, for a
# step that found a guest stuck: its state, the syscall it sits in (number
# and arguments: 202 is futex, 232 epoll_wait, 16 ioctl), its kernel stack
# and the top of its user stack.
for pid in $(pidof hvkm-vmm); do
	echo "# hvkm-vmm pid $pid"
	for t in /proc/"$pid"/task/*; do
		echo "#  tid ${t##*/} $(cat "$t/comm") state $(cut -d' ' -f3 "$t/stat") wchan $(cat "$t/wchan" 2>/dev/null)"
		echo "#   syscall $(cat "$t/syscall" 2>/dev/null)"
		sed 's/^/#   /' "$t/stack" 2>/dev/null
		# The user stack's first 1 KiB: return addresses to look up in the
		# static build/selftests/hvkm-vmm with addr2line on the host.
		sp=$(cut -d' ' -f8 "$t/syscall" 2>/dev/null)
		case "$sp" in 0x*)
			dd if=/proc/"$pid"/mem bs=8 skip=$(($sp / 8)) count=128 2>/dev/null |
				od -A x -t x8 | sed 's/^/#   ustack /' ;;
		esac
	done
done
echo "# L1 dmesg, last lines:"
dmesg | tail -n 15 | sed 's/^/# /'
