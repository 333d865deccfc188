"""The KPI engine: definitions and tally, live SQL, daily rollups and reading them back.

Used by the voice webhooks (a change to a settled day marks it stale), the worker's sweep
(rollups), the `flask kpi` commands and the supervisor dashboard; no web code here.
"""
