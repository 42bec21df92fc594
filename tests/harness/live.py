#!/usr/bin/env python3
"""make demo and make bench: boot the QEMU test VM on the stock kernel, run
one program in it and print what it says as it says it.  On a host that has
SVM itself (and as root), make demo runs on the host instead: hvkm.ko built
for the running kernel, the same guest and the same script (demo.sh)."""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import vm

ROOT = Path(__file__).resolve().parents[2]

# What runs in the VM, in order: (program, time limit in seconds).
PROGRAMS = {
    "demo": [("hvkm-demo", 240)],
    "bench": [("exit_bench", 1200), ("synic_bench", 600)],
}


def host_has_svm():
    """The host can run hvkm itself: an AMD CPU with SVM, and we are root."""
    with open("/proc/cpuinfo") as f:
        return os.geteuid() == 0 and re.search(r"^flags\s*:.*\bsvm\b", f.read(), re.M) is not None


def demo_on_host(build):
    """demo.sh on this machine, with the guest built next to the build."""
    l2 = build / "demo" / "l2"
    vm.ship_l2_guest(None, l2)
    env = dict(os.environ, L2=str(l2), HVKM_KO=str(build / "kmod/host/kmod/hvkm.ko"),
               PATH=f"{build}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    print("== this host has SVM: the demo runs here, not in the QEMU test VM", flush=True)
    return subprocess.call(["sh", str(ROOT / "tests/harness/demo.sh")], env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--stock-release", required=True)
    parser.add_argument("what", choices=sorted(PROGRAMS))
    args = parser.parse_args()
    build = args.build.resolve()
    if args.what == "demo" and host_has_svm():
        return demo_on_host(build)
    rel = args.stock_release
    kernel = vm.Kernel("stock", Path(f"/boot/vmlinuz-{rel}"), rel,
                       Path(f"/lib/modules/{rel}"), build / "kmod/stock")
    steps = [vm.Step(command, limit, command, tap=False)
             for command, limit in PROGRAMS[args.what]]
    profile = vm.Profile(args.what, "stock", "EPYC-Rome,+svm,+npt", steps)
    outcome = vm.run(profile, kernel, build / "selftests", build / "vm" / args.what,
                     echo=sys.stdout)
    failed = [r for r in outcome.results if r.status == "fail"]
    for r in failed:
        print(f"{args.what} failed: {r.name}: {r.reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
