"""The benchmark's report: locust's statistics in, budgets evaluated, Markdown out.

Pure functions over plain dicts (no Django, no locust), so they are unit-tested cheaply
and the JSON report holds exactly what the Markdown shows.
"""

import statistics
from math import ceil

from core.formatting import format_number
from ops.bench import openloop, pages

# The budgets of the performance issue. Reported as met or not; never asserted, because
# wall-clock figures depend on the machine (CI only fails on errors). The p95 budgets
# (public pages 150 ms, dashboards 400 ms) are those of each open-loop step
# (openloop.P95_BUDGET_MS): capacity is the highest rate that meets them.
BROWSE_FLOOR_SHARE = 1 / 3
DIGESTS_BUDGET_S = 5 * 60
PLEDGES_PER_S = 50
# A web worker after serving the whole run (issue 22): what one process may hold.
WORKER_RSS_MB = 300


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


def _nearest_rank(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return ordered[max(ceil(share * len(ordered)) - 1, 0)] if ordered else None


def cold_rows(cold: list[dict], trivial_ms: float | None) -> list[dict]:
    """Per page kind, the cold pass (cache flushed, each URL once) and the warm one (the
    same URLs again): URLs, median and p95 ms, and the page's one-at-a-time rate as a share
    of the trivial view's (the trivial view's median time ÷ the page's)."""
    by_page = {row["page"]: row for row in cold}
    rows = []
    for name in [n for n in pages.ALL_KINDS if n in by_page] + sorted(set(by_page) - set(pages.ALL_KINDS)):
        row = by_page[name]
        median = statistics.median(row["cold"]) if row["cold"] else None
        rows.append(
            {
                "page": name,
                "urls": len(row["cold"]),
                "cold_median_ms": median,
                "cold_p95_ms": _nearest_rank(row["cold"], 0.95),
                "warm_median_ms": statistics.median(row["warm"]) if row["warm"] else None,
                "ratio_to_trivial": round(trivial_ms / median, 4) if trivial_ms and median else None,
            }
        )
    return rows


def _budget(name: str, target: str, measured: str, met: bool | None) -> dict:
    return {"budget": name, "target": target, "measured": measured, "met": met}


def evaluate_budgets(report: dict) -> list[dict]:
    """Every budget with what was measured and whether it is met (None: not measured)."""
    budgets = []
    capacity = report.get("capacity") or {}
    limits = openloop.P95_BUDGET_MS
    target = (
        f"highest rate, open loop, with p95 ≤ {limits['public']} ms public, "
        f"≤ {limits['dashboards']} ms dashboards, 0 errors"
    )
    if not capacity.get("steps"):
        budgets.append(_budget("capacity of the realistic mix", target, "not measured", None))
    elif capacity.get("rps") is None:
        first = capacity["steps"][0]
        budgets.append(
            _budget(
                "capacity of the realistic mix",
                target,
                f"not met even at the lowest step ({first['target_rps']:g} req/s)",
                False,
            )
        )
    else:
        ratio = capacity.get("ratio_to_trivial")
        bound = "" if capacity.get("bounded") else "at least "
        budgets.append(
            _budget(
                "capacity of the realistic mix",
                target,
                f"{bound}{capacity['rps']:.1f} req/s"
                + ("" if ratio is None else f" = {ratio:.3f} × trivial view's")
                + (" (the generator, not the server, limited it)" if capacity.get("generator_limited") else ""),
                True,
            )
        )
    pledges = report.get("pledges") or {}
    if pledges:
        clean = (
            not pledges["lost"] and not pledges["over_funded"] and not pledges["unbalanced"] and not pledges["errors"]
        )
        within = pledges["p95_post_ms"] is not None and pledges["p95_post_ms"] <= limits["public"]
        rate_met = pledges["kept"] and pledges["target_per_s"] >= PLEDGES_PER_S
        measured = (
            f"{pledges['posts_per_s']:.1f}/s (target {pledges['target_per_s']:g}), "
            f"p95 {_ms(pledges['p95_post_ms'])} ms, "
            f"{pledges['lost']} lost, {len(pledges['over_funded'])} over-funded, {pledges['errors']} errors"
        )
        # Below the budget's rate (CI) only the counts are checked.
        met = (
            (clean and within and rate_met)
            if pledges["target_per_s"] >= PLEDGES_PER_S
            else (False if not clean else None)
        )
        budgets.append(
            _budget(
                "pledge POSTs, open loop",
                f"≥ {PLEDGES_PER_S}/s within {limits['public']} ms p95, none lost, none over-funded",
                measured,
                met,
            )
        )
    else:
        budgets.append(_budget("pledge POSTs, open loop", f"≥ {PLEDGES_PER_S}/s", "not measured", None))
    rss = (report.get("memory") or {}).get("workers_rss_mb") or []
    if rss:
        budgets.append(
            _budget(
                "a web worker's memory after the run",
                f"RSS ≤ {WORKER_RSS_MB} MB",
                f"largest {rss[0]:.0f} MB ({len(rss)} workers: {', '.join(f'{mb:.0f}' for mb in rss)} MB)",
                rss[0] <= WORKER_RSS_MB,
            )
        )
    else:
        budgets.append(
            _budget("a web worker's memory after the run", f"RSS ≤ {WORKER_RSS_MB} MB", "not measured", None)
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
        f"Closed loop (the floor and the pages' own throughput): {load['users']} users without think time; "
        f"realistic mix for {load['duration_s']} s, trivial view alone for {load['floor_duration_s']} s"
        + (f", each anonymous page alone for {load['solo_duration_s']} s" if load.get("solo_duration_s") else "")
        + (" (CI size)" if load.get("ci") else "")
        + ".",
    ]
    if (report.get("capacity") or {}).get("steps") or report.get("pledges"):
        lines += [
            "",
            "Capacity and pledges: **open loop**. Requests arrive at a set rate whether or not earlier ones "
            "finished: many more locust users than requests in flight, each starting a visit every "
            f"{load.get('headroom_s', openloop.HEADROOM_S):g} s or so (constant pacing), so a late answer does "
            "not lower the rate until it is later than the pacing. Steps ×"
            f"{load['capacity_factor']:g} from {load['capacity_start']:g} × the trivial view's throughput, "
            f"{load['step_duration_s']} s each once every user runs; shares of the requests: "
            + ", ".join(f"{name.removeprefix('Open')} {share:.0%}" for name, share in load.get("shares", {}).items())
            + ".",
        ]
    if load.get("replica"):
        lines += ["", f"Database: {load['replica']}."]
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

    lines += _capacity_lines(report)
    lines += _cold_lines(report)
    lines += _pledge_lines(report)

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


def _capacity_lines(report: dict) -> list[str]:
    capacity = report.get("capacity") or {}
    steps = capacity.get("steps") or []
    if not steps:
        return []
    limits = openloop.P95_BUDGET_MS
    lines = [
        "",
        "## Capacity of the realistic mix (open loop)",
        "",
        f"Each step: p95 ≤ {limits['public']} ms for public pages, ≤ {limits['dashboards']} ms for dashboards, "
        "0 errors. Achieved is the rate locust sent; under "
        f"{openloop.KEPT_SHARE:.0%} of the target the step says what limited it.",
        "",
        "| step | target req/s | achieved req/s | users | p95 public ms | p95 dashboards ms | errors | met "
        "| rate kept |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for step in steps:
        kept = "yes" if step["kept"] else f"no ({step['limited_by']} limited)"
        lines.append(
            f"| {step['step']} | {step['target_rps']:g} | {step['achieved_rps']:.1f} | {step['users']} "
            f"| {_ms(step['p95_public_ms'])} | {_ms(step['p95_dashboards_ms'])} | {step['errors']} "
            f"| {'met' if step['met'] else '**not met**'} | {kept} |"
        )
    floor = (report.get("floor") or {}).get("rps")
    lines.append("")
    if capacity.get("rps") is None:
        lines.append("Capacity: no step met the budget, not even the lowest.")
    else:
        ratio = capacity.get("ratio_to_trivial")
        lines.append(
            f"Capacity: **{capacity['rps']:.1f} req/s**"
            + (f", {ratio:.3f} × the trivial view's saturated throughput ({floor:.0f} req/s)" if ratio else "")
            + (
                "."
                if capacity.get("bounded")
                else "; a lower bound: the search stopped before a step missed the budget."
            )
        )
    if any(step["limited_by"] == "generator" for step in steps):
        lines.append("")
        lines.append(
            "Warning: at least one step was limited by the generator (locust), not the server: "
            "its figures say nothing about the server's capacity."
        )
    return lines


def _cold_lines(report: dict) -> list[str]:
    rows = report.get("cold") or []
    if not rows:
        return []
    lines = [
        "",
        "## Cold pages (cache flushed, each URL asked once, one at a time)",
        "",
        "Then the same URLs once more, warm. ÷ trivial: the page's one-at-a-time rate as a share of the "
        "trivial view's (its median time ÷ the page's cold median).",
        "",
        "| page | URLs | cold median ms | cold p95 ms | warm median ms | ÷ trivial |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ratio = "–" if row["ratio_to_trivial"] is None else f"{row['ratio_to_trivial']:.3f}"
        lines.append(
            f"| {row['page']} | {row['urls']} | {_ms(row['cold_median_ms'])} | {_ms(row['cold_p95_ms'])} "
            f"| {_ms(row['warm_median_ms'])} | {ratio} |"
        )
    return lines


def _pledge_lines(report: dict) -> list[str]:
    pledges = report.get("pledges") or {}
    if not pledges:
        return []
    lines = [
        "",
        "## Pledge POSTs (open loop)",
        "",
        f"Target {pledges['target_per_s']:g} POSTs a second for {pledges['duration_s']} s to {pledges['needs']} "
        f"needs sized to fill up during the phase ({pledges['users']} donors, each: give page, POST, payment "
        "page).",
        "",
        "| POSTs | POSTs/s | p95 POST ms | p95 public ms | made (302) | refused, need full (200) "
        "| in the database | lost | over-funded | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {pledges['posts']} | {pledges['posts_per_s']:.1f} | {_ms(pledges['p95_post_ms'])} "
        f"| {_ms(pledges['p95_public_ms'])} | {pledges['answered_made']} | {pledges['answered_refused']} "
        f"| {pledges['created']} | {pledges['lost']} | {len(pledges['over_funded'])} | {pledges['errors']} |",
    ]
    if not pledges["kept"]:
        lines += [
            "",
            "The phase did not keep its rate: "
            + (
                "locust's CPU was saturated (the generator, not the server, limited it)."
                if pledges.get("generator_cpu_bound")
                else "answers later than the pacing held the donors back (the server limited it)."
            ),
        ]
    return lines
