"""Check that importing a minutes file and exporting it again gives the file back.

Only whitespace may differ (trailing spaces, runs of blank lines, the final
newline): every non-blank line must come back, in its order, unchanged.

The export compared is the `.md` download's, which gives an imported file back
from the text it keeps: "identical" says the kept text and the carrying of
edits work. That the rows hold every line is the import's own self-check
(importing.self_check), which compares the file with the export built from the
rows alone; a file it refuses is reported here as different.
"""

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ..format.reading import ParseError, decode
from ..format.source import source_text
from .exporting import meeting_to_markdown
from .importing import Outcome, import_data, minutes_files, read_minutes_file

IDENTICAL = "identical"
WHITESPACE_ONLY = "whitespace-only"
DIFFERENT = "different"
SKIPPED = "skipped"


@dataclass
class Check:
    path: Path
    verdict: str
    details: list[str] = field(default_factory=list)


def compare(original: str, exported: str) -> Check:
    def meaningful(text: str) -> list[str]:
        return [line.rstrip() for line in text.split("\n") if line.strip()]

    if original == exported:
        return Check(Path(), IDENTICAL)
    before, after = meaningful(original), meaningful(exported)
    if before == after:
        return Check(Path(), WHITESPACE_ONLY)
    diff = difflib.unified_diff(before, after, "file", "export", n=0, lineterm="")
    return Check(Path(), DIFFERENT, [line for line in list(diff)[2:] if not line.startswith("@@")][:6])


def check_file(path: Path, committee: str) -> Check:
    """Import the file in a transaction that is rolled back, and compare its export."""
    try:
        data = read_minutes_file(Path(path))  # as the import reads it: never through a link
        decode(data)  # refuses what the import would refuse, before anything is compared
        original = source_text(data)  # byte for byte: BOM, CRLF, trailing spaces and the final newline count
    except (OSError, ParseError) as error:
        return Check(path, SKIPPED, [str(error)])
    with transaction.atomic():
        result = import_data(data, Path(path), committee)
        exported = meeting_to_markdown(result.meeting) if result.meeting else None
        transaction.set_rollback(True)
    if exported is None:
        return Check(path, SKIPPED if result.outcome == Outcome.SKIPPED else DIFFERENT, [result.message])
    check = compare(original, exported)
    check.path = path
    return check


def check_paths(paths, committee: str | None = None) -> list[Check]:
    return [check_file(file, committee or folder) for file, folder in minutes_files(paths)]
