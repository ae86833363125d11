"""The versioned JSON API at /api/v1/ (django-ninja): what tools read, and reports written with a token.

It is one more interface over the same floors as the pages: lookups from
views/lookup.py, rules from permissions.py, reads from queries/, writes through
services/, caching and ETags from caching.py.
"""
