"""Run axe-core and the layout probes on every page at desktop and phone size; print one JSON report.

    .venv/bin/python scripts/a11y_audit.py [BASE_URL] > artifacts/a11y.json

With no BASE_URL it starts the app itself (tests/browser_support.running_app).
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from a11y_support import axe_violations, horizontal_overflow, install_cls_probe, layout_shift, overlapping_text, plot_widths  # noqa: E402

from browser_support import PAGES, chromium, page_url, running_app, wait_drawn  # noqa: E402

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def audit(base: str) -> dict:
    from playwright.sync_api import sync_playwright

    report: dict = {"runs": {}, "by_rule": Counter(), "serious_by_rule": Counter()}
    with sync_playwright() as p, chromium(p) as browser:
        for size, viewport in SIZES.items():
            for name in PAGES:
                ctx = browser.new_context(viewport=viewport)
                install_cls_probe(ctx)
                page = ctx.new_page()
                page.goto(page_url(base, name))
                wait_drawn(page)
                page.wait_for_timeout(1000)
                violations = axe_violations(page)
                run = {
                    "cls": round(layout_shift(page), 4),
                    "violations": violations,
                    "overflow": horizontal_overflow(page),
                    "overlaps": overlapping_text(page)[:10],
                    "plot_widths": plot_widths(page),
                }
                report["runs"][f"{name}@{size}"] = run
                for rule, impact, _n in violations:
                    report["by_rule"][f"{rule} ({impact})"] += 1
                ctx.close()
    return report


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(audit(sys.argv[1]), indent=1))
        return
    with running_app(Path(tempfile.mkdtemp())) as server:
        print(json.dumps(audit(server.url), indent=1))


if __name__ == "__main__":
    main()
