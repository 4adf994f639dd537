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
# Faults of the live desk's sockets (tests/system/reliability/test_push_faults.py): a table of their own.
PUSH = ["desk_push_redis_restart"]


def render_push(row: dict) -> list[str]:
    """The push fault's figures: what the open pages received, and how the sockets came back."""
    api = ", ".join(f"{count} answered {status}" for status, count in sorted(row["api_writes_during_outage"].items()))
    return [
        "| fault | sockets | changes (during the outage) | writes failed | events missing on a socket | "
        "delivered twice | reconnections | seconds until every socket held every change | "
        "a change after recovery reached every socket in |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {row['fault']} | {row['sockets']} | {row['changes']} ({row['changes_during_outage']}) | "
        f"{row['writes_failed']} | {row['sockets_incomplete']} socket(s) | {row['duplicated_deliveries']} | "
        f"{row['reconnects']} | {row['seconds_until_complete']} | {row['final_change_ms']['max']} ms |",
        "",
        f"Live desk: the API's own writes during the outage ({api}) were refused by its rate limit, whose "
        f"counters are in the same Redis; after recovery, {row['probe_sockets']} more sockets of one user were "
        f"refused {row['probe_sockets_refused_4429']} time(s) over the per-user limit and "
        f"{row['probe_sockets_dropped']} dropped (1006); {row['presence_said_after_close']} presence entries were "
        f"said again after every socket had closed; the uvicorn process "
        f"{'ran throughout' if row['asgi_alive'] else 'died'}. Measured {row['date']}, "
        f"`DESK_PUSH_RECHECK_SECONDS={row['timings']['DESK_PUSH_RECHECK_SECONDS']}`.",
    ]


def render(results: dict) -> str:
    push = [name for name in PUSH if name in results]
    names = [name for name in ORDER if name in results] + sorted(set(results) - set(ORDER) - set(PUSH))
    if not names and not push:
        return "_No figures yet: run the fault tests._"
    if not names:
        return "\n".join(line for name in push for line in render_push(results[name]))
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
    for name in push:
        lines += ["", *render_push(results[name])]
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
