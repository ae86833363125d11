"""The live room's run in templates: a section's tools (`{% section_tools section as tools %}`) and clock times."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def section_tools(context, section):
    """The SectionTools of a written section (views/live_run.py), None without a run panel or for a footnote."""
    run = context.get("run")
    if run is None or getattr(section, "field", "body") != "body":
        return None
    return run.tools.get(section.anchor)


@register.filter
def clock_time(seconds) -> str:
    """Seconds as the clocks show them: 4:05, 1:02:03."""
    if not isinstance(seconds, int):
        return ""  # no clock (nothing current yet)
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


@register.filter
def planned_minutes(seconds) -> str:
    """A planned time as the agenda writes it: “10 min” (a share of a review may have seconds: “7.5 min”)."""
    if not seconds:
        return ""
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes == int(minutes) else f"{minutes:.1f} min"
