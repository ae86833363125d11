"""Every write that spans tables, records a revision, reindexes search or sends mail.

Services are `verb_noun(obj, *, ...)` functions: keyword-only arguments after the first.
"""
