"""All models, importable from one place (Alembic reads Base.metadata from here)."""

from callcenter.models.base import Base, utcnow
from callcenter.models.calls import (
    CALL_STATUSES,
    RECORDING_STATUSES,
    REGION_SOURCES,
    Call,
    CallEvent,
    Recording,
    Transcript,
)
from callcenter.models.catalogue import (
    CatalogueTerm,
    Equipment,
    Expert,
    Lab,
    Patent,
)
from callcenter.models.followup import FollowUpChannel, FollowUpCheck, FollowUpReply
from callcenter.models.live import (
    LIVE_CALL_STATUSES,
    PRESENCE_STATES,
    LiveCall,
    OperatorPresence,
)
from callcenter.models.outbox import SMS_STATUSES, SmsMessage
from callcenter.models.reference import Center, Institute, Topic
from callcenter.models.referrals import Referral, TicketSuggestions
from callcenter.models.tickets import (
    TICKET_KINDS,
    TICKET_STATUSES,
    Ticket,
    TicketCounter,
    TicketNote,
)
from callcenter.models.users import ROLES, AuditLog, User

__all__ = [
    "AuditLog",
    "Base",
    "CALL_STATUSES",
    "Call",
    "CallEvent",
    "CatalogueTerm",
    "Center",
    "Equipment",
    "Expert",
    "FollowUpChannel",
    "FollowUpCheck",
    "FollowUpReply",
    "Institute",
    "LIVE_CALL_STATUSES",
    "Lab",
    "LiveCall",
    "OperatorPresence",
    "PRESENCE_STATES",
    "Patent",
    "RECORDING_STATUSES",
    "REGION_SOURCES",
    "Referral",
    "ROLES",
    "Recording",
    "SMS_STATUSES",
    "SmsMessage",
    "TICKET_KINDS",
    "TICKET_STATUSES",
    "Ticket",
    "TicketCounter",
    "TicketNote",
    "TicketSuggestions",
    "Topic",
    "Transcript",
    "User",
    "utcnow",
]
