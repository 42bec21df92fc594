"""Reading TAP 13 (selftests) and KTAP (KUnit) into named results."""

import re
from dataclasses import dataclass

_RESULT = re.compile(
    r"^(?P<indent>\s*)(?P<not>not )?ok\s+\d+(?:\s+-)?\s*(?P<name>[^#]*?)\s*"
    r"(?:#\s*(?P<directive>\S+)\s*(?P<reason>.*))?$")


@dataclass
class Result:
    name: str
    status: str  # "pass", "fail" or "skip"
    reason: str = ""


@dataclass
class _Line:
    indent: int
    ok: bool
    name: str
    skip: bool
    reason: str


def parse(text):
    """Leaf results of a TAP/KTAP stream, each named by its parents' path.

    In KTAP a test's subtests come before its own result line and are
    indented deeper, so a result is a leaf when the line before it is not
    deeper, and its parents are the later, shallower lines.
    """
    lines = []
    for raw in text.splitlines():
        m = _RESULT.match(raw.rstrip())
        if not m:
            continue
        directive = (m.group("directive") or "").upper()
        lines.append(_Line(len(m.group("indent").expandtabs(8)),
                           m.group("not") is None, m.group("name"),
                           directive == "SKIP", (m.group("reason") or "").strip()))
    results = []
    parents = []  # (indent, name), innermost last, while walking backwards
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        while parents and parents[-1][0] >= line.indent:
            parents.pop()
        is_parent = i > 0 and lines[i - 1].indent > line.indent
        if is_parent:
            parents.append((line.indent, line.name))
            continue
        path = "/".join([name for _, name in parents] + [line.name])
        if line.skip:
            status = "skip"
        else:
            status = "pass" if line.ok else "fail"
        results.append(Result(path, status, line.reason))
    results.reverse()
    return results
