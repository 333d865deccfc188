"""Texts of the console's shift features: ownership, staleness, closing, history, shortcuts."""

from callcenter.i18n import register_messages
from callcenter.services.workflow import OUTCOMES

TEXTS = {
    "work.stale": (
        "다른 사람이 이 티켓을 바꿨습니다. 페이지를 새로 고친 뒤 다시 해 주세요.",
        "Someone else changed this ticket. Reload the page and try again.",
    ),
    "work.taken": (
        "다른 상담원이 맡은 티켓입니다. 메모만 남길 수 있습니다.",
        "Another operator holds this ticket. You can only add a note.",
    ),
    "ticket.changed": ("다른 사람이 이 티켓을 바꿨습니다.", "Someone else changed this ticket."),
    "ticket.reload": ("새로 고침", "Reload"),
}

register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in TEXTS.items()})

MORE = {
    "work.date_past": (
        "지난 날짜는 고를 수 없습니다. 오늘 이후 날짜를 고르세요.",
        "A past date cannot be chosen. Pick today or later.",
    ),
    "work.outcome_required": ("처리 결과를 고르세요.", "Choose the outcome."),
    "work.solution_required": (
        "어떻게 해결했는지 적어 주세요.",
        "Write down how it was solved.",
    ),
    "field.solution": ("해결 내용", "Solution"),
    "field.outcome": ("처리 결과", "Outcome"),
    "ticket.follow_up_workday_hint": (
        "주말·공휴일을 고르면 다음 근무일로 정해집니다.",
        "A weekend or holiday moves to the next working day.",
    ),
}
register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in MORE.items()})
register_messages({f"outcome.{code}": {"ko": ko, "en": en} for code, (ko, en) in OUTCOMES.items()})

PAGE = {
    "ticket.summary_label_callback": (
        "통화하며 들은 문의 내용을 입력하세요",
        "Type what the caller asked for on the call",
    ),
}
register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in PAGE.items()})
