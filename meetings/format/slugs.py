"""Identities of names across files: a team is the same team however a file spells it."""

import hashlib

from django.utils.text import slugify

SLUG_MAX_LENGTH = 200  # Team.slug's max_length


def team_slug(name: str) -> str:
    """The identity of a team name: case, spacing and punctuation do not make a new team."""
    slug = slugify(name)[:SLUG_MAX_LENGTH]
    if slug:
        return slug
    # A name with no ASCII letters (“数据”) still needs an identity of its own in URLs.
    folded = " ".join(name.casefold().split())
    return "team-" + hashlib.sha256(folded.encode()).hexdigest()[:10]
