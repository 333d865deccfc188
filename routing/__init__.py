"""Routing: topic from text, the caller's location, and the nearest center covering the topic.

Pure functions over the reference data in ``routing/data``; no Flask, no database.
"""
