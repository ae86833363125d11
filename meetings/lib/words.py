"""Counts in words, for messages: "1 file", "3 files", never "file(s)"."""


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """The count with the noun it agrees with: counted(1, "row") is "1 row", counted(0, "row") "0 rows"."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
