"""Small pure helpers the other layers share: rendering, diffing, cadence dates, uploads.

Nothing here imports the rest of meetings.
"""
