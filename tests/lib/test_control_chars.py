"""What data may not put on a terminal or in a file name is escaped or replaced, and nothing else changes."""

import pytest

from meetings.lib.control_chars import controls_in, escape_controls, has_controls, replace_controls

HOSTILE = ["\x1b", "\r", "\n", "\t", "\x07", "\x7f", "\x9b", "\u202e", "\u2066", "\u200f", "\u2028", "\udcff"]


@pytest.mark.parametrize("char", HOSTILE)
def test_every_control_bidi_separator_or_undecodable_character_is_caught(char):
    text = f"Run{char}time"

    assert has_controls(text)
    assert not has_controls(escape_controls(text))
    assert replace_controls(text) == "Run\ufffdtime"


def test_printable_text_of_any_script_is_left_alone():
    text = "Zoë Ørsted 数据 <zoe@example.org> – “quoted” 🙂"

    assert not has_controls(text)
    assert escape_controls(text) == replace_controls(text) == text


def test_escapes_read_as_python_writes_them():
    assert escape_controls("a\x1b[31mb\nc\u202ed") == "a\\x1b[31mb\\nc\\u202ed"
    assert controls_in("\x1b[2J\x1b\n") == "\\x1b, \\n"
    assert replace_controls("line one\nline\ttwo\x1b", keep="\n") == "line one\nline\ufffdtwo\ufffd"
