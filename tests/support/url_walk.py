"""Every URL pattern of the site, as format strings to fill in: for tests that must cover all of them."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize


@dataclass(frozen=True)
class Route:
    """One way to spell a URL pattern: `format % values` is a path (without the leading slash)."""

    format: str
    converters: dict  # parameter name → converter name ("slug", "int", "isodate"...; "re" for a regex group)
    name: str

    @property
    def params(self) -> list[str]:
        return list(self.converters)

    def url(self, values: dict[str, str]) -> str:
        return "/" + self.format % values


def routes() -> Iterator[Route]:
    """Every pattern of the root URLconf, includes followed (the admin, auth, the app)."""
    yield from _walk(get_resolver().url_patterns, "", {})


def _walk(patterns, prefix: str, converters: dict) -> Iterator[Route]:
    for pattern in patterns:
        own = {
            name: _converter_name(converter) for name, converter in getattr(pattern.pattern, "converters", {}).items()
        }
        for format, params in normalize(pattern.pattern.regex.pattern):
            found = {**converters, **{param: own.get(param, "re") for param in params}}
            if isinstance(pattern, URLResolver):
                yield from _walk(pattern.url_patterns, prefix + format, found)
            else:
                yield Route(
                    prefix + format, {name: found[name] for name in _names(prefix + format)}, pattern.name or ""
                )


def _names(format: str) -> list[str]:
    names, rest = [], format
    while "%(" in rest:
        rest = rest.split("%(", 1)[1]
        name, rest = rest.split(")s", 1)
        names.append(name)
    return names


def _converter_name(converter) -> str:
    from django.urls.converters import get_converters

    return next((name for name, known in get_converters().items() if type(known) is type(converter)), "re")
