"""URL converters: meeting dates as YYYY-MM-DD; an impossible date is a 404."""

from datetime import date


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError (e.g. 2018-02-30) makes the URL not match

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value
