"""(c) The community's pages at 200 and at 2,000 meetings: the archive, a team timeline, a search."""

import statistics
import time

from django.test import Client

from .data import SCALE_COMMITTEES, TextPool, grow_archive
from .harness import CORPUS, RUNS, check, median_ms, note, timed, verdict

SIZES = (200, 2000)
COMMITTEE = SCALE_COMMITTEES[0].lower().replace(" ", "-")
PAGES = {
    "archive page": f"/{COMMITTEE}/",
    "team timeline": f"/{COMMITTEE}/teams/team-3/",
    "search": "/search/?q=deployment",
}


def scale() -> None:
    if not CORPUS.is_dir():
        note(f"scale: skipped, no corpus at {CORPUS}")
        return
    started = time.perf_counter()
    pool = TextPool()
    note(f"text pool: {len(pool.reports)} reports, {len(pool.notes)} notes, {len(pool.roadmap)} roadmap lines")
    client = Client()
    medians: dict[tuple[str, int], float] = {}
    for size in SIZES:
        grown = time.perf_counter()
        grow_archive(pool, size)
        note(f"{size} meetings over {len(SCALE_COMMITTEES)} committees ready in {time.perf_counter() - grown:.1f} s")
        for what, url in PAGES.items():
            check(client.get(url).status_code == 200, url)  # warm: templates, connection
            medians[what, size] = statistics.median(timed(lambda url=url: client.get(url), runs=max(RUNS, 10)))
    small, large = SIZES
    for what in PAGES:
        at_large = medians[what, large] * 1000
        verdict(f"{what}, {large} meetings", f"median {at_large:.1f} ms", "< 50 ms", at_large < 50)
        growth = medians[what, large] / medians[what, small]
        verdict(
            f"{what}, growth {small} -> {large}",
            f"{growth:.2f}x ({median_ms([medians[what, small]]):.1f} -> {at_large:.1f} ms)",
            "< 2x",
            growth < 2,
        )
    note(f"scale section took {time.perf_counter() - started:.0f} s")
