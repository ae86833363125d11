"""(i) A foundation's archive on PostgreSQL: 200 committees, 50,000 meetings (BENCH_SCALE), read cold.

The archive is built with bulk inserts (the search index by one INSERT … SELECT
per batch, its vectors computed by PostgreSQL), first to a tenth of the size,
then to the whole: at each size every page below is requested for many
committees, teams and meetings with an empty cache, and its p95 and queries
kept. Targets: p95 under 50 ms at the full size, and under 1.5x growth from a
tenth of it. BENCH_SCALE sets the full size (50000 by default) on a machine
where building it takes too long.
"""

import os
import random
import time
from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    BacklogReport,
    Committee,
    Horizon,
    Meeting,
    MeetingStatus,
    RoadmapEntry,
    Team,
)
from meetings.queries.search import CONFIG

from .data import TextPool, chair_sections
from .harness import check, note, percentile, verdict

SCALE = int(os.environ.get("BENCH_SCALE", "50000"))
COMMITTEES = 200
TEAMS = 8
LATEST = date(2024, 12, 3)
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "60"))  # requests a page, each for another committee or meeting
TARGET_MS = 50
TARGET_GROWTH = 1.5
WORDS = ("deployment", "release", "tests", "pipeline", "cf-deployment", "bosh", "certificate", "routing")
BATCH = 2000


def _committees() -> list[tuple[Committee, list[Team]]]:
    found = list(Committee.objects.filter(slug__startswith="foundation-").order_by("slug"))
    if not found:
        found = Committee.objects.bulk_create(
            Committee(name=f"Foundation {n:03}", slug=f"foundation-{n:03}") for n in range(COMMITTEES)
        )
        Team.objects.bulk_create(
            Team(committee=c, name=f"{c.name} Team {n}", slug=f"team-{n}", position=n, lead_names=f"Lead {n}")
            for c in found
            for n in range(TEAMS)
        )
    teams: dict[int, list[Team]] = {}
    for team in Team.objects.filter(committee__in=found).order_by("position"):
        teams.setdefault(team.committee_id, []).append(team)
    return [(c, teams[c.pk]) for c in found]


def grow(pool: TextPool, total: int) -> int:
    """Add meetings (each committee's older ones) until the foundation's committees hold `total`."""
    committees = _committees()
    have = Meeting.objects.filter(committee__in=[c for c, _ in committees]).count()
    for start in range(have, total, BATCH):
        _add(pool, committees, range(start, min(start + BATCH, total)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
    return total - have


def _add(pool: TextPool, committees, numbers: range) -> None:
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            committee=committees[n % COMMITTEES][0],
            date=(day := LATEST - timedelta(weeks=2 * (n // COMMITTEES))),
            title=f"{committees[n % COMMITTEES][0].name} PMC Meeting {day}",
            status=MeetingStatus.PUBLISHED,
            published_at=now,
        )
        for n in numbers
    )
    items, reports, entries = [], [], []
    for n, meeting in zip(numbers, meetings, strict=True):
        items += chair_sections(meeting, pool)
        for position, team in enumerate(committees[n % COMMITTEES][1]):
            body = "" if (n // COMMITTEES + position) % 5 == 0 else pool.report()  # one in five empty
            reports.append(
                BacklogReport(
                    meeting=meeting,
                    team=team,
                    position=position,
                    heading=f"### {team.name} - {team.lead_names}",
                    team_name=team.name,
                    leads=team.lead_names,
                    body=body,
                )
            )
        horizons = list(Horizon.values)
        entries += [
            RoadmapEntry(meeting=meeting, horizon=horizons[i % 4], position=i, text=pool.roadmap_line())
            for i in range(4)
        ]
    AgendaItem.objects.bulk_create(items, batch_size=BATCH)
    BacklogReport.objects.bulk_create(reports, batch_size=BATCH)
    RoadmapEntry.objects.bulk_create(entries, batch_size=BATCH)
    # The search index as reindex_meeting makes it (team reports and notes sections), computed by PostgreSQL.
    ids = [meeting.pk for meeting in meetings]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO meetings_searchdocument (meeting_id, team_id, anchor, section, text, vector) "
            "SELECT r.meeting_id, r.team_id, t.slug, r.team_name, r.body, "
            "setweight(to_tsvector(%s, r.team_name), 'A') || setweight(to_tsvector(%s, r.body), 'B') "
            "FROM meetings_backlogreport r JOIN meetings_team t ON t.id = r.team_id "
            "WHERE r.meeting_id = ANY(%s) AND r.body <> '' "
            "UNION ALL SELECT i.meeting_id, NULL, lower(i.title), i.title, i.body, "
            "setweight(to_tsvector(%s, i.title), 'A') || setweight(to_tsvector(%s, i.body), 'B') "
            "FROM meetings_agendaitem i WHERE i.meeting_id = ANY(%s) AND i.body <> ''",
            [CONFIG, CONFIG, ids, CONFIG, CONFIG, ids],
        )


def _urls(rng: random.Random) -> dict[str, list[str]]:
    """SAMPLES addresses of each page, spread over the committees, teams, meetings and words."""
    committees = list(Committee.objects.filter(slug__startswith="foundation-").values_list("slug", flat=True))
    meetings = list(
        Meeting.objects.filter(committee__slug__startswith="foundation-")
        .order_by("?")
        .values_list("committee__slug", "date")[:SAMPLES]
    )
    picks = [rng.choice(committees) for _ in range(SAMPLES)]
    teams = [f"team-{rng.randrange(TEAMS)}" for _ in range(SAMPLES)]
    urls = {
        "meeting page": [f"/{slug}/{day}/" for slug, day in meetings],
        "committee index": [f"/{slug}/" for slug in picks],
        "team timeline": [f"/{slug}/teams/{team}/" for slug, team in zip(picks, teams, strict=True)],
        "search": [f"/search/?q={WORDS[n % len(WORDS)]}" for n in range(SAMPLES)],
        "search, newest first": [f"/search/?q={WORDS[n % len(WORDS)]}&order=date" for n in range(SAMPLES)],
        "committee feed": [f"/{slug}/feed/" for slug in picks],
        "team feed": [f"/{slug}/teams/{team}/feed/" for slug, team in zip(picks, teams, strict=True)],
        "decisions feed": [f"/{slug}/decisions/feed/" for slug in picks],
    }
    for name, url in api_lists().items():
        urls[name] = [url.format(committee=slug) for slug in picks]
    return urls


def api_lists() -> dict[str, str]:
    """The API's list endpoints (/api/v1/, meetings/api/endpoints.py); {committee} is filled in per sample."""
    return {
        "API committees": "/api/v1/committees",
        "API meetings list": "/api/v1/committees/{committee}/meetings",
        "API teams": "/api/v1/committees/{committee}/teams",
        "API search": "/api/v1/search?q=shipped&committee={committee}",
    }


def measure(client: Client, urls: dict[str, list[str]]) -> dict[str, tuple[float, int, float, float]]:
    """(p95 ms, most queries, p95 ms of this process's CPU, p95 ms of the database) of each page, cache emptied.

    On a shared machine the wall time follows the load; the CPU time of the
    app and the database's own time for the queries (their sum, as Django
    times them) say what the page costs.
    """
    figures = {}
    for what, addresses in urls.items():
        check(client.get(addresses[0]).status_code == 200, addresses[0])  # templates loaded once
        times, cpu, database, queries = [], [], [], 0
        for url in addresses:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started, used = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - used)
            check(response.status_code == 200, (url, response.status_code))
            queries = max(queries, len(captured))
            database.append(sum(float(query["time"]) for query in captured.captured_queries))
        figures[what] = (
            percentile(times, 0.95) * 1000,
            queries,
            percentile(cpu, 0.95) * 1000,
            percentile(database, 0.95) * 1000,
        )
    return figures


def explain(client: Client, url: str) -> tuple[float, str]:
    """The database's own time for one request's queries (EXPLAIN ANALYZE, summed) and the slowest plan's top."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    total, slowest = 0.0, (0.0, "")
    for query in captured.captured_queries:
        if not query["sql"].startswith("SELECT"):
            continue  # a feed's server-side cursor (DECLARE) is explained by its SELECT elsewhere
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
        spent = float(plan[-1].split(":")[1].split()[0])
        total += spent
        slowest = max(slowest, (spent, " | ".join(line.strip() for line in plan[:4])))
    return total, slowest[1]


def foundation() -> None:
    if connection.vendor != "postgresql":
        note("foundation: skipped, PostgreSQL only (the bench database is SQLite)")
        return
    started = time.perf_counter()
    pool = TextPool()
    client = Client()
    rng = random.Random(20)  # noqa: S311 (which pages to ask for, not a secret)
    sizes = (SCALE // 10, SCALE)
    results = {}
    for size in sizes:
        built, cpu = time.perf_counter(), time.process_time()
        grow(pool, size)
        note(
            f"{size} meetings over {COMMITTEES} committees ready in {time.perf_counter() - built:.0f} s "
            f"({time.process_time() - cpu:.0f} s CPU here); load average {os.getloadavg()[0]:.1f}"
        )
        results[size] = measure(client, _urls(rng))
        for what, (p95, queries, cpu, database) in results[size].items():
            note(
                f"{size:>6} meetings  {what:22} p95 {p95:6.1f} ms  {queries} queries; "
                f"p95 app CPU {cpu:5.1f} ms, database {database:5.1f} ms; load {os.getloadavg()[0]:.1f}"
            )
        urls = _urls(random.Random(size))  # noqa: S311 (which pages, not a secret)
        for what, addresses in urls.items():
            spent, plan = explain(client, addresses[0])
            note(f"{size:>6} meetings  {what:22} EXPLAIN ANALYZE {spent:6.1f} ms; slowest: {plan[:300]}")
    small, large = sizes
    for what, (p95, queries, cpu, database) in results[large].items():
        figure = f"p95 {p95:.1f} ms ({cpu:.0f} CPU + {database:.0f} db), {queries} q"
        verdict(f"{what}, {large} meetings", figure, f"< {TARGET_MS} ms", p95 < TARGET_MS)
        growth = p95 / results[small][what][0]
        # The work's own growth, less the load's: app CPU plus database time.
        work = (cpu + database) / (results[small][what][2] + results[small][what][3])
        verdict(
            f"{what}, growth {small} -> {large}",
            f"{growth:.2f}x ({results[small][what][0]:.1f} -> {p95:.1f} ms); work {work:.2f}x",
            f"< {TARGET_GROWTH}x",
            growth < TARGET_GROWTH,
        )
        if queries != results[small][what][1]:
            note(f"{what}: {results[small][what][1]} queries at {small} meetings, {queries} at {large}")
    note(f"foundation section took {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}")
