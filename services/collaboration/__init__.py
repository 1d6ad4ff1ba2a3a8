"""Working together: the activity log, checklists and tasks (and comments, notifications)."""
