"""Supervisor pages (blueprint ``supervisor``): call log and call timeline, CSV exports
(``views``, ``exports``), the KPI dashboard (``dashboard_page``), the audit trail (``audit``)
and the job queues (``queues``). The KPIs themselves live in ``callcenter.kpi``.
"""
