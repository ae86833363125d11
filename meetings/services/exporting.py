"""Saved meetings written out in the archive's layout: the `.md` download and `export_minutes`."""

from pathlib import Path

from ..format.writing import minutes_markdown
from ..models import Meeting


def meeting_to_markdown(meeting: Meeting) -> str:
    """A saved meeting's minutes as Markdown (the `.md` download)."""
    return minutes_markdown(
        meeting.title,
        meeting.preamble,
        meeting.agenda_marker,
        meeting.items.all(),
        meeting.reports.all(),
        meeting.roadmap_entries.all(),
        meeting.attendees.all(),
    )


def archive_path(meeting: Meeting) -> Path:
    """Where a meeting's file stands in the archive: Committee/YYYY/YYYY-MM-DD-committee.md."""
    committee = meeting.committee
    folder = committee.name.strip()
    if folder in ("", ".", "..") or any(char in folder for char in "/\\\0"):
        folder = committee.slug  # a name that is not a plain folder name must not lead elsewhere
    return Path(folder) / f"{meeting.date:%Y}" / f"{meeting.date.isoformat()}-{committee.slug}.md"


def export_meetings(meetings, *, out_dir: Path) -> list[Path]:
    """Write each meeting under out_dir in the archive layout; the paths written."""
    written = []
    meetings = meetings.select_related("committee").prefetch_related("items", "reports", "roadmap_entries", "attendees")
    for meeting in meetings:
        path = Path(out_dir) / archive_path(meeting)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(meeting_to_markdown(meeting), encoding="utf-8", newline="\n")
        written.append(path)
    return written
