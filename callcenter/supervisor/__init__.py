"""Supervisor views: call log, call timeline, KPI dashboard, exports, audit trail, queues.

The web part lives in ``views`` (blueprint ``supervisor``); KPIs, charts and demo data
are plain modules usable without a request.
"""
