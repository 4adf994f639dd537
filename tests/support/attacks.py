"""The attack table of RELIABILITY.md, generated from the security tests themselves.

A test that tries an attack says so with a marker::

    @pytest.mark.attack("Web Annotation import", "TextPositionSelector.start = 10**15",
                        "400, nothing stored, no padding built")

Every run of the suite writes each marked test's outcome (passed or failed) to
``var/security/results.json``; ``python -m tests.support.attacks --write`` renders them as the
table between ``<!-- security-attacks:start -->`` and ``<!-- security-attacks:end -->``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS_PATH = Path(os.environ.get("FACTCHECK_VAR_DIR", ROOT / "var")) / "security" / "results.json"
START, END = "<!-- security-attacks:start -->", "<!-- security-attacks:end -->"


def outcome_record(*, nodeid: str, area: str, attack: str, answer: str, passed: bool) -> dict:
    return {
        "test": nodeid,
        "area": area,
        "attack": attack,
        "answer": answer,
        "result": "holds" if passed else "FAILS",
        "date": dt.date.today().isoformat(),
    }


def results_merge(records: list[dict], path: Path = RESULTS_PATH) -> None:
    """Merge this run's records into the results file, one entry per test (the newest wins)."""
    if not records:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError):
        results = {}
    for record in records:
        results[record["test"]] = record
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def render(results: dict) -> str:
    if not results:
        return "_No results yet: run the suite (`make test`)._"
    lines = ["| area | attack | what the service does | result | test |", "| --- | --- | --- | --- | --- |"]
    for record in sorted(results.values(), key=lambda r: (r["area"], r["attack"], r["test"])):
        cells = [record["area"], record["attack"], record["answer"], record["result"], f"`{record['test']}`"]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    dates = sorted({record["date"] for record in results.values()})
    lines += ["", f"From the suite's run of {dates[-1]}: {len(results)} attacks."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="replace the table in RELIABILITY.md")
    args = parser.parse_args()
    results = json.loads(RESULTS_PATH.read_text()) if RESULTS_PATH.exists() else {}
    table = render(results)
    if not args.write:
        print(table)
        return
    document = ROOT / "RELIABILITY.md"
    text = document.read_text()
    if START not in text or END not in text:
        sys.exit(f"{document} has no {START} ... {END} block to replace")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    document.write_text(f"{before}{START}\n{table}\n{END}{after}")
    print(f"Updated {document} from {RESULTS_PATH}")


if __name__ == "__main__":
    main()
