"""The curator's command line: ``python -m rekodiq validate | diff A B | release | verify | history CLAIM``.

``validate`` checks the working data (exit 1 with every failure listed); ``diff A B`` prints
the semantic changes from A to B, each a release version or ``working``; ``release`` cuts a
release from the working data (refuses invalid data; ``--bump`` may only raise the level the
changes need); ``verify`` checks every stored archive against its recorded hash; ``history``
prints a claim's versions across releases. Exit codes: 0 ok, 1 refused or invalid, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rekodiq import curation, releases
from rekodiq import diff as semantic
from rekodiq.data import data_dir, load_dataset
from rekodiq.releases import ReleaseError


def _validate(args: argparse.Namespace) -> int:
    result = load_dataset(Path(args.data))
    for failure in result.report.failures:
        print(failure)
    print(f"{'valid' if result.dataset else 'INVALID'}: {sum(result.report.rows_read.values())} rows in {args.data}")
    return 0 if result.dataset else 1


def _diff(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    old = curation.open_version(args.old, Path(args.data))
    new = curation.open_version(args.new, Path(args.data))
    changes = semantic.diff(old, new)
    for change in changes.itertuples(index=False):
        print(f"[{change.kind}] {change.text}" + (f" <{change.source_url}>" if change.source_url else ""))
    needed = semantic.required_bump(changes) or "none"
    print(f"{len(changes)} changes from {args.old} to {args.new}; needs a {needed} release ({time.perf_counter() - start:.2f} s)")
    return 0


def _release(args: argparse.Namespace) -> int:
    release, changes = curation.cut_release(Path(args.data), kind=args.bump)
    print(f"released {release.version}: {release.file}, {release.bytes} bytes, sha256 {release.sha256}; {len(changes)} changes")
    return 0


def _verify(_args: argparse.Namespace) -> int:
    problems = releases.verify()
    for problem in problems:
        print(problem)
    print(f"{len(releases.versions())} releases, {len(problems)} problems")
    return 1 if problems else 0


def _history(args: argparse.Namespace) -> int:
    table = curation.claim_history(args.claim_id)
    print(table.to_string(index=False) if len(table) else f"no claim {args.claim_id[:20]!r} in any release")
    return 0 if len(table) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rekodiq", description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(data_dir()), help="the working data folder (default: data/)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="validate the working data").set_defaults(run=_validate)
    diff_cmd = sub.add_parser("diff", help="what changed from OLD to NEW (versions or 'working')")
    diff_cmd.add_argument("old")
    diff_cmd.add_argument("new", nargs="?", default=releases.WORKING)
    diff_cmd.set_defaults(run=_diff)
    release_cmd = sub.add_parser("release", help="cut a release from the working data")
    release_cmd.add_argument("--bump", choices=releases.BUMPS, help="default: what the changes need")
    release_cmd.set_defaults(run=_release)
    sub.add_parser("verify", help="check every release archive against its hash").set_defaults(run=_verify)
    history_cmd = sub.add_parser("history", help="a claim's versions across releases")
    history_cmd.add_argument("claim_id")
    history_cmd.set_defaults(run=_history)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ReleaseError as err:
        print(f"refused: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
