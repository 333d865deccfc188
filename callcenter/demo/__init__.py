"""Demos and simulation: Twilio's part played over real HTTP, sample calls, demo history.

``simulator`` and ``recording_server`` stand in for Twilio (calls, signed webhooks, recordings
behind basic auth); ``sample_calls`` is `flask serve --demo` with the bundled clips in
``audio/``; ``history`` (with ``call_plan``, ``ticket_life``, ``korean_text``) bulk-writes a
realistic call history for `flask demo-data` and the benchmarks.
"""
