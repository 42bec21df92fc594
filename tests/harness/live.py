#!/usr/bin/env python3
"""make demo and make bench: boot the QEMU test VM on the stock kernel, run
one program in it and print what it says as it says it."""

import argparse
import sys
from pathlib import Path

import vm

ROOT = Path(__file__).resolve().parents[2]

# What runs in the VM, in order: (program, time limit in seconds).
PROGRAMS = {
    "demo": [("hvkm-demo", 240)],
    "bench": [("exit_bench", 1200), ("synic_bench", 600)],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--stock-release", required=True)
    parser.add_argument("what", choices=sorted(PROGRAMS))
    args = parser.parse_args()
    build = args.build.resolve()
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
