"""Booting one test VM: its initramfs, the QEMU run, and what it reported."""

import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import logscan
import tap

HERE = Path(__file__).resolve().parent
BUSYBOX = Path("/bin/busybox")
QEMU = "qemu-system-x86_64"


@dataclass
class Kernel:
    """A kernel the tests boot, and hvkm built against it."""
    name: str          # "stock" or "debug"
    image: Path        # bzImage / vmlinuz
    release: str
    modules: Path      # its /lib/modules/<release>
    kmod_build: Path   # build tree holding kmod/hvkm.ko (and tests/kunit/)


@dataclass
class Step:
    name: str
    timeout: int       # seconds, enforced inside the VM
    command: str
    tap: bool = True   # prints TAP/KTAP; else only its exit status counts


@dataclass
class Profile:
    """One VM boot: a kernel, a CPU model and the steps to run in it."""
    name: str
    kernel: str
    cpu: str
    steps: list
    append: str = ""
    boot_timeout: int = 120    # seconds to reach /init and power off
    memory: int = 2048         # MiB of RAM (-m)


@dataclass
class Outcome:
    results: list = field(default_factory=list)   # tap.Result, named in full
    seconds: float = 0.0


# Modules from the kernel's own tree that the steps load.
MODULES = ["kvm_amd", "msr"]


def _module_closure(kernel, names):
    """Files of the named modules and everything they depend on."""
    base = kernel.modules.parent.parent.parent  # strip lib/modules/<release>
    files, todo, seen = [], list(names), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        info = subprocess.run(
            ["modinfo", "-b", str(base), "-k", kernel.release, "-F", "filename", name],
            capture_output=True, text=True)
        path = info.stdout.strip()
        if info.returncode != 0 or not path.startswith("/"):
            continue  # built in, or not built: nothing to copy
        files.append(Path("/" + path.lstrip("/")))  # modinfo -b / says "//lib/..."
        deps = subprocess.run(
            ["modinfo", "-b", str(base), "-k", kernel.release, "-F", "depends", name],
            capture_output=True, text=True, check=True).stdout.strip()
        todo.extend(d for d in deps.split(",") if d)
    return files


def _copy(src, dst, mode=0o755):
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, mode)


def _cpio_gz(root):
    listing = subprocess.run(["find", "."], cwd=root, capture_output=True, check=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                             input=listing, capture_output=True, check=True).stdout
    return gzip.compress(archive, compresslevel=9)


# The nested guest's kernel command line.  Every console byte costs the
# guest a few exits to hvkm-vmm (about 40 us each under TCG): the full log
# of a boot, some 40 KB, costs a few seconds, which the diagnosis of a boot
# that stops early is worth.  hvkm-vmm gives the guest ACPI tables
# (docs/vmm.md): it resets through the FADT's reset register and powers off
# through S5.
L2_CMDLINE = "console=ttyS0 earlyprintk=serial panic=-1 rdinit=/init"
L2_MEMORY_MIB = 256
# vm.json's guest (linux_boot, one VP) has RAM above 4 GiB (docs/vmm.md "Guest
# RAM"): 3 GiB below the hole, 1.5 GiB from 4 GiB.  It touches little of it
# (hvkm-vmm maps RAM without reserving it), so it fits the 3 GiB test VM.
L2_BIG_MEMORY_MIB = 4608


def _stock_image():
    """Debian's newest stock kernel image (make deps installs linux-image-amd64)."""
    images = sorted(Path("/boot").glob("vmlinuz-*-amd64"),
                    key=lambda p: [int(x) if x.isdigit() else x
                                   for x in re.split(r"(\d+)", p.name)])
    if not images:
        raise FileNotFoundError("no /boot/vmlinuz-*-amd64: run make deps")
    return images[-1]


def ship_l2_guest(kernel, dest):
    """The guest hvkm-vmm boots in step linux_boot: Debian's stock kernel
    (also in the debug VM, where the hvkm.ko under test is the debug one),
    a busybox initramfs whose /init is l2init.sh, and its vm.json."""
    del kernel  # the guest's kernel does not depend on the VM's
    dest.mkdir(parents=True, exist_ok=True)
    _copy(_stock_image(), dest / "vmlinuz", 0o644)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _copy(BUSYBOX, root / "bin/busybox")
        _copy(HERE / "l2init.sh", root / "init")
        (dest / "initrd.cpio.gz").write_bytes(_cpio_gz(root))
    config = {
        "name": "l2",
        "generation": 1,
        "memory": L2_BIG_MEMORY_MIB,
        "cpus": 1,
        # linux_boot's guest ends with a reset, which ends hvkm-vmm (status 0).
        "on_reset": "exit",
        "boot": {"kernel": "/lib/hvkm/l2/vmlinuz", "initrd": "/lib/hvkm/l2/initrd.cpio.gz",
                 "cmdline": L2_CMDLINE},
        "serial": [{"port": "com1", "output": "/tmp/l2-console.log"}],
    }
    (dest / "vm.json").write_text(json.dumps(config, indent=2) + "\n")
    # Step hvctl_lifecycle (hvctl.sh) creates the same guest with hvctl.
    (dest / "hvctl.env").write_text(f"L2_CMDLINE='{L2_CMDLINE}'\nL2_MEMORY={L2_MEMORY_MIB}\n")
    # The same guest on two VPs (from the MADT), which checks what it sees
    # of Hyper-V and powers off (l2init.sh).  Its RAM is 2 MiB hugetlbfs
    # pages (l2boot.sh reserves them).
    smp = dict(config, cpus=2, memory=L2_MEMORY_MIB, memory_backing="hugetlbfs",
               serial=[{"port": "com1", "output": "/tmp/l2-smp-console.log"}])
    smp["boot"] = dict(config["boot"], cmdline=L2_CMDLINE + " hvkm_l2=smp")
    (dest / "vm-smp.json").write_text(json.dumps(smp, indent=2) + "\n")
    # make demo shows the guest's console as it comes.
    config["serial"] = [{"port": "com1", "output": "stdout"}]
    config["memory"] = L2_MEMORY_MIB
    (dest / "vm-stdout.json").write_text(json.dumps(config, indent=2) + "\n")


def ship_multiboot_guest(build, dest):
    """The Multiboot test kernel (tests/guest/multiboot/, make multiboot-guest)
    in both forms for step multiboot_boot (multiboot.sh)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mbtest.elf", "mbtest-aout.bin"):
        src = build / "multiboot" / name
        if not src.exists():
            raise FileNotFoundError(f"no {src}: make multiboot-guest")
        _copy(src, dest / name, 0o644)


def build_initramfs(kernel, profile, selftests, out):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _copy(BUSYBOX, root / "bin/busybox")
        _copy(HERE / "init.sh", root / "init")
        for script in ("kunit", "kmemleak", "splat", "demo", "l2boot", "hvctl", "vmmdiag", "multiboot"):
            _copy(HERE / f"{script}.sh", root / f"bin/hvkm-{script}")
        for binary in sorted(selftests.iterdir()):
            _copy(binary, root / "bin" / binary.name)
        _copy(kernel.kmod_build / "kmod/hvkm.ko", root / "lib/hvkm/hvkm.ko", 0o644)
        kunit = kernel.kmod_build / "tests/kunit/hvkm_kunit.ko"
        if kunit.exists():
            _copy(kunit, root / "lib/hvkm/hvkm_kunit.ko", 0o644)

        if any(s.command.startswith(("hvkm-l2boot", "hvkm-demo", "hvkm-hvctl")) for s in profile.steps):
            ship_l2_guest(kernel, root / "lib/hvkm/l2")
        if any(s.command.startswith("hvkm-multiboot") for s in profile.steps):
            ship_multiboot_guest(selftests.parent, root / "lib/hvkm/multiboot")

        moddir = root / "lib/modules" / kernel.release
        for path in _module_closure(kernel, MODULES):
            _copy(path, moddir / path.relative_to(kernel.modules), 0o644)
        for meta in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
            if (kernel.modules / meta).exists():
                _copy(kernel.modules / meta, moddir / meta, 0o644)
        moddir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["depmod", "-b", str(root), kernel.release], check=True)

        (root / "plan").write_text(
            "".join(f"{s.name} {s.timeout} {s.command}\n" for s in profile.steps))
        listing = subprocess.run(["find", "."], cwd=root, capture_output=True,
                                 check=True).stdout
        archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                                 input=listing, capture_output=True, check=True).stdout
        out.write_bytes(gzip.compress(archive, compresslevel=1))


def _parse_steps(text):
    """{step: (output, status or None)} and whether /init got to the end."""
    steps, current, buf = {}, None, []
    booted = done = False
    for line in text.replace("\r", "").splitlines():
        if line.startswith("@@hvkm boot"):
            booted = True
        elif line.startswith("@@hvkm begin "):
            current, buf = line.split()[2], []
            steps[current] = ("", None)
        elif line.startswith("@@hvkm end ") and current:
            steps[current] = ("\n".join(buf), int(line.split()[3]))
            current = None
        elif line.startswith("@@hvkm done"):
            done = True
        elif current:
            buf.append(line)
    if current:
        steps[current] = ("\n".join(buf), None)
    return steps, booted, done


def _qemu_end(status):
    """How QEMU ended, for a VM that stopped in the middle of a step."""
    if status is not None and status < 0:
        return f"QEMU died of signal {-status}"
    return (f"QEMU exited with status {status}: a triple fault (\"Triple fault\" in "
            "cpu-reset.log), a reset or power-off of the test VM, or a panic on its console")


def _step_results(profile, step, output, status, vm_timed_out, qemu_status=None):
    prefix = f"{profile.name}/{step.name}"
    if status is None:
        why = ("the VM was stopped after its time limit" if vm_timed_out
               else "the VM stopped (" + _qemu_end(qemu_status) + ")")
        return [tap.Result(prefix, "fail", f"did not finish: {why}; see the console log")]
    if not step.tap:
        return [tap.Result(prefix, "pass" if status == 0 else "fail",
                           f"exit status {status}" if status else "")]
    results = [tap.Result(f"{prefix}/{r.name}", r.status, r.reason)
               for r in tap.parse(output)]
    failed = any(r.status == "fail" for r in results)
    if status == 137:
        results.append(tap.Result(prefix, "fail", f"killed after its {step.timeout} s limit"))
    elif status not in (0, 4) and not failed:
        results.append(tap.Result(prefix, "fail", f"exit status {status}"))
    elif not results:
        results.append(tap.Result(prefix, "fail", "reported no results"))
    return results


# Seconds a step may overrun its own limit (enforced in the VM) before the
# host gives up on the VM: a step stuck in the kernel cannot be killed there.
STEP_GRACE = 60


def _wait(proc, profile, results_log, echo):
    """Wait for QEMU, copying the steps' output to @echo as it comes.

    The VM is killed when it does not reach /init within its boot allowance,
    when one step runs STEP_GRACE seconds past its own limit, or when the
    whole run exceeds the sum of both, so a hung guest costs one step's time.
    Returns whether it was killed.
    """
    limits = {s.name: s.timeout for s in profile.steps}
    deadline = time.monotonic() + profile.boot_timeout + sum(limits.values())
    # Until /init speaks, only the boot allowance counts.
    step_deadline = time.monotonic() + profile.boot_timeout
    offset, pending = 0, ""
    while True:
        try:
            proc.wait(timeout=1)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
        if results_log.exists():
            with open(results_log, "rb") as f:
                f.seek(offset)
                data = f.read()
            offset += len(data)
            pending += data.decode(errors="replace").replace("\r", "")
            lines = pending.split("\n")
            pending = lines.pop()
            for line in lines:
                if line.startswith("@@hvkm boot"):
                    step_deadline = None
                elif line.startswith("@@hvkm begin "):
                    name = line.split()[2]
                    step_deadline = time.monotonic() + limits.get(name, 0) + STEP_GRACE
                elif line.startswith("@@hvkm end "):
                    step_deadline = None
                elif echo and not line.startswith("@@hvkm"):
                    echo.write(line + "\n")
            if echo:
                echo.flush()
        if finished:
            return False
        now = time.monotonic()
        if now >= deadline or (step_deadline is not None and now >= step_deadline):
            proc.kill()
            proc.wait()
            return True


def qemu_command(profile, image, initrd, console, results_log, reset_log=None):
    """The QEMU command line that boots @profile.  With @reset_log, QEMU
    writes the CPU state there at every CPU reset: a test VM that vanishes
    without a word on its console has triple-faulted, and this says where."""
    debug = ["-d", "cpu_reset", "-D", str(reset_log)] if reset_log else []
    return [QEMU] + debug + ["-accel", "tcg,thread=multi", "-cpu", profile.cpu, "-smp", "2",
            "-m", str(profile.memory), "-nodefaults", "-no-user-config", "-display", "none",
            "-no-reboot", "-kernel", str(image), "-initrd", str(initrd),
            "-append", f"console=ttyS0 panic=-1 {profile.append}".strip(),
            "-serial", f"file:{console}", "-serial", f"file:{results_log}"]


def run(profile, kernel, selftests, logdir, echo=None):
    """Boot @profile on @kernel; every result it produced, named in full.
    With @echo (a file), what the steps print is copied there live."""
    logdir.mkdir(parents=True, exist_ok=True)
    initrd = logdir / "initramfs.cpio.gz"
    console, results_log, qemu_log = (logdir / "console.log", logdir / "results.log",
                                      logdir / "qemu.log")
    build_initramfs(kernel, profile, selftests, initrd)
    for f in (console, results_log):
        f.unlink(missing_ok=True)

    cmd = qemu_command(profile, kernel.image, initrd, console, results_log,
                       logdir / "cpu-reset.log")
    start = time.monotonic()
    with open(qemu_log, "w") as qlog:
        qlog.write(" ".join(cmd) + "\n")
        qlog.flush()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qlog,
                                stderr=subprocess.STDOUT)
        timed_out = _wait(proc, profile, results_log, echo)
    outcome = Outcome(seconds=time.monotonic() - start)

    text = results_log.read_text(errors="replace") if results_log.exists() else ""
    steps, booted, done = _parse_steps(text)
    if not booted:
        outcome.results.append(tap.Result(
            f"{profile.name}/boot", "fail",
            f"the VM never reached /init (timed out: {timed_out}); see {console}"))
    for step in profile.steps:
        output, status = steps.get(step.name, ("", None))
        if step.name not in steps:
            if booted:
                outcome.results.append(tap.Result(
                    f"{profile.name}/{step.name}", "fail", "never started: the VM stopped before it"))
            continue
        outcome.results.extend(_step_results(profile, step, output, status, timed_out,
                                             proc.returncode))
    if booted and not done and all(s.name in steps for s in profile.steps):
        outcome.results.append(tap.Result(f"{profile.name}/poweroff", "fail",
                                          "the VM did not reach the end of /init"))

    log = console.read_text(errors="replace") if console.exists() else ""
    splats = logscan.scan(log)
    for _, line in splats:
        outcome.results.append(tap.Result(f"{profile.name}/kernel-log", "fail", line))
    if booted and not splats:
        outcome.results.append(tap.Result(f"{profile.name}/kernel-log", "pass"))
    return outcome
