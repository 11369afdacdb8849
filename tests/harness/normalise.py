"""The one place where shown output and real output are made comparable.

Pages show real output, written by ``pytest --update-outputs``. Before comparing
it with what a run prints, both sides go through :func:`normalise`, which masks
only what cannot repeat from one run to the next:

1. trailing spaces at line ends, and blank lines at the start and end;
2. memory addresses in object representations (``<... at 0x7f3a...>``), which change
   every run (other hexadecimal numbers are compared);
3. step and epoch times in Keras progress lines (``1s 20ms/step``, ``ETA: 3s``),
   which depend on the machine's load.

Everything else, every digit of a loss, a shape or a parameter count, must match.
(What never reaches the comparison: TensorFlow's native INFO and WARNING log lines, off
through TF_CPP_MIN_LOG_LEVEL=2 in plugin.py, since they carry timestamps and thread ids
and can arrive from background threads at any moment.)
"""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"(?<= at )0x[0-9a-fA-F]+\b")
# A Keras progress line: "12/12 ━━━━━━━━━━━━━━━━━━━━ 1s 20ms/step - loss: 0.31",
# or with verbose=2: "12/12 - 1s - 20ms/step - loss: 0.31"
_PROGRESS = re.compile(r"^\s*\d+/\d+ (?:[━─=>\.\[\] ]+|- )")
_TIME = re.compile(r"\b(ETA: )?\d+(\.\d+)?(s|ms|us|µs)(/(step|sample))?\b")


def normalise(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = _ADDRESS.sub("0x…", line.rstrip())
        if _PROGRESS.match(line):
            line = _TIME.sub("<time>", line)
            line = re.sub(r"<time>(?: (?:- )?<time>)+", "<time>", line)
        lines.append(line)
    return "\n".join(lines).strip("\n")
