#!/usr/bin/env python3
"""hvkm's test runner: host checks, then the test VMs, then one summary line.

Every result is printed as "ok NAME", "not ok NAME: why" or "skip NAME: why";
the run ends with "N passed, N failed, N skipped" and exits non-zero on any
failure.  --tests takes a glob (a plain word matches anywhere in a name).
"""

import argparse
import dataclasses
import fnmatch
import re
import subprocess
import sys
import unittest
from pathlib import Path

import tap
import vm

ROOT = Path(__file__).resolve().parents[2]

SVM_CPU = "EPYC-Rome,+svm,+npt"
# One 1 GiB hugetlbfs page for guest_memory's 1 GiB nested mappings; it is
# reserved at boot, so the VM gets a GiB more than the usual 2 GiB.
HUGE_1G = "hugepagesz=1G hugepages=1"
HUGE_1G_MEMORY = 3072
SELFTESTS = [
    vm.Step("dev_ioctl", 120, "dev_ioctl"),
    vm.Step("module_lifecycle", 600, "module_lifecycle"),
    vm.Step("kvm_coexist", 300, "kvm_coexist"),
    vm.Step("hvctl_cli", 120, "hvctl_cli"),
    vm.Step("vp_run", 300, "vp_run"),
    vm.Step("guest_modes", 300, "guest_modes"),
    vm.Step("msr_emulation", 300, "msr_emulation"),
    vm.Step("interrupts", 300, "interrupts"),
    vm.Step("mmio", 300, "mmio"),
    vm.Step("vp_state", 600, "vp_state"),
    vm.Step("guest_memory", 300, "guest_memory"),
    vm.Step("hyperv", 300, "hyperv"),
    vm.Step("lapic", 300, "lapic"),
    vm.Step("hv_assist", 300, "hv_assist"),
    vm.Step("irq_routing", 300, "irq_routing"),
    vm.Step("debug_regs", 300, "debug_regs"),
    vm.Step("spec_ctrl", 120, "spec_ctrl"),
    vm.Step("synic", 300, "synic"),
    vm.Step("bad_ioctls", 120, "bad_ioctls"),
    # hvkm-vmm boots Debian's stock kernel as a nested guest (l2boot.sh).
    vm.Step("linux_boot", 750, "hvkm-l2boot"),
    # hvctl runs the same guest's lifecycle through hvkm-vmm's control socket (hvctl.sh).
    vm.Step("hvctl_lifecycle", 900, "hvkm-hvctl"),
    # hvkm-vmm boots the project's Multiboot test kernel, ELF and a.out kludge (multiboot.sh).
    vm.Step("multiboot_boot", 300, "hvkm-multiboot"),
]

PROFILES = {
    p.name: p for p in [
        vm.Profile("debug", "debug", SVM_CPU,
                   [vm.Step("kunit", 300, "hvkm-kunit")] + SELFTESTS +
                   [vm.Step("kmemleak", 300, "hvkm-kmemleak")],
                   append=HUGE_1G, boot_timeout=400, memory=HUGE_1G_MEMORY),
        vm.Profile("stock", "stock", SVM_CPU, SELFTESTS, append=HUGE_1G,
                   memory=HUGE_1G_MEMORY),
        # CPUs that lack what hvkm needs: loading must fail and say why.
        vm.Profile("stock-nosvm", "stock", "EPYC-Rome,-svm",
                   [vm.Step("detect_refusal", 60, "detect_refusal")],
                   append="hvkm_test.expect=nosvm"),
        vm.Profile("stock-nonpt", "stock", "EPYC-Rome,+svm,-npt",
                   [vm.Step("detect_refusal", 60, "detect_refusal")],
                   append="hvkm_test.expect=nonpt"),
        # Only for the harness's own self-test (see host_tests()).
        vm.Profile("splat", "stock", SVM_CPU, [vm.Step("inject", 60, "hvkm-splat")]),
    ]
}
DEFAULT_PROFILES = ["debug", "stock", "stock-nosvm", "stock-nonpt"]


class Selector:
    """Which tests a --tests pattern asks for: globs separated by commas."""

    def __init__(self, pattern):
        self.patterns = [p if any(c in p for c in "*?[") else f"*{p}*"
                         for p in pattern.split(",") if p]

    def wants(self, name):
        return not self.patterns or any(fnmatch.fnmatchcase(name, p) for p in self.patterns)

    def may_want_under(self, prefix):
        """Whether some test named PREFIX/... could match (may say yes too often)."""
        if not self.patterns or self.wants(prefix):
            return True
        under = prefix + "/"
        heads = [re.split(r"[*?[]", p, maxsplit=1)[0] for p in self.patterns]
        return any(h.startswith(under) or under.startswith(h) for h in heads)


def report(results, selector):
    shown = [r for r in results if selector.wants(r.name) or r.status == "fail"]
    for r in shown:
        if r.status == "pass":
            print(f"ok {r.name}")
        elif r.status == "skip":
            print(f"skip {r.name}" + (f": {r.reason}" if r.reason else ""))
        else:
            print(f"not ok {r.name}" + (f": {r.reason}" if r.reason else ""))
    sys.stdout.flush()
    return shown


# ---- host tests -------------------------------------------------------------

def unit_tests():
    """The harness's own unit tests (test_harness.py)."""
    results = []

    class Collect(unittest.TestResult):
        def addSuccess(self, test):
            results.append(tap.Result(f"host/harness/{test._testMethodName}", "pass"))

        def addFailure(self, test, err):
            results.append(tap.Result(f"host/harness/{test._testMethodName}", "fail",
                                      self._exc_info_to_string(err, test).splitlines()[-1]))
        addError = addFailure

    suite = unittest.defaultTestLoader.loadTestsFromName("test_harness")
    suite.run(Collect())
    return results


def build_logs_clean(build):
    """The module builds (made with W=1 by the Makefile) print no warning."""
    results = []
    for log in sorted((build / "logs").glob("kmod-*.log")):
        warnings = [l for l in log.read_text().splitlines() if "warning:" in l.lower()]
        results.append(tap.Result(f"host/build/{log.stem}-w1-clean",
                                  "fail" if warnings else "pass",
                                  warnings[0] if warnings else ""))
    if not results:
        results.append(tap.Result("host/build/logs", "fail", f"no build log in {build}/logs"))
    return results


def checkpatch(build):
    """checkpatch.pl --strict (from linux-source-6.1) on every kernel source file."""
    script = build / "tools/checkpatch.pl"
    files = sorted(p for d in ("kmod", "tests/kunit", "uapi")
                   for p in (ROOT / d).rglob("*") if p.suffix in (".c", ".h"))
    results = []
    for f in files:
        rel = f.relative_to(ROOT)
        out = subprocess.run([str(script), "--strict", "--no-tree", "--terse",
                              "--show-types", "-f", str(f)],
                             capture_output=True, text=True)
        problems = [l for l in out.stdout.splitlines() if l.startswith(str(f))]
        results.append(tap.Result(f"host/checkpatch/{rel}",
                                  "fail" if out.returncode or problems else "pass",
                                  problems[0] if problems else out.stderr.strip()[:200]))
    return results


def vmm_unit_tests(build):
    """hvkm-vmm's device and loader tests (tests/userspace/), built with ASan
    and UBSan by the Makefile, run on the host: host/vmm/<test>/<case>."""
    binaries = sorted((build / "userspace-tests").glob("test_*"))
    if not binaries:
        return [tap.Result("host/vmm", "fail", f"no tests in {build}/userspace-tests: make vmm-tests")]
    results = []
    for binary in binaries:
        prefix = f"host/vmm/{binary.name[len('test_'):]}"
        try:
            out = subprocess.run([str(binary)], capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            results.append(tap.Result(prefix, "fail", "timed out after 120 s"))
            continue
        cases = [tap.Result(f"{prefix}/{r.name}", r.status, r.reason) for r in tap.parse(out.stdout)]
        results.extend(cases)
        sanitizer = [l for l in out.stderr.splitlines() if "Sanitizer" in l or "runtime error" in l]
        if sanitizer:
            results.append(tap.Result(prefix, "fail", sanitizer[0][:200]))
        elif out.returncode and not any(r.status == "fail" for r in cases):
            results.append(tap.Result(prefix, "fail", f"exit status {out.returncode}"))
        elif not cases:
            results.append(tap.Result(prefix, "fail", "reported no results"))
    return results


def splat_selftest(args):
    """A VM whose log holds a WARNING and a KASAN report fails the run, by name."""
    cmd = [sys.executable, __file__, "--build", str(args.build),
           "--stock-release", args.stock_release, "--profiles", "splat", "--no-host-tests"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    named = {k: any(l.startswith("not ok splat/kernel-log: " + k) for l in lines)
             for k in ("WARNING: CPU", "BUG: KASAN:")}
    step_passed = "ok splat/inject/injected" in lines
    ok = out.returncode != 0 and all(named.values()) and step_passed
    why = "" if ok else (f"exit {out.returncode}, named {named}, step passed {step_passed}; "
                         f"output: {' | '.join(lines[-6:])}")
    return [tap.Result("host/harness/vm_log_splat_fails_the_run", "pass" if ok else "fail", why)]


def host_tests(args, selector):
    results = []
    checks = [("host/harness", lambda: unit_tests()),
              ("host/build", lambda: build_logs_clean(args.build)),
              ("host/checkpatch", lambda: checkpatch(args.build)),
              ("host/vmm", lambda: vmm_unit_tests(args.build))]
    if args.stock_release:
        checks.append(("host/harness/vm_log_splat_fails_the_run", lambda: splat_selftest(args)))
    for prefix, fn in checks:
        if selector.may_want_under(prefix):
            results.extend(report(fn(), selector))
    return results


# ---- VMs --------------------------------------------------------------------

def kernels(args):
    found = {}
    kbuild = args.build / "kmod"
    if args.stock_release:
        rel = args.stock_release
        found["stock"] = vm.Kernel("stock", Path(f"/boot/vmlinuz-{rel}"), rel,
                                   Path(f"/lib/modules/{rel}"), kbuild / "stock")
    if args.debug_dir:
        d = Path(args.debug_dir)
        rel = (d / "release").read_text().strip()
        found["debug"] = vm.Kernel("debug", d / "bzImage", rel,
                                   d / "modroot/lib/modules" / rel, kbuild / "debug")
    return found


def vm_tests(args, selector):
    results = []
    available = kernels(args)
    for name in args.profiles.split(","):
        profile = PROFILES[name]
        steps = [s for s in profile.steps
                 if selector.may_want_under(f"{name}/{s.name}") or s.name == "kmemleak"]
        if not any(s.name != "kmemleak" for s in steps):
            continue
        kernel = available.get(profile.kernel)
        if kernel is None:
            results.extend(report([tap.Result(name, "fail", f"no {profile.kernel} kernel given")],
                                  selector))
            continue
        profile = dataclasses.replace(profile, steps=steps)
        logdir = args.build / "vm" / name
        print(f"# booting {name} ({kernel.release}, -cpu {profile.cpu}); logs in {logdir}",
              flush=True)
        outcome = vm.run(profile, kernel, args.build / "selftests", logdir)
        print(f"# {name}: {outcome.seconds:.0f} s", flush=True)
        results.extend(report(outcome.results, selector))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--stock-release", default="")
    parser.add_argument("--debug-dir", default="")
    parser.add_argument("--profiles", default=",".join(DEFAULT_PROFILES))
    parser.add_argument("--tests", default="")
    parser.add_argument("--no-host-tests", action="store_true")
    args = parser.parse_args()
    args.build = args.build.resolve()
    for name in args.profiles.split(","):
        if name not in PROFILES:
            parser.error(f"unknown profile '{name}'; known: {', '.join(PROFILES)}")

    selector = Selector(args.tests)
    results = [] if args.no_host_tests else host_tests(args, selector)
    results += vm_tests(args, selector)

    counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "skip")}
    if not results:
        print(f"# no test matches '{args.tests}'")
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] or not results else 0


if __name__ == "__main__":
    sys.exit(main())
