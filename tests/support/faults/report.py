"""Render the fault tests' figures (``var/reliability/results.json``) as the table in RELIABILITY.md.

    .venv/bin/python -m tests.support.faults.report            # print the Markdown
    .venv/bin/python -m tests.support.faults.report --write    # replace the table in RELIABILITY.md

The table sits between ``<!-- reliability-figures:start -->`` and ``<!-- ...:end -->``, so
the rest of the document is never touched.
"""

from __future__ import annotations

import argparse
import json
import sys

from tests.support.faults.stack import RESULTS_PATH, ROOT

START, END = "<!-- reliability-figures:start -->", "<!-- reliability-figures:end -->"
ORDER = ["worker_sigkill", "redis_flush", "redis_restart", "postgresql_restart", "poison_articles"]


def render(results: dict) -> str:
    names = [name for name in ORDER if name in results] + sorted(set(results) - set(ORDER))
    if not names:
        return "_No figures yet: run the fault tests._"
    lines = [
        "| fault | articles | lost | missing items | extra items | duplicated items | recovered | "
        "started twice or more | seconds to recover |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in names:
        row = results[name]
        if name == "poison_articles":
            recover = (
                f"{row['seconds_until_healthy_done']} s until the {row['healthy_articles']} healthy ones were done, "
                f"{row['seconds_until_all_finished']} s until the poison ones had failed (from the worker start)"
            )
            recovered = "-"
        else:
            recover = f"{row['seconds_to_recover']} s after {row['seconds_measured_from']}"
            recovered = str(row.get("recovered", "-"))
        lines.append(
            f"| {row['fault']} | {row['articles']} | {row['lost']} | {row['missing_items']} | {row['extra_items']} | "
            f"{row['duplicated_items']} | {recovered} | {row['jobs_started_more_than_once']} | {recover} |"
        )
    if "postgresql_restart" in results:
        row = results["postgresql_restart"]
        lines.append("")
        lines.append(
            f"PostgreSQL restart: {row['consistency_snapshots']} snapshots taken through the outage and recovery "
            f"saw {row['half_written_done_jobs_seen']} done job(s) without all of their items."
        )
    if "poison_articles" in results:
        lines += ["", "| poison | status | attempts | seconds from ingestion to failed | error recorded on the job |",
                  "| --- | --- | ---: | ---: | --- |"]
        for kind, outcome in results["poison_articles"]["poison"].items():
            error = outcome["error"].replace("|", "\\|")
            lines.append(
                f"| {kind} | {outcome['status']} | {outcome['attempts']} | "
                f"{outcome['seconds_from_ingest_to_failed']} | {error} |"
            )
    first = results[names[0]]
    timings = ", ".join(f"`{key}={value}`" for key, value in sorted(first["timings"].items()))
    dates = sorted({results[name]["date"] for name in names})
    lines += [
        "",
        f"Measured {dates[0]}{' to ' + dates[-1] if len(dates) > 1 else ''} on PostgreSQL {first['postgresql']}, "
        f"Redis {first['redis']}, Python {first['python']}, with {timings}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="replace the figures in RELIABILITY.md")
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
