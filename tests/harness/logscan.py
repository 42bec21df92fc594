"""Finding kernel splats in a test VM's console log."""

import re

# Each pattern is the first line of a report the kernel prints when something
# went wrong; any of them anywhere in the log fails the run.  They are matched
# at the start of a line (after the timestamp), so that a message merely
# containing the word, like the SRSO mitigation notice "Speculative Return
# Stack Overflow: WARNING: ...", is not taken for a splat.  Lockdep reports
# begin with "WARNING: possible ..."; KASAN ones with "BUG: KASAN: ...".
SPLATS = [
    ("WARNING", re.compile(r"^WARNING: ")),
    ("BUG", re.compile(r"^BUG: ")),
    ("UBSAN", re.compile(r"^UBSAN: ")),
    ("Oops", re.compile(r"^Oops: ")),
    ("general protection fault", re.compile(r"^general protection fault\b")),
    ("panic", re.compile(r"^Kernel panic - ")),
    ("hung task", re.compile(r"^INFO: task .* blocked for more than ")),
    ("RCU stall", re.compile(r"^rcu: INFO: .* detected stalls")),
    ("kmemleak", re.compile(r"^kmemleak: \d+ new suspected memory leaks")),
]

_TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s*")


def scan(text):
    """A list of (kind, line) for each splat line in a console log."""
    found = []
    for raw in text.splitlines():
        line = _TIMESTAMP.sub("", raw.strip())
        for kind, pattern in SPLATS:
            if pattern.search(line):
                found.append((kind, line))
                break
    return found
