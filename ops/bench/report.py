"""The benchmark's report: locust's statistics in, budgets evaluated, Markdown out.

Pure functions over plain dicts (no Django, no locust), so they are unit-tested cheaply
and the JSON report holds exactly what the Markdown shows.
"""

from core.formatting import format_number
from ops.bench import pages

# The budgets of the performance issue. Reported as met or not; never asserted, because
# wall-clock figures depend on the machine (CI only fails on errors).
P95_BUDGETS_MS = {
    pages.BROWSE: 150,
    pages.BROWSE_FILTERS: 150,
    pages.SEARCH: 150,
    pages.NEED_PAGE: 150,
    pages.PROVINCIAL_DASHBOARD: 400,
}
BROWSE_FLOOR_SHARE = 1 / 3
DIGESTS_BUDGET_S = 5 * 60
BUDGET_USERS = 32


STAT_KEYS = ("requests", "errors", "rps", "median_ms", "p95_ms", "p99_ms", "max_ms")


def stats_by_page(summary: dict) -> dict[str, dict]:
    """The summary the locustfile writes at the end of a run, as {page name: figures},
    locust's total under "all". A name requested with two methods is split by method."""
    entries = summary["entries"]
    names = [entry["name"] for entry in entries]
    stats = {}
    for entry in entries:
        name = entry["name"] if names.count(entry["name"]) == 1 else f"{entry['name']} ({entry['method']})"
        stats[name] = {key: entry[key] for key in STAT_KEYS}
    stats["all"] = {key: summary["total"][key] for key in STAT_KEYS}
    return stats


def failure_lines(summary: dict) -> list[str]:
    """Locust's failures as lines "N × METHOD name: error"."""
    return [f"{f['occurrences']} × {f['method']} {f['name']}: {f['error']}" for f in summary.get("failures", [])]


def page_rows(stats: dict[str, dict], floor_rps: float | None, queries: dict[str, int | None]) -> list[dict]:
    """One row per page kind in the report's order (then any other name), with its query
    count and its throughput as a share of the trivial view's."""
    names = [n for n in pages.ALL_KINDS if n in stats] + sorted(set(stats) - set(pages.ALL_KINDS) - {"all"})
    return [
        {
            "page": name,
            **stats[name],
            "queries": queries.get(name),
            "ratio_to_trivial": round(stats[name]["rps"] / floor_rps, 4) if floor_rps else None,
        }
        for name in names
    ]


def _budget(name: str, target: str, measured: str, met: bool | None) -> dict:
    return {"budget": name, "target": target, "measured": measured, "met": met}


def evaluate_budgets(report: dict) -> list[dict]:
    """Every budget with what was measured and whether it is met (None: not measured)."""
    budgets = []
    by_page = {row["page"]: row for row in report["pages"]}
    for page, limit in P95_BUDGETS_MS.items():
        p95 = by_page.get(page, {}).get("p95_ms")
        budgets.append(
            _budget(
                f"p95 {page}",
                f"< {limit} ms",
                "not measured" if p95 is None else f"{p95:.0f} ms",
                None if p95 is None else p95 < limit,
            )
        )
    errors = report["errors"]
    budgets.append(_budget("errors", "0", str(errors), errors == 0))
    floor = (report.get("floor") or {}).get("rps")
    solo = {row["page"]: row for row in report.get("solo", [])}
    browse_rps = solo.get(pages.BROWSE, {}).get("rps")
    if floor and browse_rps is not None:
        share = browse_rps / floor
        budgets.append(
            _budget(
                "browse throughput ÷ trivial view's",
                "≥ 1/3",
                f"{browse_rps:.0f} ÷ {floor:.0f} req/s = {share:.2f}",
                share >= BROWSE_FLOOR_SHARE,
            )
        )
    else:
        budgets.append(_budget("browse throughput ÷ trivial view's", "≥ 1/3", "not measured", None))
    digests = report.get("digests") or {}
    seconds = digests.get("seconds")
    budgets.append(
        _budget(
            "weekly digests, every office, one worker",
            f"< {DIGESTS_BUDGET_S // 60} min",
            "not measured" if seconds is None else f"{seconds:.1f} s ({digests.get('offices', 0)} offices)",
            None if seconds is None else seconds < DIGESTS_BUDGET_S,
        )
    )
    users = report["load"]["users"]
    budgets.append(
        _budget(
            "concurrent clients",
            str(BUDGET_USERS),
            str(users),
            True if users >= BUDGET_USERS else None,
        )
    )
    return budgets


def _dashboards(sample: dict | None) -> list[str]:
    if not sample:
        return []
    district, province = sample["district"], sample["province"]
    return [
        "",
        f"Dashboards of {district['name']} ({format_number(district['schools'])} schools) and "
        f"{province['name']} ({format_number(province['schools'])} schools), the largest with officers.",
    ]


def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def _met(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def render_markdown(report: dict) -> str:
    load, server, data = report["load"], report["server"], report["data"]
    lines = [
        f"# Load benchmark, {report['date']}",
        "",
        f"Commit `{report['git_commit']}`; {server['database']}, {server['cache']}; "
        f"gunicorn {server['gunicorn']}; {server['cpus']} CPUs; locust {server.get('locust', '')} on loopback, "
        "in its own process.",
        "",
        "Data: " + ", ".join(f"{format_number(count)} {name}" for name, count in data.items()) + ".",
        *_dashboards(report.get("sample")),
        "",
        f"Load: {load['users']} users without think time; realistic mix for {load['duration_s']} s, "
        f"trivial view alone for {load['floor_duration_s']} s"
        + (f", each anonymous page alone for {load['solo_duration_s']} s" if load.get("solo_duration_s") else "")
        + (" (CI size)" if load.get("ci") else "")
        + ".",
    ]
    if load.get("generator_cpu_bound"):
        lines += ["", "Warning: locust reported its own CPU above 90%; throughput figures are a lower bound."]
    lines += ["", "## Budgets", "", "| budget | target | measured | |", "|---|---|---|---|"]
    lines += [f"| {b['budget']} | {b['target']} | {b['measured']} | {_met(b['met'])} |" for b in report["budgets"]]

    floor = report.get("floor") or {}
    lines += [
        "",
        f"## Pages: the realistic mix ({load['users']} users, {load['duration_s']} s)",
        "",
        "| page | requests | req/s | median ms | p95 ms | p99 ms | errors | queries | req/s ÷ trivial |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["pages"]:
        ratio = "–" if row["ratio_to_trivial"] is None else f"{row['ratio_to_trivial']:.3f}"
        queries = "–" if row["queries"] is None else str(row["queries"])
        lines.append(
            f"| {row['page']} | {row['requests']} | {row['rps']:.1f} | {_ms(row['median_ms'])} | {_ms(row['p95_ms'])} "
            f"| {_ms(row['p99_ms'])} | {row['errors']} | {queries} | {ratio} |"
        )
    total = report.get("total")
    if total:
        lines.append(
            f"| **all** | {total['requests']} | {total['rps']:.1f} | {_ms(total['median_ms'])} "
            f"| {_ms(total['p95_ms'])} | {_ms(total['p99_ms'])} | {total['errors']} | | |"
        )
    lines += [
        "",
        f"Trivial view alone (the floor): {floor.get('rps', 0):.0f} req/s, median {_ms(floor.get('median_ms'))} ms, "
        f"p95 {_ms(floor.get('p95_ms'))} ms, {floor.get('errors', 0)} errors. In the mix, req/s ÷ trivial is each "
        "page's share of the mixed load; the table below gives each page's own throughput.",
    ]
    if report.get("solo"):
        lines += [
            "",
            f"## Each anonymous page alone ({load['users']} users, {load['solo_duration_s']} s each)",
            "",
            "| page | requests | req/s | median ms | p95 ms | errors | req/s ÷ trivial |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in report["solo"]:
            ratio = "–" if row["ratio_to_trivial"] is None else f"{row['ratio_to_trivial']:.2f}"
            lines.append(
                f"| {row['page']} | {row['requests']} | {row['rps']:.1f} | {_ms(row['median_ms'])} "
                f"| {_ms(row['p95_ms'])} | {row['errors']} | {ratio} |"
            )

    lines += ["", "## Jobs", ""]
    digests = report.get("digests") or {}
    if digests.get("seconds") is not None:
        slowest = digests.get("slowest") or {}
        lines.append(
            f"- Weekly digest for every education office ({digests['offices']} offices, run one after the other "
            f"as one worker would, for {digests['day']}): {digests['seconds']:.1f} s; "
            f"slowest {slowest.get('office', '–')} ({slowest.get('seconds', 0):.2f} s); "
            f"{digests.get('sent', 0)} sent, {digests.get('skipped', 0)} skipped."
        )
    else:
        lines.append("- Weekly digests: not measured.")
    export = report.get("export") or {}
    if export.get("seconds"):
        lines.append(
            f"- Dashboard export, provincial school by school ({export['path']}): median "
            f"{export['median_s']:.2f} s of {len(export['seconds'])} runs "
            f"({', '.join(f'{s:.2f}' for s in export['seconds'])} s), {format_number(export['bytes'])} bytes."
        )
    else:
        lines.append("- Dashboard export: not measured.")

    problems = report.get("problems") or []
    lines += ["", "## Errors", ""]
    lines += [f"- {problem}" for problem in problems] if problems else ["None."]
    return "\n".join(lines) + "\n"
