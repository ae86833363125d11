"""The heading line of a team's report, as the minutes write it."""


def report_heading(team_name: str, status_label: str = "", leads: str = "") -> str:
    """`### Team (label) - Leads`, each part only when there is one."""
    heading = f"### {team_name}"
    if status_label:
        heading += f" ({status_label})"
    if leads:
        heading += f" - {leads}"
    return heading
