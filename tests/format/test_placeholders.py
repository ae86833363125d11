"""The one rule for “this section holds only template text”: the usual placeholders and the committee's lines."""

import pytest

from meetings.format.placeholders import is_placeholder, placeholder_lines, written_from_start


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n\n",
        "[add here]",
        "[Add updates here]",
        "TBD",
        "tbd\n",
        "N/A",
        "n/a",
        "NA",
        "-",
        "- TBD",
        "* [add here]",
    ],
)
def test_blank_and_usual_placeholders_are_not_a_report(text):
    assert is_placeholder(text)


@pytest.mark.parametrize(
    "text",
    ["TBD: the stemcell bump", "- Shipped", "N/A for us, but see below", "[add here]\n- Shipped", "--", "None"],
)
def test_any_other_text_is_a_report(text):
    assert not is_placeholder(text)


def test_the_committees_lines_count_as_placeholders_whatever_their_spacing_and_case():
    lines = placeholder_lines("- Updates:\n\n  Risks / blockers:  \r\n")

    assert lines == {"- updates:", "risks / blockers:"}
    assert is_placeholder("- Updates:\n-  updates:\nRISKS /  blockers:\n[add here]", lines)
    assert not is_placeholder("- Updates:\n  - shipped the CLI", lines)
    assert not is_placeholder("- Updates:")  # without the setting, the line is text


def test_the_start_of_a_long_text_decides_only_with_whole_lines():
    lines = placeholder_lines("- Updates:")
    assert written_from_start("- Shipped\n- a", 500, lines) is True
    assert written_from_start("- Updates:\n[add he", 500, lines) is None  # the cut line may be a placeholder
    assert written_from_start("- Updates:\n", 11, lines) is False
