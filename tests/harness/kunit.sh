#!/bin/sh
# Loads hvkm's KUnit module (its suites run at load) and prints the KTAP
# results of every hvkm suite from debugfs.
set -e
insmod /lib/hvkm/hvkm_kunit.ko
found=0
for results in /sys/kernel/debug/kunit/hvkm_*/results; do
	[ -e "$results" ] || continue
	cat "$results"
	found=1
done
rmmod hvkm_kunit
[ "$found" = 1 ] || { echo "no hvkm KUnit suite in /sys/kernel/debug/kunit"; exit 1; }
