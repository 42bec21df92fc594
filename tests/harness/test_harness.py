"""Unit tests of the harness itself: TAP/KTAP reading, splat finding, step
accounting.  run.py runs them as host/harness/* tests."""

import unittest

import logscan
import run
import tap
import vm

KTAP_PARAM = """\
KTAP version 1
# Subtest: hvkm_svm_caps
1..1
    KTAP version 1
    # Subtest: svm_check_verdict
        ok 1 - usable
        not ok 2 - no_npt
        ok 3 - owned_by_kvm # SKIP not here
    # svm_check_verdict: pass:1 fail:1 skip:1 total:3
    not ok 1 - svm_check_verdict
# Totals: pass:1 fail:1 skip:1 total:3
not ok 1 - hvkm_svm_caps
"""

# What Linux 6.1 logs for a module's suites (the executor's outer level is
# indented by four).
KTAP_FLAT_SUITE = """\
hvkm_kunit: loading out-of-tree module taints kernel.
    KTAP version 1
    # Subtest: hvkm_caps
    1..2
    ok 1 pick_vendor_by_cpu
    ok 2 unknown_extension_is_zero
# hvkm_caps: pass:2 fail:0 skip:0 total:2
# Totals: pass:2 fail:0 skip:0 total:2
ok 3 hvkm_caps
"""

TAP_SELFTEST = """\
TAP version 13
1..3
ok 1 api_version
# dev_ioctl.c:20: check failed: ret == 1
not ok 2 api_version_rejects_argument
ok 3 cpu_hotplug_followed # SKIP
"""


class TapTest(unittest.TestCase):
    def test_selftest_tap(self):
        got = [(r.name, r.status) for r in tap.parse(TAP_SELFTEST)]
        self.assertEqual(got, [("api_version", "pass"),
                               ("api_version_rejects_argument", "fail"),
                               ("cpu_hotplug_followed", "skip")])

    def test_ktap_parameterised_leaves_named_by_path(self):
        got = [(r.name, r.status) for r in tap.parse(KTAP_PARAM)]
        self.assertEqual(got, [("hvkm_svm_caps/svm_check_verdict/usable", "pass"),
                               ("hvkm_svm_caps/svm_check_verdict/no_npt", "fail"),
                               ("hvkm_svm_caps/svm_check_verdict/owned_by_kvm", "skip")])

    def test_ktap_suite_of_plain_cases(self):
        got = [r.name for r in tap.parse(KTAP_FLAT_SUITE)]
        self.assertEqual(got, ["hvkm_caps/pick_vendor_by_cpu",
                               "hvkm_caps/unknown_extension_is_zero"])

    def test_noise_is_not_a_result(self):
        self.assertEqual(tap.parse("booting\nokay then\n# ok 1 commented\n"), [])


class LogScanTest(unittest.TestCase):
    def test_clean_boot_log(self):
        log = ("[    0.000000] Linux version 6.1.0\n"
               "[    1.000000] hvkm: svm enabled on 2 CPUs, 16 ASIDs\n"
               "[    2.000000] kmemleak: Kernel memory leak detector initialized\n"
               "[    0.1] Speculative Return Stack Overflow: WARNING: See https://kernel.org/"
               "doc/html/latest/admin-guide/hw-vuln/srso.html for mitigation options.\n")
        self.assertEqual(logscan.scan(log), [])

    def test_each_kind_of_splat(self):
        cases = {
            "WARNING": "[   5.1] WARNING: CPU: 1 PID: 77 at kmod/virt.c:40 hvkm_cpu_online+0x1/0x2",
            "BUG": "[   5.2] BUG: KASAN: use-after-free in hvkm_dev_ioctl+0x10/0x20",
            "UBSAN": "[   5.3] UBSAN: shift-out-of-bounds in kmod/caps.c:12:3",
            "Oops": "[   5.4] Oops: 0000 [#1] PREEMPT SMP KASAN NOPTI",
            "general protection fault": "general protection fault, probably for non-canonical address",
            "panic": "[   5.5] Kernel panic - not syncing: Fatal exception",
            "hung task": "[ 125.0] INFO: task insmod:99 blocked for more than 120 seconds.",
            "RCU stall": "[  60.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
            "kmemleak": "[  70.0] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)",
        }
        for kind, line in cases.items():
            with self.subTest(kind=kind):
                self.assertEqual([k for k, _ in logscan.scan("ok\n" + line + "\n")], [kind])

    def test_lockdep_report_is_a_warning(self):
        log = "[ 3.0] ======================================================\n" \
              "[ 3.0] WARNING: possible circular locking dependency detected\n"
        found = logscan.scan(log)
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0][1], "WARNING: possible circular locking dependency detected")


class StepAccountingTest(unittest.TestCase):
    profile = vm.Profile("p", "stock", "cpu", [vm.Step("a", 10, "a"), vm.Step("b", 10, "b")])

    def test_results_channel(self):
        text = ("@@hvkm boot 6.1 cpus=2\r\n@@hvkm begin a\r\n1..1\r\nok 1 x\r\n"
                "@@hvkm end a 0\r\n@@hvkm begin b\r\npartial\r\n")
        steps, booted, done = vm._parse_steps(text)
        self.assertTrue(booted)
        self.assertFalse(done)
        self.assertEqual(steps["a"], ("1..1\nok 1 x", 0))
        self.assertEqual(steps["b"], ("partial", None))

    def test_unfinished_step_fails_by_name(self):
        res = vm._step_results(self.profile, self.profile.steps[1], "", None, True)
        self.assertEqual([(r.name, r.status) for r in res], [("p/b", "fail")])
        self.assertIn("time limit", res[0].reason)

    def test_killed_step_fails(self):
        res = vm._step_results(self.profile, self.profile.steps[0], "1..1\nok 1 x", 137, False)
        self.assertEqual([(r.name, r.status) for r in res], [("p/a/x", "pass"), ("p/a", "fail")])

    def test_nonzero_exit_without_failed_case_fails(self):
        res = vm._step_results(self.profile, self.profile.steps[0], "1..1\nok 1 x", 1, False)
        self.assertEqual(res[-1].status, "fail")
        self.assertIn("exit status 1", res[-1].reason)

    def test_step_without_results_fails(self):
        res = vm._step_results(self.profile, self.profile.steps[0], "nothing", 0, False)
        self.assertEqual([(r.name, r.status) for r in res], [("p/a", "fail")])

    def test_all_skipped_step_passes(self):
        res = vm._step_results(self.profile, self.profile.steps[0],
                               "1..1\nok 1 x # SKIP no cpu", 4, False)
        self.assertEqual([(r.name, r.status) for r in res], [("p/a/x", "skip")])

    def test_step_judged_by_exit_status_only(self):
        step = vm.Step("demo", 10, "demo", tap=False)
        self.assertEqual([(r.name, r.status) for r in
                          vm._step_results(self.profile, step, "free text", 0, False)],
                         [("p/demo", "pass")])
        self.assertEqual([r.status for r in
                          vm._step_results(self.profile, step, "ok 1 x", 2, False)], ["fail"])


class ProfileMemoryTest(unittest.TestCase):
    def test_default_memory(self):
        cmd = vm.qemu_command(vm.Profile("p", "stock", "cpu", []), "bz", "rd", "c", "r")
        self.assertEqual(cmd[cmd.index("-m") + 1], "2048")

    def test_memory_field_reaches_qemu(self):
        cmd = vm.qemu_command(vm.Profile("p", "stock", "cpu", [], memory=3072),
                              "bz", "rd", "c", "r")
        self.assertEqual(cmd[cmd.index("-m") + 1], "3072")

    def test_svm_profiles_reserve_a_1g_page(self):
        for name in ("stock", "debug"):
            p = run.PROFILES[name]
            self.assertIn("hugepagesz=1G hugepages=1", p.append)
            # The reserved GiB comes on top of the usual 2 GiB.
            self.assertGreaterEqual(p.memory, 3072)
            cmd = vm.qemu_command(p, "bz", "rd", "c", "r")
            self.assertIn("hugepagesz=1G", cmd[cmd.index("-append") + 1])


class FakeQemu:
    """A process that never ends until killed."""

    def __init__(self):
        self.killed = False

    def wait(self, timeout=None):
        if self.killed:
            return 0
        raise vm.subprocess.TimeoutExpired("qemu", timeout)

    def kill(self):
        self.killed = True


class WatchdogTest(unittest.TestCase):
    def run_wait(self, text, boot_timeout=1000):
        import tempfile
        from pathlib import Path
        profile = vm.Profile("p", "stock", "cpu", [vm.Step("hang", 0, "x")],
                             boot_timeout=boot_timeout)
        with tempfile.TemporaryDirectory() as d:
            log = Path(d) / "results.log"
            log.write_text(text)
            grace, vm.STEP_GRACE = vm.STEP_GRACE, 0
            try:
                proc = FakeQemu()
                return vm._wait(proc, profile, log, None), proc.killed
            finally:
                vm.STEP_GRACE = grace

    def test_hung_step_is_killed_after_its_limit(self):
        self.assertEqual(self.run_wait("@@hvkm boot x\n@@hvkm begin hang\n"), (True, True))

    def test_vm_that_never_boots_is_killed(self):
        self.assertEqual(self.run_wait("", boot_timeout=0), (True, True))


class SelectorTest(unittest.TestCase):
    def test_plain_word_matches_anywhere(self):
        s = run.Selector("api_version")
        self.assertTrue(s.wants("stock/dev_ioctl/api_version"))
        self.assertFalse(s.wants("stock/dev_ioctl/node_is_root_only"))
        self.assertTrue(s.may_want_under("stock/dev_ioctl"))

    def test_glob_selects_steps(self):
        s = run.Selector("stock/dev_ioctl/*")
        self.assertTrue(s.may_want_under("stock/dev_ioctl"))
        self.assertFalse(s.may_want_under("stock/kvm_coexist"))
        self.assertFalse(s.may_want_under("debug/dev_ioctl"))

    def test_commas_separate_globs(self):
        s = run.Selector("stock/hyperv/*,debug/kunit/*")
        self.assertTrue(s.wants("stock/hyperv/hypercall_abi"))
        self.assertTrue(s.wants("debug/kunit/hvkm_tlfs/tsc_scale_math"))
        self.assertFalse(s.wants("debug/hyperv/hypercall_abi"))
        self.assertTrue(s.may_want_under("debug/kunit"))
        self.assertFalse(s.may_want_under("stock/kunit"))

    def test_empty_pattern_selects_all(self):
        s = run.Selector("")
        self.assertTrue(s.wants("anything"))
        self.assertTrue(s.may_want_under("debug/kunit"))


if __name__ == "__main__":
    unittest.main()
