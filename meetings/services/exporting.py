"""Saved meetings written out in the archive's layout: the `.md` download, `archive.zip` and `export_minutes`."""

from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import default_storage

from ..format.actions import OpenActionLine
from ..format.choices import ItemKind
from ..format.reading import date_from_text
from ..format.source import carry_edits
from ..format.writing import minutes_markdown
from ..lib.control_chars import has_controls
from ..lib.uploads import replace_upload_urls
from ..models import Committee, Meeting
from ..queries.actions import open_actions

IMAGES_FOLDER = "images"  # beside a meeting's file in archive.zip, for the pictures uploaded into it


def meeting_to_markdown(meeting: Meeting, *, site_url: str = "") -> str:
    """A saved meeting's minutes as Markdown (the `.md` download).

    An imported meeting gives its file back: byte for byte if nobody edited it
    since, else the file with only the edited lines changed. With `site_url`,
    the links to pictures uploaded in the editor (site-relative, /media/uploads/…)
    are made absolute on it, so that the file shows them wherever it is read;
    nothing else changes.
    """
    current = structural_markdown(meeting)
    text = carry_edits(meeting.source, meeting.source_export, current) if meeting.source else current
    if site_url:
        text = replace_upload_urls(text, lambda name: _absolute(site_url, name))
    return text


def site_address(fallback: str) -> str:
    """The site's public address (PMC_SITE_URL), or `fallback` (the request's own) where it is not set."""
    return settings.PMC_SITE_URL or fallback


def site_link(path: str) -> str | None:
    """A link to `path` on the site from its public address (PMC_SITE_URL), or None where it is not set.

    For what leaves the site (e-mails, the git mirror's commits): never built from a request's Host.
    """
    return settings.PMC_SITE_URL.rstrip("/") + path if settings.PMC_SITE_URL else None


def _absolute(site_url: str, name: str) -> str:
    return urljoin(site_url.rstrip("/") + "/", default_storage.url(name))


def archive_files(meeting: Meeting, *, site_url: str) -> list[tuple[str, bytes]]:
    """(path, content) of the meeting's file in archive.zip and of the uploaded pictures it shows.

    The pictures go beside the file (images/<name>) and the file links them
    relatively, so that the unzipped archive renders offline, on GitHub or in
    any Markdown viewer. A picture no longer stored keeps an absolute link.
    """
    path = PurePosixPath(archive_path(meeting).as_posix())
    pictures: dict[str, str] = {}

    def beside(name: str) -> str:
        if not default_storage.exists(name):
            return _absolute(site_url, name)
        pictures[name] = f"{IMAGES_FOLDER}/{PurePosixPath(name).name}"
        return pictures[name]

    text = replace_upload_urls(meeting_to_markdown(meeting), beside)
    files = [(str(path), text.encode())]
    for name, relative in pictures.items():
        with default_storage.open(name, "rb") as picture:
            files.append((str(path.parent / relative), picture.read()))
    return files


def structural_markdown(meeting: Meeting, *, attendance: bool = True) -> str:
    """What the database holds of a meeting, written in the exporter's own layout (never from its source).

    Without `attendance`, attendees recorded on the site are left out: they are
    not the file's text, so the import's self-check and the base of edits leave them out.
    """
    items = list(meeting.items.all())
    return minutes_markdown(
        meeting.title,
        meeting.preamble,
        meeting.agenda_marker,
        items,
        meeting.reports.all(),
        meeting.roadmap_entries.all(),
        meeting.attendees.all() if attendance else (),
        open_action_lines(meeting) if any(item.kind == ItemKind.ACTIONS for item in items) else (),
    )


def open_action_lines(meeting: Meeting) -> list[OpenActionLine]:
    """The actions open when the meeting began, each with the last outcome recorded in it, as its minutes write them.

    A published meeting's are those agreed in published minutes only (queries/actions.open_actions).
    """
    lines = []
    for action in open_actions(meeting):
        last = action.outcomes_here[-1] if action.outcomes_here else None
        lines.append(
            OpenActionLine(
                owner=action.owner,
                text=action.text,
                origin=action.meeting.date,
                section=action.section,
                due=action.due,
                outcome=last.outcome if last else "",
                note=last.note if last else "",
            )
        )
    return lines


def archive_path(meeting: Meeting) -> Path:
    """Where a meeting's file stands in the archive: Committee/YYYY/YYYY-MM-DD-committee.md.

    An imported meeting keeps the name its file had (e.g. Extensions/2018/06-24-2018.md),
    so that the file goes back where it was; only a name that holds the
    meeting's date, so that two meetings never share one. A name that is not a
    plain one (hidden, a control character, a slash) gives way to the slug and
    the date, whatever the database holds: `.git` is the mirror's own repository.
    """
    committee = meeting.committee
    folder = archive_folder(committee)
    name = PurePosixPath(meeting.source_path).name
    if not (_plain_name(name) and name.endswith(".md") and date_from_text(name) == meeting.date):
        name = f"{meeting.date.isoformat()}-{committee.slug}.md"
    return Path(folder) / f"{meeting.date:%Y}" / name


def archive_folder(committee: Committee) -> str:
    """The committee's folder at the top of the archive: its name, else its slug, else its id.

    The slug where the name would lead elsewhere: a path, a hidden folder, a
    control character, or git's own folder (".git", ".GIT", ".git." all are to
    some file system or git).
    """
    folder = committee.name.strip()
    if _plain_name(folder) and not _is_git_folder(folder):
        return folder
    if _plain_name(committee.slug) and not _is_git_folder(committee.slug):
        return committee.slug
    return f"committee-{committee.pk}"  # a slug stored past Committee.save's check


def _is_git_folder(name: str) -> bool:
    # What git itself refuses as a path component on some file system (NTFS, HFS+): ".git" in any case,
    # with trailing dots or spaces, ignorable characters, or the short name "git~1".
    letters = "".join(char for char in name.lower() if char.isalnum() or char in ".~")
    return letters.rstrip(".") in (".git", "git~1")


def _plain_name(name: str) -> bool:
    """A name that stays one file or folder, visible, where it is written: no hidden name, no control character."""
    return bool(name) and not name.startswith(".") and not has_controls(name) and not any(c in name for c in "/\\")


def export_meetings(meetings, *, out_dir: Path) -> list[Path]:
    """Write each meeting under out_dir in the archive layout, as archive.zip holds it; the minutes files written.

    The pictures uploaded into a meeting go beside its file (images/), linked
    relatively, so that the folder renders anywhere, like the unzipped archive.
    """
    written = []
    meetings = meetings.select_related("committee").prefetch_related("items", "reports", "roadmap_entries", "attendees")
    for meeting in meetings:
        [(minutes, text), *pictures] = archive_files(meeting, site_url=settings.PMC_SITE_URL)
        for name, content in [(minutes, text), *pictures]:
            path = Path(out_dir) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)  # bytes as they are: CRLF, a BOM or a missing final newline stay
        written.append(Path(out_dir) / minutes)
    return written
