"""Template text that is not a report: the one rule for “is this section only placeholders?”.

A section holding “[add here]”, “TBD”, “N/A” or a lone “-” (in a list or not),
or only lines the committee lists as its template's, counts as unwritten
wherever sections are counted: “N of M teams reported”, readiness, timelines,
feeds and the search index. Whitespace and case never make a line another one.
"""

import re

# Possessive repeats: a line of spaces then a word must not be retried at each split of its spaces (see parsing.py).
_PLACEHOLDER = re.compile(r"\s*+(?:[-*+](?=\s|$)\s*+)?+(?:\[add[^\]]*+\]|tbd|n/?a|-)?+\s*+", re.IGNORECASE)


def _key(line: str) -> str:
    return " ".join(line.split()).casefold()


def placeholder_lines(setting: str) -> frozenset[str]:
    """The committee's own placeholder lines (its setting, one a line), ready for `is_placeholder`."""
    return frozenset(key for key in map(_key, setting.splitlines()) if key)


def is_placeholder_line(line: str, lines: frozenset[str] = frozenset()) -> bool:
    return bool(_PLACEHOLDER.fullmatch(line)) or _key(line) in lines


def is_placeholder(text: str, lines: frozenset[str] = frozenset()) -> bool:
    """Whether the text holds nothing but blank lines and placeholders (the usual ones and the committee's)."""
    return all(is_placeholder_line(line, lines) for line in text.split("\n"))


def written_from_start(start: str, length: int, lines: frozenset[str] = frozenset()) -> bool | None:
    """Whether a text is written, judged from its first characters `start` of `length`; None if they cannot tell.

    The last line of a cut text may be cut inside a placeholder, so only its whole lines count.
    """
    if len(start) >= length:
        return not is_placeholder(start, lines)
    whole = start.rpartition("\n")[0]
    if not is_placeholder(whole, lines):
        return True
    return None
