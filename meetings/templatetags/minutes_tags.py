"""Template filters and tags of the minutes pages."""

import re
from datetime import UTC

from django import template
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .. import permissions
from ..format.actions import with_owner_names
from ..format.reading import hidden_lines
from ..lib.rendering import plain_text, render_inline, render_markdown
from ..lib.scheduling import days_in_words
from ..models import NAMELESS, member_name
from ..queries.actions import owner_names

register = template.Library()

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@register.filter
def from_today(day) -> str:
    """The day in words from the site's today: "in 3 days", "today", "2 days ago"."""
    return days_in_words(day, timezone.localdate())


@register.filter
def html_datetime(moment) -> str:
    """A moment as HTML's <time datetime> takes it: UTC, to the second.

    Django's "c" format adds microseconds, which HTML does not allow (three digits at most).
    """
    if not moment:
        return ""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@register.filter
def markdown(text: str):
    """Render Markdown as sanitised HTML (the same function as the editor's preview)."""
    return render_markdown(text)


@register.filter
def owners_named(text: str, meeting) -> str:
    """A text of the minutes with its action lines' owners as names: `{{ body|owners_named:meeting|markdown }}`.

    Every page and the PDF show the minutes' texts through this: the line's `@username` never reaches a reader.
    """
    if not text or "@" not in text:
        return text
    return with_owner_names(text, owner_names(meeting), NAMELESS)


@register.filter(name="member_name")
def member_name_filter(user) -> str:
    """The person as the committee's own pages name them: their name, else their handle (models.member_name)."""
    return member_name(user)


@register.filter
def kept_source(text: str):
    """What Markdown would hide of a text (link definitions, HTML comments), shown as written."""
    lines = hidden_lines(text or "")
    if not lines:
        return ""
    return format_html('<pre class="kept-source" aria-label="As written in the file">{}</pre>', "\n".join(lines))


@register.filter
def markdown_inline(text: str):
    """Render one line of Markdown without its paragraph (roadmap entries in lists)."""
    return render_inline(text)


@register.filter
def markdown_text(text: str) -> str:
    """The Markdown as plain text on one line (excerpts): what a reader sees, without the marks."""
    return plain_text(text or "")


@register.filter
def without_date(title: str, day) -> str:
    """The title without the meeting's ISO date, when a list shows that date already."""
    return re.sub(rf"[\s,·–-]*{day:%Y-%m-%d}[\s,·–-]*", " ", title).strip()


@register.filter
def nowrap_dates(text: str) -> SafeString:
    """Escape the text and keep its ISO dates on one line (a title must not wrap as “2018-” / “06-12”)."""
    escaped = str(conditional_escape(text))
    return mark_safe(_ISO_DATE.sub(r'<span class="nowrap">\g<0></span>', escaped))  # noqa: S308 (escaped above)


@register.filter
def draft_owner(user) -> str:
    """The opaque per-account name the browser keeps the account's unsaved text under (static/js/editor-drafts.js).

    Not the username: whoever uses the browser next may read its storage. The
    same for an account on every visit, and without SECRET_KEY tied to no one.
    """
    return salted_hmac("pmc-minutes.editor-drafts", str(user.pk)).hexdigest()[:24]


@register.simple_tag(takes_context=True)
def can(context, action: str, obj) -> bool:
    """`{% can "edit_report" report as allowed %}`: asks permissions.can_<action>."""
    check = getattr(permissions, f"can_{action}")
    return check(context["request"].user, obj)
