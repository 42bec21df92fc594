#!/bin/sh
# What `make demo` shows inside the test VM today: hvkm.ko taking SVM on
# every CPU, /dev/hvkm answering hvctl, hvkm-vmm booting this same kernel
# as a guest on hvkm (its COM1 console shown live), and a clean unload.
set -e
echo "== $(uname -r) in QEMU (TCG, nested SVM), $(nproc) CPUs"
echo "== insmod hvkm.ko"
insmod /lib/hvkm/hvkm.ko
dmesg | grep 'hvkm: ' | grep -v taint
echo "== hvctl info"
hvctl info
ls -l /dev/hvkm
echo "== hvkm-vmm boots $(uname -r) with a busybox initramfs as a guest on hvkm; its COM1:"
cat /lib/hvkm/l2/vm-stdout.json
hvkm-vmm -v /lib/hvkm/l2/vm-stdout.json
echo "== hvkm-vmm: the guest reset the machine (exit status 0)"
echo "== rmmod hvkm"
rmmod hvkm
[ ! -e /dev/hvkm ] && echo "/dev/hvkm is gone, SVM released on every CPU"
echo "== done"
