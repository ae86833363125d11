"""What pages read: the gathered minutes, timelines, search."""
