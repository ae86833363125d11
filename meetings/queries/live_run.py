"""What the live room shows of the meeting's run: started, the current item, timers, attendance (stub: issue 26)."""


def run_panel_context(meeting, user) -> dict:
    """Template context for templates/meetings/live/_run_panel.html and _section_tools.html."""
    return {}
