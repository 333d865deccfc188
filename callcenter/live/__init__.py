"""Live calls: routing a caller who asks for a person, operators' presence, the offers.

``decision`` is pure (center ranking, who gets the offer); ``presence`` and ``offers`` keep
the database as the record of truth, claiming rows with conditional UPDATEs so that
several web workers agree. See docs/live-calls.md.
"""
