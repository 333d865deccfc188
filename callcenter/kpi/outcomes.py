"""Outcome KPIs, computed live: follow-up resolution, satisfaction, referrals by institute.

Live rather than rolled up: a period holds at most a few thousand checks and referrals, each
figure is one grouped query over an indexed table, so the page costs a few milliseconds and
needs no rollup table to keep fresh (the call and ticket KPIs' rollups exist for 100,000s of
calls). Grouped per center and topic of the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from callcenter.kpi.definitions import ratio
from callcenter.kpi.sql import seconds_between
from callcenter.models import FollowUpCheck, Referral, Ticket, utcnow


@dataclass
class CheckFigures:
    """Follow-up checks of a group: answered, resolved, scores."""

    checks: int = 0
    answered: int = 0
    resolved: int = 0
    scored: int = 0
    satisfied: int = 0  # scores of 4 or 5
    score_sum: int = 0

    @property
    def resolution_rate(self) -> float | None:
        """Share of answered checks whose caller said 해결됨."""
        return ratio(self.resolved, self.answered)

    @property
    def csat(self) -> float | None:
        """Share of scores that are 4 or 5 (the usual CSAT)."""
        return ratio(self.satisfied, self.scored)

    @property
    def mean_score(self) -> float | None:
        """The mean 1-5 score."""
        return self.score_sum / self.scored if self.scored else None


@dataclass
class ReferralFigures:
    """Referrals of a group: how many, completed, declined, days to complete."""

    referrals: int = 0
    completed: int = 0
    declined: int = 0
    completion_seconds: float = 0.0

    @property
    def completion_rate(self) -> float | None:
        """Completed share of the referrals that finished (완료 or 반려)."""
        return ratio(self.completed, self.completed + self.declined)

    @property
    def days_to_complete(self) -> float | None:
        """Mean days from 의뢰 to 완료."""
        return self.completion_seconds / self.completed / 86400 if self.completed else None


@dataclass
class OutcomeKpis:
    """Every outcome figure of a period."""

    checks: CheckFigures = field(default_factory=CheckFigures)
    checks_by_center: dict[str, CheckFigures] = field(default_factory=dict)
    checks_by_topic: dict[str, CheckFigures] = field(default_factory=dict)
    referrals: ReferralFigures = field(default_factory=ReferralFigures)
    by_institute: dict[str, ReferralFigures] = field(default_factory=dict)
    referrals_by_center: dict[str, ReferralFigures] = field(default_factory=dict)
    referrals_by_topic: dict[str, ReferralFigures] = field(default_factory=dict)


def _add_checks(target: CheckFigures, row: Any) -> None:
    target.checks += int(row.checks or 0)
    target.answered += int(row.answered or 0)
    target.resolved += int(row.resolved or 0)
    target.scored += int(row.scored or 0)
    target.satisfied += int(row.satisfied or 0)
    target.score_sum += int(row.score_sum or 0)


def _add_referrals(target: ReferralFigures, row: Any) -> None:
    target.referrals += int(row.referrals or 0)
    target.completed += int(row.completed or 0)
    target.declined += int(row.declined or 0)
    target.completion_seconds += float(row.completion_seconds or 0)


def outcome_kpis(session: Session, *, days: int = 30) -> OutcomeKpis:
    """The outcome KPIs of the last ``days`` days (checks by due date, referrals by creation)."""
    since = utcnow() - timedelta(days=days)
    out = OutcomeKpis()
    answered = FollowUpCheck.status == "answered"
    check_rows = session.execute(
        select(
            Ticket.center_code,
            Ticket.topic_code,
            func.count().label("checks"),
            func.sum(case((answered, 1), else_=0)).label("answered"),
            func.sum(case((FollowUpCheck.reply == "resolved", 1), else_=0)).label("resolved"),
            func.count(FollowUpCheck.score).label("scored"),
            func.sum(case((FollowUpCheck.score >= 4, 1), else_=0)).label("satisfied"),
            func.sum(FollowUpCheck.score).label("score_sum"),
        )
        .join(Ticket, Ticket.id == FollowUpCheck.ticket_id)
        .where(FollowUpCheck.created_at >= since, FollowUpCheck.status != "cancelled")
        .group_by(Ticket.center_code, Ticket.topic_code)
    ).all()
    for row in check_rows:
        _add_checks(out.checks, row)
        _add_checks(out.checks_by_center.setdefault(row.center_code or "", CheckFigures()), row)
        _add_checks(out.checks_by_topic.setdefault(row.topic_code or "", CheckFigures()), row)
    completed = Referral.status == "completed"
    referral_rows = session.execute(
        select(
            Referral.institute,
            Ticket.center_code,
            Ticket.topic_code,
            func.count().label("referrals"),
            func.sum(case((completed, 1), else_=0)).label("completed"),
            func.sum(case((Referral.status == "declined", 1), else_=0)).label("declined"),
            func.sum(
                case(
                    (completed, seconds_between(Referral.finished_at, Referral.created_at)),
                    else_=None,
                )
            ).label("completion_seconds"),
        )
        .join(Ticket, Ticket.id == Referral.ticket_id)
        .where(Referral.created_at >= since)
        .group_by(Referral.institute, Ticket.center_code, Ticket.topic_code)
    ).all()
    for row in referral_rows:
        _add_referrals(out.referrals, row)
        _add_referrals(out.by_institute.setdefault(row.institute, ReferralFigures()), row)
        center = row.center_code or ""
        _add_referrals(out.referrals_by_center.setdefault(center, ReferralFigures()), row)
        _add_referrals(
            out.referrals_by_topic.setdefault(row.topic_code or "", ReferralFigures()), row
        )
    return out
