"""Template filters and tags of the minutes pages."""

from django import template

from .. import permissions
from ..rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Render Markdown as sanitised HTML (the same function as the editor's preview)."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def can(context, action: str, obj) -> bool:
    """`{% can "edit_report" report as allowed %}`: asks permissions.can_<action>."""
    check = getattr(permissions, f"can_{action}")
    return check(context["request"].user, obj)
