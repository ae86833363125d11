"""URL converters: meeting dates as YYYY-MM-DD, invitation tokens; anything else is a 404."""

from datetime import date


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError (e.g. 2018-02-30) makes the URL not match

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value


class TokenConverter:
    """An invitation token (`secrets.token_urlsafe`): no NUL or other byte PostgreSQL would refuse with a 500."""

    regex = r"[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
