"""Facts about the demo that need no Django (the screenshot script reads them)."""

PASSWORD = "Luoshi@2025demo"  # noqa: S105 -- the published password of local demo accounts
