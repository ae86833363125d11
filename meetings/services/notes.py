"""Private notes in a section of the minutes: for the committee's chairs and leads only.

A note is not the minutes' text: saving it records no revision (the history
of published minutes is public), does not touch the search index, and owes
the git mirror nothing. The exports and the pages for readers never read it.
"""

from ..models import AgendaItem, BacklogReport


def save_private_note(section: AgendaItem | BacklogReport, *, note: str) -> None:
    """Store the note of a report or a chair's section, alone: nothing else of the row changes."""
    type(section).objects.filter(pk=section.pk).update(private_note=note)
    section.private_note = note
