"""The open-loop phases of the benchmark: what load each step offers, and what a step's
statistics say.

Open loop: requests arrive at a set rate whether or not earlier ones have finished. A
closed loop (N users without think time) slows its own arrivals when the server is slow,
so its latencies measure queueing for the cores, not speed. Here each step plans many
more locust users than requests in flight, each pacing itself with `constant_pacing`:
a user starts a visit every `pacing` seconds, so a late answer delays only that user,
and only once the answer is later than the pacing (HEADROOM_S, far past any budget)
does the rate drop. Every user is spawned within a second or two and waits a random part
of its pacing before its first visit, so visits arrive evenly from the start, and the
statistics are reset once all are running. The runner then checks that the achieved
rate is the target's.

Pure functions over plain dicts, like report.py: unit-tested without a server.
"""

from math import ceil

from ops.bench import pages

# Budgets of an open-loop step: p95 per page class, and no error.
P95_BUDGET_MS = {"public": 150, "dashboards": 400}
CLASSES = {"public": pages.PUBLIC_PAGES, "dashboards": pages.DASHBOARDS}
# Shares of the arriving requests, by locust class (pages.OPEN_USERS): donors and
# visitors, the local office's and the province's officers, schools posting needs.
SHARES = {"OpenVisitor": 0.91, "OpenDistrictOfficer": 0.03, "OpenProvincialOfficer": 0.03, "OpenSchoolStaff": 0.03}
# A user paces its visits this far apart: an answer must be this late before arrivals slow.
HEADROOM_S = 5.0
# A step kept its rate when it achieved at least this share of the target.
KEPT_SHARE = 0.9


def _requests_per_visit(tasks: dict) -> float:
    weight = sum(tasks.values())
    return sum(w * pages.REQUESTS_PER_VISIT.get(task, 1) for task, w in tasks.items()) / weight


REQUESTS_PER_VISIT = {
    "OpenVisitor": _requests_per_visit(pages.VISITOR_TASKS),
    "OpenDistrictOfficer": 1.0,
    "OpenProvincialOfficer": 1.0,
    "OpenSchoolStaff": float(pages.REQUESTS_PER_VISIT[pages.post_need]),
    "PledgeDonor": float(pages.REQUESTS_PER_VISIT[pages.pledge]),
}


def plan(rate: float, shares: dict[str, float] | None = None, headroom: float = HEADROOM_S) -> dict[str, dict]:
    """Users and pacing of each class so that requests arrive at `rate` a second in all,
    split by `shares`: {class: {"users": n, "pacing": seconds between a user's visits}}."""
    shares = SHARES if shares is None else shares
    planned = {}
    for name, share in shares.items():
        visits = rate * share / REQUESTS_PER_VISIT[name]
        if visits <= 0:
            continue
        users = max(1, ceil(visits * headroom))
        planned[name] = {"users": users, "pacing": users / visits}
    return planned


def plan_pledges(posts_per_second: float, headroom: float = HEADROOM_S) -> dict[str, dict]:
    """The pledge phase: donors whose visits (give page, POST, payment page) arrive at
    `posts_per_second`."""
    return plan(posts_per_second * REQUESTS_PER_VISIT["PledgeDonor"], {"PledgeDonor": 1.0}, headroom)


def rates(start: float, factor: float, steps: int) -> list[float]:
    """The geometric steps of the capacity search."""
    return [round(start * factor**i, 2) for i in range(steps)]


def percentile(histogram: dict, share: float) -> float | None:
    """The percentile over {rounded ms: count} as locust computes it (the same figure its
    own statistics give for one page): the time at which, counting down from the
    slowest, no more than `share` of the requests remain."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = int(total * share)
    processed = 0
    for time in sorted(histogram, key=float, reverse=True):
        processed += histogram[time]
        if total - processed <= wanted:
            return float(time)
    return None


def class_histogram(summary: dict, names) -> dict[float, int]:
    """The response times of every entry whose name is one of `names`, merged."""
    merged: dict[float, int] = {}
    for entry in summary["entries"]:
        if entry["name"] in names:
            for time, count in (entry.get("response_times") or {}).items():
                merged[float(time)] = merged.get(float(time), 0) + count
    return merged


def step_result(target: float, summary: dict, *, generator_cpu_bound: bool = False) -> dict:
    """One step: achieved rate, p95 of each class, errors, whether the budget was met and
    whether the rate was kept; if not kept, what limited it: "generator" (locust could
    not keep up, or the server answered within budget and still fewer arrived) or
    "server" (answers later than the pacing held the users back)."""
    total = summary["total"]
    result = {"target_rps": target, "achieved_rps": round(total["rps"], 2), "requests": total["requests"]}
    result["errors"] = total["errors"]
    met = total["errors"] == 0 and total["requests"] > 0
    for name, kinds in CLASSES.items():
        histogram = class_histogram(summary, kinds)
        p95 = percentile(histogram, 0.95)
        result[f"p95_{name}_ms"] = p95
        result[f"{name}_requests"] = sum(histogram.values())
        # A class nobody asked for in the step is not within its budget: not measured.
        met = met and p95 is not None and p95 <= P95_BUDGET_MS[name]
    result["met"] = met
    kept = result["achieved_rps"] >= KEPT_SHARE * target
    result["kept"] = kept
    if generator_cpu_bound or (met and not kept):
        result["limited_by"] = "generator"
    elif not kept:
        result["limited_by"] = "server"
    else:
        result["limited_by"] = None
    return result


def capacity(steps: list[dict], floor_rps: float | None) -> dict:
    """The highest step that met the budget: its rate (the achieved one, what was served
    within budget) in req/s and as a share of the trivial view's saturated throughput.
    `bounded` says whether a higher step failed (else the search stopped before finding
    the limit, and the capacity is a lower bound)."""
    met = [step for step in steps if step["met"]]
    if not met:
        return {"rps": None, "target_rps": None, "ratio_to_trivial": None, "bounded": bool(steps)}
    best = max(met, key=lambda step: step["target_rps"])
    rps = min(best["achieved_rps"], best["target_rps"]) if best["kept"] else best["achieved_rps"]
    return {
        "rps": rps,
        "target_rps": best["target_rps"],
        "ratio_to_trivial": round(rps / floor_rps, 4) if floor_rps else None,
        "bounded": any(step["target_rps"] > best["target_rps"] and not step["met"] for step in steps),
        "generator_limited": best["limited_by"] == "generator",
    }


def pledge_targets(needs: list[dict], posts: float, fill_at: float = 0.8) -> list[dict]:
    """How much each gift of the pledge phase gives, per need ({"need", "room"}): `posts`
    gifts spread over the needs fill each one after `fill_at` of the phase, so the last
    gifts are refused and the over-funding race is run. Whole thousands of đồng."""
    if not needs:
        return []
    per_need = max(posts * fill_at / len(needs), 1)
    return [{"need": n["need"], "amount": max(1000, ceil(n["room"] / per_need / 1000) * 1000)} for n in needs]
