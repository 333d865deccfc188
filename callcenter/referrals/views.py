"""The ``referrals`` blueprint: 연계 from the ticket page, the catalogue page, the follow-up
review list and the outcome KPIs (pages under /console and /supervisor)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from callcenter.auth import protect_blueprint, roles_required
from callcenter.auth.views import client_ip
from callcenter.catalogue.browse import Filters, search
from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.tickets import suggestions_for
from callcenter.db import db
from callcenter.followup.checks import channel_of, set_channel
from callcenter.i18n import t
from callcenter.kpi.outcomes import outcome_kpis
from callcenter.models import (
    FollowUpCheck,
    FollowUpReply,
    Institute,
    Referral,
    SmsMessage,
    Ticket,
    User,
    utcnow,
)
from callcenter.pipeline.jobs import enqueue_sms
from callcenter.referrals import messages as _messages  # noqa: F401  (registers the texts)
from callcenter.referrals.service import (
    change_referral_status,
    create_referral,
    referral_moves,
    update_referral,
)
from callcenter.referrals.sms import record_referral_sms
from callcenter.services.audit import audit
from callcenter.services.workflow import WorkflowError, may_act
from callcenter.supervisor import exports
from routing import reference

bp = Blueprint("referrals", __name__)
protect_blueprint(bp, "operator", "supervisor", "admin")


def _user() -> User:
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    return user


def _ticket(number: str, *, for_update: bool = False) -> Ticket:
    query = select(Ticket).where(Ticket.number == number)
    if for_update:
        query = query.with_for_update()
    ticket = db.session.scalars(query).first()
    if ticket is None:
        abort(404)
    return ticket


def _error(exc: WorkflowError) -> str:
    values: dict[str, Any] = {
        k: t(f"ref.status.{v}") if k in ("old", "new") else v for k, v in exc.values.items()
    }
    return t(exc.msg_id, **values)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise WorkflowError("work.bad_date") from None


def ticket_panel(ticket: Ticket) -> dict[str, Any]:
    """What the ticket page's 연계 and 사후 점검 partial shows."""
    session = db.session()
    referrals = list(
        session.scalars(
            select(Referral).where(Referral.ticket_id == ticket.id).order_by(Referral.id)
        )
    )
    texts = {
        m.subject: m.status
        for m in session.scalars(
            select(SmsMessage).where(
                SmsMessage.ticket_id == ticket.id, SmsMessage.purpose == "referral"
            )
        )
    }
    referred = {(r.resource_kind, r.resource_id) for r in referrals}
    try:
        suggestions = suggestions_for(session, ticket)
    except Exception:  # a broken catalogue must not take the ticket page down
        current_app.logger.exception("suggestions for %s failed", ticket.number)
        suggestions = []
    by_kind: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    for item in suggestions:
        item = {**item, "referred": (item["kind"], item["id"]) in referred}
        by_kind.setdefault(item["kind"], []).append(item)
    checks = list(
        session.scalars(
            select(FollowUpCheck)
            .where(FollowUpCheck.ticket_id == ticket.id)
            .order_by(FollowUpCheck.id.desc())
        )
    )
    institutes = {i.code: i for i in session.scalars(select(Institute))}
    return {
        "suggestions": by_kind,
        "has_suggestions": bool(suggestions),
        "referrals": [
            {
                "row": r,
                "moves": referral_moves(r),
                "sms": texts.get(f"referral-{r.id}"),
                "institute": institutes.get(r.institute),
            }
            for r in referrals
        ],
        "checks": checks,
        "channel": channel_of(session, ticket.id),
        "institutes": sorted(institutes.values(), key=lambda i: i.name_ko),
        "institute_names": {c: i.name_ko for c, i in institutes.items()},
    }


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"referral_panel": ticket_panel}


@bp.post("/console/tickets/<number>/referrals")
def refer(number: str) -> ResponseReturnValue:
    """연계: refer the ticket to a suggested resource or an institute (and text the caller)."""
    session = db.session()
    ticket = _ticket(number, for_update=True)
    form = request.form
    message = None
    try:
        referral = create_referral(
            session,
            ticket,
            user=_user(),
            institute=form.get("institute") or None,
            resource_kind=form.get("resource_kind") or None,
            resource_id=form.get("resource_id") or None,
            contact=form.get("contact", ""),
            due_on=_day(form.get("due_on")),
            notes=form.get("notes", ""),
            ip=client_ip(),
        )
        if form.get("send_sms"):
            message = record_referral_sms(session, referral)
    except WorkflowError as exc:
        session.rollback()
        flash(_error(exc), "error")
    else:
        session.commit()
        if message is not None:
            enqueue_sms(message)  # after the commit; the outbox sweep covers Redis being down
        flash(t("ref.created_sms" if message is not None else "ref.created"), "success")
    back = form.get("next") or ""
    if back == "catalogue":
        return redirect(url_for("referrals.catalogue", ticket=number))
    return redirect(url_for("console.ticket", number=number) + "#referrals-heading")


def _referral(referral_id: int) -> Referral:
    referral = db.session.get(Referral, referral_id, with_for_update=True)
    if referral is None:
        abort(404)
    return referral


@bp.post("/console/referrals/<int:referral_id>/status")
def move_referral(referral_id: int) -> ResponseReturnValue:
    """의뢰 → 접수 → 완료 / 반려."""
    session = db.session()
    referral = _referral(referral_id)
    try:
        change_referral_status(
            session,
            referral,
            request.form.get("status", ""),
            user=_user(),
            note=request.form.get("note", ""),
            ip=client_ip(),
        )
    except WorkflowError as exc:
        session.rollback()
        flash(_error(exc), "error")
    else:
        session.commit()
        flash(t("ref.moved"), "success")
    return redirect(url_for("console.ticket", number=referral.ticket.number) + "#referrals-heading")


@bp.post("/console/referrals/<int:referral_id>")
def edit_referral(referral_id: int) -> ResponseReturnValue:
    """Change the responsible person or due date, or add a note."""
    session = db.session()
    referral = _referral(referral_id)
    try:
        due = _day(request.form.get("due_on"))
        update_referral(
            session,
            referral,
            user=_user(),
            contact=request.form.get("contact"),
            due_on=due,
            clear_due="due_on" in request.form and due is None,
            note=request.form.get("note", ""),
            ip=client_ip(),
        )
    except WorkflowError as exc:
        session.rollback()
        flash(_error(exc), "error")
    else:
        session.commit()
        flash(t("ref.updated"), "success")
    return redirect(url_for("console.ticket", number=referral.ticket.number) + "#referrals-heading")


@bp.post("/console/tickets/<number>/follow-up-channel")
def follow_up_channel(number: str) -> ResponseReturnValue:
    """Text or call: how this ticket's caller is checked on."""
    session = db.session()
    ticket = _ticket(number, for_update=True)
    channel = request.form.get("channel", "")
    if not may_act(_user(), ticket) or channel not in ("sms", "call"):
        abort(403 if channel in ("sms", "call") else 400)
    set_channel(session, ticket, channel)
    session.commit()
    flash(t("fu.channel_saved"), "success")
    return redirect(url_for("console.ticket", number=number) + "#follow-up-check-heading")


@bp.get("/console/catalogue")
def catalogue() -> ResponseReturnValue:
    """Search the catalogue while on a call; with ?ticket=, each result can be referred."""
    args = request.args
    filters = Filters(
        query=args.get("q", "").strip()[:200],
        kind=args.get("kind", ""),
        topic=args.get("topic", ""),
        institute=args.get("institute", ""),
        center=args.get("center", ""),
        region=args.get("region", "") if args.get("region", "").isdigit() else "",
    )
    ticket = None
    if args.get("ticket"):
        ticket = db.session.scalars(select(Ticket).where(Ticket.number == args["ticket"])).first()
    results = search(db.session(), filters, ticket)
    institutes = sorted(reference.institutes(), key=lambda i: i.name_ko)
    return render_template(
        "referrals/catalogue.html",
        filters=filters,
        results=results,
        searched=bool(filters.query or filters.topic or filters.institute or filters.center),
        ticket=ticket,
        kinds=list(KINDS),
        topics=reference.topics(),
        institutes=institutes,
        institute_names={i.code: i.name_ko for i in institutes},
        centers=reference.centers(),
        regions=reference.ivr_regions(),
    )


@bp.get("/console/follow-up/review")
def review() -> ResponseReturnValue:
    """Replies no check could take, and checks nobody answered: for an operator."""
    session = db.session()
    replies = session.scalars(
        select(FollowUpReply)
        .where(FollowUpReply.outcome == "review", FollowUpReply.reviewed_at.is_(None))
        .order_by(FollowUpReply.id.desc())
        .limit(200)
    ).all()
    unanswered = session.scalars(
        select(FollowUpCheck)
        .join(Ticket, Ticket.id == FollowUpCheck.ticket_id)
        .where(FollowUpCheck.status == "unanswered", Ticket.status == "resolved")
        .order_by(FollowUpCheck.id.desc())
        .limit(200)
    ).all()
    return render_template("referrals/review.html", replies=replies, unanswered=unanswered)


@bp.post("/console/follow-up/replies/<int:reply_id>/reviewed")
def mark_reviewed(reply_id: int) -> ResponseReturnValue:
    """An operator has dealt with a reply on the review list."""
    reply = db.session.get(FollowUpReply, reply_id)
    if reply is None:
        abort(404)
    if reply.reviewed_at is None:
        reply.reviewed_at, reply.reviewed_by_id = utcnow(), _user().id
        audit(
            db.session(),
            "followup.reviewed",
            user=_user(),
            target_type="follow_up_reply",
            target_id=reply.id,
            ip=client_ip(),
        )
        db.session.commit()
    flash(t("fu.reviewed"), "success")
    return redirect(url_for("referrals.review"))


@bp.get("/supervisor/outcomes")
@roles_required("supervisor", "admin")
def outcomes() -> ResponseReturnValue:
    """Follow-up resolution, CSAT and referrals by institute, center and topic."""
    days = min(max(request.args.get("days", 30, type=int) or 30, 1), 366)
    figures = outcome_kpis(db.session(), days=days)
    names = {i.code: i.name_ko for i in reference.institutes()}
    return render_template(
        "referrals/outcomes.html", figures=figures, days=days, institute_names=names
    )


@bp.get("/supervisor/export/referrals.csv")
@roles_required("supervisor", "admin")
def export_referrals() -> ResponseReturnValue:
    """Every referral of the period, one row each (cells safe from formula injection)."""
    days = min(max(request.args.get("days", 30, type=int) or 30, 1), 3660)
    header, rows = exports.referral_rows(db.session(), days, current_app.config["TIMEZONE"])
    response = Response(
        stream_with_context(exports.csv_lines(header, rows)), mimetype="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="referrals.csv"'
    return response
