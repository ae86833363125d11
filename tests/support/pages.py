"""Pages read as a browser reads them: the fields of a form, the options of a select, diff rows, history links,
error messages and table rows."""

import io
import re

from pypdf import PdfReader

from tests.support.html_tree import Element, parse_html


def field_types(response) -> dict[str, str]:
    """The type of each field of the page's own form: "hidden", "text", "textarea", "select", ..."""
    [form] = [form for form in _forms(response) if not form.attrs.get("action")]
    types = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if name and element.tag == "input" and element.attrs.get("type") not in {"submit", "button"}:
            types[name] = element.attrs.get("type", "text")
        elif name and element.tag in {"textarea", "select"}:
            types[name] = element.tag
    return types


def _forms(response) -> list[Element]:
    return parse_html(response.content.decode()).find_all("form")


def select_options(response, name: str) -> set[str]:
    """The values a <select> of the page offers, the empty choice left out."""
    select = next(e for e in parse_html(response.content.decode()).find_all("select") if e.attrs["name"] == name)
    return {option.attrs.get("value", "") for option in select.find_all("option")} - {""}


def diff_rows(html: str | Element) -> list[tuple[str, str, list[str], list[str]]]:
    """Each line of the first diff on the page: (sign, whole text, inserted pieces, deleted pieces)."""
    tree = parse_html(html) if isinstance(html, str) else html
    diff = tree.find("div", class_="diff")
    assert diff is not None, "expected a diff on the page"
    rows = []
    for line in diff.find_all("div", class_="diff-line"):
        sign = line.find("span", class_="diff-sign")
        rows.append(
            (
                sign.text if sign else "",
                line.text.removeprefix(sign.text if sign else "").strip(),
                [ins.text for ins in line.find_all("ins")],
                [deleted.text for deleted in line.find_all("del")],
            )
        )
    return rows


def revision_links(response) -> list[int]:
    """Ids of the revisions a history page links to, in the page's order."""
    tree = parse_html(response.content.decode())
    table = tree.find("table", class_="history")
    if table is None:
        return []
    ids = []
    for link in table.find_all("a"):
        parts = link.attrs["href"].rstrip("/").split("/")
        if parts[-2] == "history" and parts[-1].isdigit():
            ids.append(int(parts[-1]))
    return ids


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
    """The rows of the roster's tables of teams (the current ones, then the retired ones), by team name."""
    tables = parse_html(response.content.decode()).find_all("table", class_="roster")
    assert tables, "expected the roster's table"
    return {row.find("th").text: row for table in tables for row in table.find("tbody").find_all("tr")}


def cells(row: Element) -> list[str]:
    return [cell.text for cell in row.find_all("td")]


EDIT_LINK = re.compile(r'href="(/[^"]*/reports/[^"/]+/edit/)(?:\?[^"]*)?"')  # a `next` back to the page may follow


def edit_links(response) -> set[str]:
    """The report edit pages a page links to."""
    return set(EDIT_LINK.findall(response.content.decode()))


def pdf_text(response) -> str:
    """The text of a PDF response, runs of whitespace made one space."""
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
