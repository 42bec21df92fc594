#!/bin/sh
# Loads hvkm's KUnit module, whose suites run at load, and prints their KTAP
# from the kernel log.  (Linux 6.1's debugfs results keep only the last case
# of a parameterised test, so the log is the complete record.)
set -e
dmesg -c >/dev/null
insmod /lib/hvkm/hvkm_kunit.ko
rmmod hvkm_kunit
ktap=$(dmesg | sed -e 's/^\[[ 0-9.]*\] //')
echo "$ktap"
echo "$ktap" | grep -q '# Subtest: hvkm_' || { echo "no hvkm KUnit suite ran"; exit 1; }
