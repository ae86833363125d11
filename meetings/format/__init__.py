"""The minutes file format: text in, plain dataclasses out, text back.

Imports only the standard library and small Django utilities (slugify,
TextChoices): never meetings.models or anything above it, so the format can be
read, written and tested without a database.
"""
