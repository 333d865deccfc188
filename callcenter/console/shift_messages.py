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

ROUTING_VIEW = {
    "routing_view.km": ("{km} km", "{km} km"),
    "routing_view.topic": ("주제", "Topic"),
    "routing_view.by_operator": ("상담원 지정", "set by an operator"),
    "routing_view.confidence": ("자동 분류 {pct}%", "classified, {pct}%"),
    "routing_view.words": ("근거 단어 {words}", "evidence {words}"),
    "routing_view.no_evidence": (
        "주제를 알 수 있는 말이 없어 상담원 확인이 필요합니다",
        "Nothing said points to a topic: an operator must listen",
    ),
    "routing_view.location": ("발신 위치", "Caller location"),
    "routing_view.location_unknown": (
        "알 수 없음 — 상담원 확인 필요",
        "Unknown — an operator should ask",
    ),
    "routing_view.center": ("배정 센터", "Center"),
    "routing_view.runner_up": ("차순위 센터", "Runner-up"),
    "routing_view.routed_by": ("배정", "Routed"),
    "routing_view.auto": ("자동 배정", "automatically"),
    "routing_view.rerouted": ("재배정", "Re-routed"),
    "routing_view.moved": ("{before} → {after}", "{before} → {after}"),
    "routing_view.raw": ("원본 데이터 (관리자용)", "Raw record (supervisors)"),
    "routing_view.rule.nearest_eligible": (
        "주제를 담당하는 센터 중 가장 가까움",
        "nearest center covering the topic",
    ),
    "routing_view.rule.nearest_overall": (
        "담당 센터가 없어 가장 가까운 센터",
        "no center covers the topic: nearest center",
    ),
    "routing_view.rule.unknown_location": (
        "위치를 몰라 전국 평균 거리가 가장 짧은 담당 센터",
        "location unknown: the covering center nearest on average",
    ),
    "routing_view.rule.operator": ("상담원이 지정", "chosen by an operator"),
    "routing_view.rule.callback_nearest": (
        "전화 요청: 발신자와 가장 가까운 센터",
        "callback: the center nearest the caller",
    ),
    "routing_view.rule.callback_unknown_location": (
        "전화 요청: 위치를 몰라 전국 평균 거리가 가장 짧은 센터",
        "callback, location unknown: the center nearest on average",
    ),
}
register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in ROUTING_VIEW.items()})

REROUTE = {
    "done.reroute_released": (
        "재배정했습니다. 센터가 바뀌어 담당자 배정을 풀었습니다: "
        "새 센터의 새 티켓(배정 대기)이 됩니다.",
        "Re-routed. The center changed, so the assignee was released: "
        "it is a new ticket at the new center.",
    ),
    "work.unknown_region": ("알 수 없는 지역입니다.", "Unknown region."),
    "ticket.reroute_region": ("발신 지역 바로잡기", "Correct the caller's region"),
    "ticket.keep_region": ("그대로 두기", "Keep"),
    "ticket.reroute_region_hint": (
        "발신자가 말한 지역을 고르면 전화번호 지역번호보다 우선합니다.",
        "The region the caller names outranks the number's area code.",
    ),
    "ticket.reroute_release_hint": (
        "센터가 바뀌면 담당자 배정이 풀리고 새 센터의 ‘새 티켓’으로 갑니다.",
        "If the center changes, the assignee is released and it becomes a new ticket there.",
    ),
}
register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in REROUTE.items()})

HISTORY = {
    "age.now": ("방금", "just now"),
    "age.minutes": ("{n}분 전", "{n} min ago"),
    "age.hours": ("{n}시간 전", "{n} h ago"),
    "age.days": ("{n}일 전", "{n} days ago"),
    "inbox.others": ("이 번호 다른 티켓 {n}건", "{n} other tickets from this number"),
    "inbox.snippet_none": ("(내용 없음)", "(nothing yet)"),
    "caller.heading": ("이 번호의 이력", "This caller's history"),
    "caller.tickets": ("다른 티켓 {n}건", "{n} other tickets"),
    "caller.calls": ("다른 통화 {n}건", "{n} other calls"),
    "caller.none": (
        "이 번호로 접수된 다른 티켓이나 통화가 없습니다.",
        "No other tickets or calls.",
    ),
    "caller.withheld": ("발신번호가 없어 이력을 찾을 수 없습니다.", "No number: no history."),
    "caller.more": ("최근 {shown}건만 보입니다.", "Showing the latest {shown}."),
    "caller.call_outcome_none": ("결과 없음", "no outcome"),
}
register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in HISTORY.items()})

KEYS = {
    "inbox.no_next": ("새 티켓이 없습니다.", "No new tickets."),
    "keys.title": ("단축키", "Keyboard shortcuts"),
    "keys.open_help": ("단축키 보기 (?)", "Shortcuts (?)"),
    "keys.close": ("닫기", "Close"),
    "keys.next": ("다음 새 티켓 열기", "Open the next new ticket"),
    "keys.rows": ("목록에서 위/아래로 이동", "Move up/down the list"),
    "keys.open": ("고른 티켓 열기", "Open the selected ticket"),
    "keys.claim": ("내가 맡기", "Claim"),
    "keys.play": ("녹음 재생/일시정지", "Play/pause the recording"),
    "keys.note": ("메모 쓰기", "Write a note"),
    "keys.resolve": ("해결 처리 (처리 결과 고르기)", "Resolve (choose the outcome)"),
    "keys.inbox": ("받은 티켓 목록으로", "Back to the inbox"),
    "keys.help": ("이 도움말 열기/닫기", "Open/close this help"),
}
register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in KEYS.items()})

HISTORY_ROWS = {
    "history.callback_reached": (
        "전화 회신 {attempt}번째 시도: 통화 연결됨",
        "Call-back attempt {attempt}: reached",
    ),
    "history.callback_no_answer": (
        "전화 회신 {attempt}번째 시도: 부재중",
        "Call-back attempt {attempt}: no answer",
    ),
}
register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in HISTORY_ROWS.items()})
