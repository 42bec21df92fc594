#!/bin/sh
# What `make demo` shows inside the test VM today: hvkm.ko taking SVM on
# every CPU, /dev/hvkm answering hvctl, and a clean unload.
set -e
echo "== $(uname -r) in QEMU (TCG, nested SVM), $(nproc) CPUs"
echo "== insmod hvkm.ko"
insmod /lib/hvkm/hvkm.ko
dmesg | grep 'hvkm: ' | grep -v taint
echo "== hvctl info"
hvctl info
ls -l /dev/hvkm
echo "== rmmod hvkm"
rmmod hvkm
[ ! -e /dev/hvkm ] && echo "/dev/hvkm is gone, SVM released on every CPU"
echo "== done: guests on hvkm arrive with hvkm-vmm"
