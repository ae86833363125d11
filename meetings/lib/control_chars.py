"""Characters data must never put on a terminal or in a file name: controls, bidi overrides, separators.

What a repository or an archive holds is data: an author's name, a commit's
message, a file's path may carry an escape sequence (ESC [ … which a terminal
obeys), a carriage return that redraws a line, a newline that fakes one, or a
right-to-left override that shows a name backwards. Those are Unicode's
control (Cc: C0, DEL, C1), format (Cf: bidi overrides, zero-width marks),
line and paragraph separator (Zl, Zp) characters, and the surrogates a
name that is not UTF-8 is read into (Cs).
"""

import unicodedata

_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
REPLACEMENT = "\ufffd"


def is_control(char: str) -> bool:
    return unicodedata.category(char) in _CATEGORIES


def has_controls(text: str) -> bool:
    return any(map(is_control, text))


def escaped(char: str) -> str:
    """One character as Python writes it in a string: \\x1b, \\n, \\u202e."""
    code = ord(char)
    if code < 0x100:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escape_controls(text: str) -> str:
    """The text with each such character written as its escape, for a terminal; the rest as it is."""
    return "".join(escaped(char) if is_control(char) else char for char in text)


def replace_controls(text: str, *, keep: str = "") -> str:
    """The text with each such character, except those in `keep`, replaced by U+FFFD (�)."""
    return "".join(REPLACEMENT if is_control(char) and char not in keep else char for char in text)


def controls_in(text: str) -> str:
    """The distinct such characters of the text, escaped, for a message: “\\x1b, \\n”."""
    return ", ".join(escaped(char) for char in dict.fromkeys(filter(is_control, text)))
