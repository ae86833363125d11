"""The roadmap outline a chair edits: read back into entries, or refused with the line at fault."""

import pytest

from meetings.format.outline import OutlineError, entries_to_text, text_to_entries
from meetings.models import Horizon

OUTLINE = """## Recently Completed
- Fetching service instances (Services API)
## Soon
**cf-deployment GA:**
- Start of deprecation period for cf-release
* Server side app manifest (CAPI, CLI)
"""


def test_outline_becomes_entries_in_their_horizons_with_team_names():
    entries = text_to_entries(OUTLINE)
    texts = [(e.horizon, e.text, e.is_heading) for e in entries if not e.is_spacer]
    assert texts == [
        (Horizon.RECENTLY_COMPLETED, "Fetching service instances (Services API)", False),
        (Horizon.SOON, "**cf-deployment GA:**", True),
        (Horizon.SOON, "Start of deprecation period for cf-release", False),
        (Horizon.SOON, "Server side app manifest (CAPI, CLI)", False),
    ]
    assert [e for e in entries if not e.is_spacer][-1].team_names == ["CAPI", "CLI"]


def test_outline_round_trips_through_entries():
    text = entries_to_text(text_to_entries(OUTLINE))
    assert text_to_entries(text) == text_to_entries(OUTLINE)


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        ("- an entry before any horizon", "Line 1: start with a horizon heading"),
        ("## Someday\n- x", "“Someday” is not a horizon"),
        ("## Soon\n- a\n## Soon\n- b", "Line 3: “Soon” comes twice"),
        ("## Next\n- a\n## Soon\n- b", "Line 3: “Soon” is out of order"),
    ],
)
def test_bad_outline_is_refused_naming_the_line(outline, message):
    with pytest.raises(OutlineError) as refused:
        text_to_entries(outline)
    assert any(message in text for text in refused.value.messages)
