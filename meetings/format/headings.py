"""The heading line of a team's report, as the minutes write it."""

from .choices import TeamLayout


def report_heading_level(layout: str) -> int:
    """Notes-style minutes give each team a `##` section; the other layouts a `###` one."""
    return 2 if layout == TeamLayout.NOTES else 3


def report_heading(team_name: str, status_label: str = "", leads: str = "", *, level: int = 3) -> str:
    """`### Team (label) - Leads`, each part only when there is one."""
    heading = f"{'#' * level} {team_name}"
    if status_label:
        heading += f" ({status_label})"
    if leads:
        heading += f" - {leads}"
    return heading
