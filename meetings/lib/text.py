"""Text the site can store: what a database, a UTF-8 page, a PDF and an e-mail can all hold."""

import re

# A lone UTF-16 surrogate. JSON may spell one ("\ud800") and a request's declared charset (UTF-7's "+2AA-") may
# decode to one; no UTF-8 encoder writes it, so storing or rendering it fails. A str never holds a valid pair
# as two surrogates: decoding joins them into one character.
_SURROGATE = re.compile(r"[\ud800-\udfff]")

UNSTORABLE = "This text holds a character that cannot be stored (half of a UTF-16 surrogate pair); retype it."


def is_storable(text: str) -> bool:
    return _SURROGATE.search(text) is None


def storable(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD (�): to show back what was refused, never to store."""
    return _SURROGATE.sub("\ufffd", text)
