"""The roadmap page: the latest published roadmap, and for each entry when it first appeared,
how it moved between horizons and when it left."""

import re
from datetime import date

import pytest

from meetings.format.reading import ParsedEntry
from meetings.models import Horizon, Meeting
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.html_tree import Element, markdown_text
from tests.support.public_archive import corpus_fixture, corpus_roadmaps, page_of

imported_corpus = corpus_fixture()
ROADMAP_URL = "/runtime/roadmap/"
LABELS = dict(Horizon.choices)


def same_entry(text: str) -> str:
    """What makes two lines of roadmaps one entry: the words, whatever the case, spacing, emphasis or the
    parenthesis that ends it (its teams, or a note such as “(awaiting CLI build)”)."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text)
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


def horizon_in(entries: dict[str, str], text: str) -> str | None:
    return next((horizon for other, horizon in entries.items() if same_entry(other) == same_entry(text)), None)


def stints_in_files(text: str) -> list[tuple[list[str], str | None]]:
    """Each time the entry was on the corpus roadmaps: its stages (“Next 2017-10-03”) and the date it left."""
    stints: list[tuple[list[str], str | None]] = []
    on, previous = False, None
    for day, entries in corpus_roadmaps().items():
        horizon = horizon_in(entries, text)
        if horizon is None:
            if on:
                stints[-1] = (stints[-1][0], day.isoformat())
            on, previous = False, None
            continue
        if not on:
            stints.append(([], None))
        if horizon != previous:
            stints[-1][0].append(f"{LABELS[horizon]} {day.isoformat()}")
        on, previous = True, horizon
    return stints


def history_on(page: Element) -> dict[str, list[tuple[list[str], str | None]]]:
    """Each entry's stints as the page shows them, the one still on the roadmap last, the others oldest first."""
    stints: dict[str, list[tuple[list[str], str | None]]] = {}
    gone = page.find(id_="gone-title")
    rows = gone.parent.find_all("tr", class_="roadmap-line") if gone else []
    for row in reversed(rows):
        text_cell, stages, left = row.find_all("td")
        stints.setdefault(text_cell.text, []).append(([s.text for s in stages.find_all(class_="stage")], left.text))
    for label, line in current_on(page):
        text = line.text.split(" — ")[0]
        stages = [s.text for s in line.find_all(class_="stage")]
        since = line.find("time").attrs["datetime"]
        stints.setdefault(text, []).append((stages or [f"{label} {since}"], None))
    return stints


def current_on(page: Element) -> list[tuple[str, Element]]:
    """(horizon label, line) of each entry in the page's “Now” section, in order."""
    lines, label = [], None
    for element in page.by_id("current-title").parent.elements:
        if element.tag == "h3":
            label = element.text
        elif element.tag == "ul":
            lines += [(label, li) for li in element.find_all("li", class_="roadmap-line")]
    return lines


@pytest.mark.usefixtures("imported_corpus", "db")
class TestOnTheCorpus:
    def test_an_entry_that_moved_between_horizons_then_left(self, client):
        history = history_on(page_of(client, ROADMAP_URL))
        assert history["Droplet upload with cf CLI"] == [
            (["Next 2017-10-03", "Soon 2017-11-28", "Next 2017-12-13"], "2018-03-06")
        ]
        assert history["Droplet upload with cf CLI"] == stints_in_files("Droplet upload with cf CLI")

    @pytest.mark.parametrize(
        "text",
        [
            "Sharing service instances across orgs and spaces (Services API)",
            "Service instance sharing",  # left, and came back for a while
            "Container networking exposed in [cf CLI](https://github.com/cloudfoundry/cli/releases/tag/v6.30.0)",
            "Zero-downtime app updates (CAPI, Diego)",  # on every roadmap, always Next
            "Ensure route integrity via instance-identity credentials (Diego, Routing, Garden)",  # Garden joined
        ],
    )
    def test_histories_follow_the_corpus_tables(self, client, text):
        expected = stints_in_files(text)
        assert expected, f"{text!r} is not on any roadmap of the corpus"
        assert history_on(page_of(client, ROADMAP_URL))[markdown_text(text)] == expected

    def test_an_entry_that_came_back_keeps_its_first_stint(self, client):
        assert history_on(page_of(client, ROADMAP_URL))["Service instance sharing"] == [
            (["Soon 2017-10-03"], "2018-01-23"),
            (["Soon 2018-02-07"], "2018-02-20"),
        ]

    def test_now_is_the_latest_roadmap_in_its_order_with_when_each_entry_arrived(self, client):
        roadmaps = corpus_roadmaps()
        latest_day = max(roadmaps)
        latest = roadmaps[latest_day]
        expected = []
        for text, horizon in sorted(latest.items(), key=lambda item: list(LABELS).index(item[1])):
            since = latest_day
            for day in sorted(roadmaps, reverse=True):
                if horizon_in(roadmaps[day], text) is None:
                    break
                since = day
            expected.append((LABELS[horizon], markdown_text(text), since.isoformat()))
        shown = [
            (label, line.text.split(" — ")[0], line.find("time").attrs["datetime"])
            for label, line in current_on(page_of(client, ROADMAP_URL))
        ]
        assert shown == expected

    def test_the_committee_page_links_to_the_roadmap(self, client):
        links = [a.attrs["href"] for a in page_of(client, "/runtime/").find_all("a")]
        assert ROADMAP_URL in links


def publish_with_roadmap(committee, day: date, entries: list[tuple[str, str]], *, publish: bool = True) -> Meeting:
    meeting = create_meeting(committee, day=day)
    meeting.set_roadmap(
        [
            ParsedEntry(horizon=horizon, text=text, team_names=["Diego"] if "Diego" in text else [])
            for horizon, text in entries
        ]
    )
    if publish:
        publish_meeting(meeting)
    return meeting


def test_drafts_do_not_count(people, client):
    publish_with_roadmap(people["runtime"], date(2018, 1, 2), [(Horizon.NEXT, "Rootless containers")])
    publish_with_roadmap(people["runtime"], date(2018, 1, 16), [(Horizon.SOON, "Rootless containers")], publish=False)
    history = history_on(page_of(client, ROADMAP_URL))
    assert history == {"Rootless containers": [(["Next 2018-01-02"], None)]}


def test_meetings_without_a_roadmap_do_not_make_entries_leave(people, client):
    publish_with_roadmap(people["runtime"], date(2018, 1, 2), [(Horizon.NEXT, "Rootless containers")])
    publish_with_roadmap(people["runtime"], date(2018, 1, 16), [])
    publish_with_roadmap(people["runtime"], date(2018, 1, 30), [(Horizon.SOON, "Rootless containers")])
    history = history_on(page_of(client, ROADMAP_URL))
    assert history == {"Rootless containers": [(["Next 2018-01-02", "Soon 2018-01-30"], None)]}


def test_a_changed_team_list_or_emphasis_is_the_same_entry(people, client):
    publish_with_roadmap(people["runtime"], date(2018, 1, 2), [(Horizon.NEXT, "Rootless containers (Garden)")])
    publish_with_roadmap(
        people["runtime"], date(2018, 1, 16), [(Horizon.SOON, "*Rootless  containers* (Garden, Diego)")]
    )
    history = history_on(page_of(client, ROADMAP_URL))
    assert history == {"Rootless containers (Garden, Diego)": [(["Next 2018-01-02", "Soon 2018-01-16"], None)]}


def test_entries_now_keep_the_order_of_the_latest_roadmap(people, client):
    publish_with_roadmap(people["runtime"], date(2018, 1, 2), [(Horizon.SOON, "Alpha"), (Horizon.SOON, "Beta")])
    publish_with_roadmap(
        people["runtime"], date(2018, 1, 16), [(Horizon.SOON, "Gamma"), (Horizon.SOON, "Beta"), (Horizon.SOON, "Alpha")]
    )
    shown = [(label, line.text.split(" — ")[0]) for label, line in current_on(page_of(client, ROADMAP_URL))]
    assert shown == [("Soon", "Gamma"), ("Soon", "Beta"), ("Soon", "Alpha")]


def test_entries_that_left_most_recent_first(people, client):
    committee = people["runtime"]
    publish_with_roadmap(committee, date(2018, 1, 2), [(Horizon.SOON, "Alpha"), (Horizon.SOON, "Beta")])
    publish_with_roadmap(committee, date(2018, 1, 16), [(Horizon.SOON, "Beta")])
    publish_with_roadmap(committee, date(2018, 1, 30), [(Horizon.RECENTLY_COMPLETED, "Gamma")])
    rows = page_of(client, ROADMAP_URL).by_id("gone-title").parent.find_all("tr", class_="roadmap-line")
    assert [(row.find("td").text, row.find("time").attrs["datetime"]) for row in rows] == [
        ("Beta", "2018-01-30"),
        ("Alpha", "2018-01-16"),
    ]


def test_no_published_roadmap_says_so(people, client):
    page = page_of(client, ROADMAP_URL)
    assert page.by_id("current-title").parent.find("p", class_="empty").text == "No roadmap in the published minutes."
    assert client.get("/no-such-committee/roadmap/").status_code == 404
