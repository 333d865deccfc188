"""Referrals and the operators' catalogue: the ticket page's suggestions and 연계 panel, the
catalogue search page, the follow-up review list, and the supervisors' outcome KPIs.

``service`` (create, move, edit; audited), ``sms`` (the caller's text), ``views`` (the
``referrals`` blueprint), ``messages`` (texts).
"""
