"""Rendering Markdown gives back all the memory it takes: the server renders every page, preview and PDF with it."""

import os

from meetings.demo import SEED
from meetings.lib.rendering import gfm_to_html

RENDERS = 20_000
GROWTH_LIMIT = 20 * 2**20  # cmarkgfm's own call kept ~90 KB a render of the seed: 1.8 GB here


def resident_bytes() -> int:
    """The process's resident set now (not its peak, which would hide memory given back)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_rendering_the_seed_many_times_does_not_grow_the_process():
    text = SEED.read_text(encoding="utf-8")
    for _ in range(200):  # warm up: the allocator's arenas, Python's caches
        gfm_to_html(text)
    before = resident_bytes()
    for _ in range(RENDERS):
        gfm_to_html(text)
    growth = resident_bytes() - before
    assert growth < GROWTH_LIMIT, f"{RENDERS} renders of the seed grew the process by {growth / 2**20:.0f} MB"
