#!/bin/sh
# Used only by the harness's own self-test: writes what a kernel warning and
# a KASAN report look like into the kernel log and exits 0, so the step
# itself passes and only the kernel-log check can fail the run.
echo "<4>WARNING: CPU: 0 PID: 1 at hvkm-harness-selftest.c:1 injected+0x0/0x0" >/dev/kmsg
echo "<3>BUG: KASAN: slab-out-of-bounds in hvkm_harness_selftest+0x0/0x0" >/dev/kmsg
echo "1..1"
echo "ok 1 injected"
