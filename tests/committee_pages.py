"""Helpers for the tests of the chair's committee pages: forms read as a browser sends them, table rows by team."""

from .html_tree import Element, parse_html


def browser_form(response, action: str | None = None) -> dict[str, str | list[str]]:
    """The fields of one form of the page as a browser would submit it untouched.

    The form is the page's own (no `action` attribute) or, with `action`, the one
    whose hidden `action` input has that value. Unticked boxes are left out,
    a select sends its selected options (its first one if none is), and fields
    of the same name (ticked boxes) come as a list.
    """
    forms = parse_html(response.content.decode()).find_all("form")
    if action is None:
        chosen = [form for form in forms if not form.attrs.get("action")]
    else:
        chosen = [form for form in forms if form.find("input", name="action", value=action) is not None]
    assert len(chosen) == 1, f"expected one such form, found {len(chosen)}"
    data: dict[str, list[str]] = {}
    for element in chosen[0].iter():
        name = element.attrs.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = element.attrs.get("type", "text")
            if kind in {"submit", "button"} or (kind in {"checkbox", "radio"} and "checked" not in element.attrs):
                continue
            default = "on" if kind in {"checkbox", "radio"} else ""
            data.setdefault(name, []).append(element.attrs.get("value", default))
        elif element.tag == "textarea":
            data.setdefault(name, []).append(element._raw_text().removeprefix("\n"))
        elif element.tag == "select":
            options = element.find_all("option")
            selected = [option for option in options if "selected" in option.attrs] or options[:1]
            data.setdefault(name, []).extend(option.attrs.get("value", option.text) for option in selected)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def form_errors(response) -> list[str]:
    """The error messages a page shows, as text."""
    return [element.text for element in parse_html(response.content.decode()).find_all(class_="form-errors")]


def roster_rows(response) -> dict[str, Element]:
    """The rows of the roster's table of teams, by team name."""
    table = parse_html(response.content.decode()).find("table", class_="roster")
    assert table is not None, "expected the roster's table"
    return {row.find("th").text: row for row in table.find("tbody").find_all("tr")}


def cells(row: Element) -> list[str]:
    return [cell.text for cell in row.find_all("td")]
