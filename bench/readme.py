"""Rewrite the README's "Performance" section from a benchmark run's Markdown (``bench.run --readme``).

Everything from the ``## Performance`` heading to the next ``## `` heading (or the end) is
replaced; the rest of the README is left byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path

HEADING = "## Performance"


def replace_section(readme: str, body: str) -> str:
    """``readme`` with its Performance section's body set to ``body`` (the heading is kept).

    A ``body`` that starts with the heading itself (a run's Markdown does) is used without it,
    so the section keeps one heading however often it is rewritten.
    """
    body = body.strip()
    if body.startswith(HEADING + "\n"):
        body = body[len(HEADING) :]
    start = readme.find("\n" + HEADING + "\n")
    if start < 0:
        return readme.rstrip("\n") + f"\n\n{HEADING}\n\n{body.strip()}\n"
    start += 1
    nxt = re.search(r"^## ", readme[start + len(HEADING) :], flags=re.M)
    end = start + len(HEADING) + nxt.start() if nxt else len(readme)
    tail = readme[end:]
    return readme[:start] + f"{HEADING}\n\n{body.strip()}\n" + ("\n" + tail if tail else "")


def update(path: Path, body: str) -> None:
    path.write_text(replace_section(path.read_text(encoding="utf-8"), body), encoding="utf-8")
