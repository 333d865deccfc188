"""Supervisor views: call log, call timeline, KPI dashboard, exports, audit trail, queues."""
