#!/usr/bin/env python3
"""make demo: boot the QEMU test VM on the stock kernel and show hvkm in it,
printing what the VM says as it says it."""

import argparse
import sys
from pathlib import Path

import vm

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--stock-release", required=True)
    args = parser.parse_args()
    build = args.build.resolve()
    rel = args.stock_release
    kernel = vm.Kernel("stock", Path(f"/boot/vmlinuz-{rel}"), rel,
                       Path(f"/lib/modules/{rel}"), build / "kmod/stock")
    profile = vm.Profile("demo", "stock", "EPYC-Rome,+svm,+npt",
                         [vm.Step("demo", 120, "hvkm-demo", tap=False)])
    outcome = vm.run(profile, kernel, build / "selftests", build / "vm/demo",
                     echo=sys.stdout)
    failed = [r for r in outcome.results if r.status == "fail"]
    for r in failed:
        print(f"demo failed: {r.name}: {r.reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
