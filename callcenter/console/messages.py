"""Texts of the operator console and the ticket API (Korean first, English)."""

from callcenter.i18n import register_messages

STATUS = {
    "received": ("접수됨", "Received"),
    "transcribing": ("전사 중", "Transcribing"),
    "routed": ("배정 대기", "Routed"),
    "assigned": ("담당자 지정", "Assigned"),
    "in_progress": ("처리 중", "In progress"),
    "resolved": ("해결됨", "Resolved"),
    "follow_up_done": ("사후 점검 완료", "Follow-up done"),
    "closed": ("종결", "Closed"),
    "needs_review": ("확인 필요", "Needs review"),
}
KIND = {
    "problem": ("기술 문의", "Problem report"),
    "voicemail": ("음성 메시지", "Voicemail"),
    "callback": ("전화 요청", "Callback request"),
}
TAB = {
    "new": ("새 티켓", "New"),
    "mine": ("내 담당", "Assigned to me"),
    "in_progress": ("처리 중", "In progress"),
    "review": ("확인 필요", "Needs review"),
    "follow_up": ("사후 점검 예정", "Follow-up due"),
    "all": ("전체", "All"),
}
REGION_SOURCE = {
    "area_code": ("전화번호 지역번호로 확인", "from the phone number's area code"),
    "ivr_digit": ("ARS에서 지역 번호 선택", "chosen by digit in the phone menu"),
    "ivr_speech": ("ARS에서 지역을 말함", "spoken in the phone menu"),
    "operator": ("상담원이 입력", "entered by an operator"),
    "unknown": ("확인 안 됨", "not known"),
}
RECORDING_STATUS = {
    "pending": ("대기 중", "pending"),
    "downloading": ("내려받는 중", "downloading"),
    "transcribing": ("전사 중", "transcribing"),
    "done": ("완료", "done"),
    "failed": ("실패", "failed"),
}
ROUTING = {
    "topic": ("판정 주제", "Topic chosen"),
    "center": ("선정 센터", "Center chosen"),
    "evidence": ("근거", "Evidence"),
    "explanation": ("설명", "Explanation"),
    "point_source": ("발신 위치 출처", "Where the caller's point came from"),
    "location": ("발신 위치", "Caller location"),
    "region": ("지역", "Region"),
    "distance_km": ("센터까지 거리(km)", "Distance to center (km)"),
    "runner_up": ("차순위 센터", "Runner-up center"),
    "runner_up_km": ("차순위 거리(km)", "Runner-up distance (km)"),
    "fallback": ("대체 규칙", "Fallback"),
    "source": ("분류 입력", "Classified text"),
    "rerouted_by": ("재배정자", "Re-routed by"),
    "reason": ("재배정 사유", "Re-route reason"),
}


def _table(prefix: str, table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{key}": {"ko": ko, "en": en} for key, (ko, en) in table.items()}


register_messages(
    _table("status", STATUS)
    | _table("kind", KIND)
    | _table("tab", TAB)
    | _table("region_source", REGION_SOURCE)
    | _table("recording_status", RECORDING_STATUS)
    | _table("routing", ROUTING)
)

TEXTS = {
    "field.number": ("접수번호", "Ticket"),
    "field.received": ("접수 시각", "Received"),
    "field.status": ("상태", "Status"),
    "field.kind": ("유형", "Kind"),
    "field.topic": ("주제", "Topic"),
    "field.center": ("센터", "Center"),
    "field.region": ("지역", "Region"),
    "field.caller": ("발신번호", "Caller"),
    "field.assignee": ("담당자", "Assignee"),
    "field.follow_up_on": ("사후 점검일", "Follow-up date"),
    "field.menu_choice": ("ARS 메뉴 선택", "Phone-menu choice"),
    "inbox.title": ("접수함", "Inbox"),
    "inbox.filters": ("검색 조건", "Filters"),
    "inbox.scope": ("범위", "Scope"),
    "inbox.scope_center": ("우리 센터 ({center})", "My center ({center})"),
    "inbox.scope_all": ("전체 센터", "All centers"),
    "inbox.center_hint": ("전체 센터 범위에서만 적용됩니다.", "Applies to the all-centers scope."),
    "inbox.any": ("전체", "Any"),
    "inbox.date_from": ("접수일 부터", "Received from"),
    "inbox.date_to": ("접수일 까지", "Received until"),
    "inbox.search": ("검색", "Search"),
    "inbox.search_hint": (
        "접수번호(끝 네 자리, 1379- 없이도 됨), 전화번호, 또는 녹취·요약 속 단어",
        "Ticket number (or its last four digits), caller number, or words said or typed",
    ),
    "inbox.apply": ("적용", "Apply"),
    "inbox.reset": ("초기화", "Reset"),
    "inbox.tabs": ("접수함 보기", "Inbox views"),
    "inbox.status_counts": ("상태별 건수", "Counts by status"),
    "inbox.empty": ("조건에 맞는 티켓이 없습니다.", "No tickets match."),
    "inbox.pages": ("페이지", "Pages"),
    "inbox.first_page": ("처음으로", "First page"),
    "inbox.next_page": ("다음 {count}건", "Next {count}"),
    "inbox.live_on": ("실시간 갱신 중", "Live updates on"),
    "inbox.live_off": ("실시간 갱신 끊김 — 다시 연결 중", "Live updates lost — reconnecting"),
    "inbox.new_arrived": ("새 티켓 {count}건이 도착했습니다.", "{count} new ticket(s) arrived."),
    "inbox.show_new": ("목록 새로 고침", "Refresh the list"),
    "inbox.new_badge": ("새 티켓", "New"),
    "ticket.title": ("티켓 {number}", "Ticket {number}"),
    "ticket.callback_heading": ("전화 요청 — 이 번호로 전화하세요", "Callback — call this number"),
    "ticket.queue_position": ("요청 당시 대기 순번: {position}", "Queue position: {position}"),
    "ticket.no_number": ("발신번호 없음", "No caller number"),
    "ticket.facts": ("접수 정보", "Details"),
    "ticket.masked_hint": (
        "(끝 4자리만 표시: 담당자로 지정되면 전체 번호가 보입니다)",
        "(last 4 digits only; shown in full once assigned to you)",
    ),
    "ticket.region_unknown": ("알 수 없음", "Unknown"),
    "ticket.unassigned": ("미지정", "Unassigned"),
    "ticket.recording": ("녹음과 녹취록", "Recording and transcript"),
    "ticket.audio_unsupported": (
        "이 브라우저는 음성 재생을 지원하지 않습니다.",
        "This browser cannot play audio.",
    ),
    "ticket.audio_audited": (
        "재생 기록은 감사 로그에 남습니다.",
        "Each play is recorded in the audit log.",
    ),
    "ticket.audio_purged": (
        "보존 기간이 지나 {date}에 녹음을 삭제했습니다.",
        "The recording was deleted on {date}, after the retention period.",
    ),
    "ticket.audio_missing": (
        "녹음 파일이 아직 없습니다 (상태: {status}).",
        "No audio yet ({status}).",
    ),
    "ticket.no_recording": ("녹음이 없습니다.", "No recording."),
    "ticket.transcript": ("녹취록", "Transcript"),
    "ticket.no_speech": (
        "음성이 거의 감지되지 않았습니다. 녹음을 직접 들어 보세요.",
        "Little or no speech was detected. Please listen to the recording.",
    ),
    "ticket.seek_to": ("{time} 지점부터 재생", "Play from {time}"),
    "ticket.no_transcript": ("녹취록이 없습니다.", "No transcript."),
    "ticket.summary": ("문제 내용", "Problem summary"),
    "ticket.summary_label": ("녹음을 듣고 문제 내용을 입력하세요", "Listen and type the problem"),
    "ticket.summary_hint": (
        "입력한 내용으로 주제와 센터를 자동 배정합니다.",
        "The text is routed to a topic and center like a transcript.",
    ),
    "ticket.summary_submit": ("저장하고 배정", "Save and route"),
    "ticket.routing": ("배정 근거", "Routing explanation"),
    "ticket.topic_scores": ("주제 점수", "Topic scores"),
    "ticket.no_routing": ("아직 배정되지 않았습니다.", "Not routed yet."),
    "ticket.institutes": ("추천 연구기관", "Suggested institutes"),
    "ticket.actions": ("처리", "Actions"),
    "ticket.read_only": (
        "다른 센터의 티켓입니다. 메모만 남길 수 있습니다.",
        "Another center's ticket: you may add notes only.",
    ),
    "ticket.claim": ("내가 맡기", "Claim"),
    "ticket.assign_to": ("담당자 지정", "Assign to"),
    "ticket.assign": ("지정", "Assign"),
    "ticket.move_to": ("상태 변경", "Change status"),
    "ticket.move_submit": ("변경", "Change"),
    "ticket.follow_up_when_resolving": ("사후 점검일 (해결 시)", "Follow-up date (when resolving)"),
    "ticket.follow_up_save": ("저장", "Save"),
    "ticket.callback_returned": ("회신 완료: {when}", "Returned: {when}"),
    "ticket.callback_attempts": ("통화 시도 {count}회", "{count} call attempt(s)"),
    "ticket.callback_not_returned": ("아직 회신하지 않았습니다.", "Not yet returned."),
    "ticket.callback_note": ("통화 메모 (선택)", "Call note (optional)"),
    "ticket.callback_reached": ("통화 연결됨 — 회신 완료", "Reached — call returned"),
    "ticket.callback_no_answer": ("부재중", "No answer"),
    "ticket.reroute": ("주제·지역·센터 변경", "Change topic, region or center"),
    "ticket.keep_topic": ("현재 주제 유지", "Keep the topic"),
    "ticket.auto_center": ("주제에 맞는 가까운 센터 (자동)", "Nearest center for the topic (auto)"),
    "ticket.auto_center_hint": (
        "센터를 고르지 않으면 주제에 따라 다시 계산합니다.",
        "Without a center, it is recomputed from the topic.",
    ),
    "ticket.reason": ("변경 사유 (필수)", "Reason (required)"),
    "ticket.reroute_submit": ("재배정", "Re-route"),
    "ticket.notes": ("메모", "Notes"),
    "ticket.no_notes": ("메모가 없습니다.", "No notes."),
    "ticket.note_label": ("새 메모", "New note"),
    "ticket.note_submit": ("메모 추가", "Add note"),
    "ticket.history": ("처리 이력", "History"),
    "ticket.no_history": ("이력이 없습니다.", "No history."),
    "ticket.system": ("시스템", "System"),
    "history.status": ("상태 변경: {old} → {new}", "Status: {old} → {new}"),
    "history.reroute": ("재배정 (사유: {reason})", "Re-routed (reason: {reason})"),
    "history.assign": ("{assignee}에게 배정", "Assigned to {assignee}"),
    "history.note": ("메모 추가", "Note added"),
    "history.follow_up": ("사후 점검일 지정: {follow_up_on}", "Follow-up date: {follow_up_on}"),
    "history.summary": ("문제 내용 입력", "Problem summary typed"),
    "history.play": ("녹음 재생", "Recording played"),
    "history.purge": (
        "보존 기간({retention_days}일)이 지나 녹음 삭제",
        "Recording deleted after the retention period ({retention_days} days)",
    ),
    "history.anonymise": (
        "보존 기간({retention_days}일)이 지나 녹취록 익명화",
        "Transcript anonymised after the retention period ({retention_days} days)",
    ),
    "done.claim": ("티켓을 맡았습니다.", "You have claimed the ticket."),
    "done.assign": ("담당자를 지정했습니다.", "Assignee set."),
    "done.status": ("상태를 변경했습니다.", "Status changed."),
    "done.reroute": ("재배정했습니다.", "Re-routed."),
    "done.note": ("메모를 추가했습니다.", "Note added."),
    "done.callback_reached": ("회신 완료로 기록했습니다.", "Callback recorded as returned."),
    "done.callback_no_answer": (
        "부재중으로 기록했습니다. 다시 전화해 주세요.",
        "No answer recorded. Please try again later.",
    ),
    "done.follow_up": ("사후 점검일을 저장했습니다.", "Follow-up date saved."),
    "done.summary": ("문제 내용을 저장하고 배정했습니다.", "Summary saved and routed."),
    "done.summary_unrouted": (
        "내용을 저장했지만 주제를 정하지 못했습니다. '주제·센터 변경'에서 직접 고르세요.",
        "Saved, but no topic was found: choose one under 'Change topic or center'.",
    ),
    "work.not_yours": (
        "이 티켓을 처리할 권한이 없습니다 (다른 센터 소관).",
        "You may not act on this ticket (another center's).",
    ),
    "work.illegal_move": (
        "'{old}' 상태에서 '{new}' 상태로 바꿀 수 없습니다.",
        "A ticket cannot move from '{old}' to '{new}'.",
    ),
    "work.already_assigned": (
        "이미 다른 상담원이 맡은 티켓입니다.",
        "Already assigned to someone.",
    ),
    "work.assign_other_center": (
        "다른 센터 상담원에게는 배정할 수 없습니다.",
        "You cannot assign to another center's operator.",
    ),
    "work.assignee_inactive": ("비활성 사용자에게는 배정할 수 없습니다.", "That user is inactive."),
    "work.cannot_assign": (
        "'{status}' 상태의 티켓은 배정할 수 없습니다.",
        "A '{status}' ticket cannot be assigned.",
    ),
    "work.no_such_user": ("해당 사용자가 없습니다.", "No such user."),
    "work.bad_status": ("알 수 없는 상태입니다.", "Unknown status."),
    "work.bad_date": ("날짜 형식이 올바르지 않습니다 (YYYY-MM-DD).", "Bad date (YYYY-MM-DD)."),
    "work.date_required": ("날짜를 입력하세요.", "A date is required."),
    "work.note_empty": ("메모 내용을 입력하세요.", "The note is empty."),
    "work.too_long": ("{limit}자 이하로 입력하세요.", "At most {limit} characters."),
    "work.follow_up_finished": (
        "사후 점검이 끝난 티켓입니다.",
        "The follow-up of this ticket is already done.",
    ),
    "work.summary_empty": ("문제 내용을 입력하세요.", "Type the problem first."),
    "work.summary_not_needed": (
        "이미 배정된 티켓입니다. 변경은 재배정을 이용하세요.",
        "Already routed: use re-routing to change it.",
    ),
    "work.reason_required": ("변경 사유를 입력하세요.", "A reason is required."),
    "work.reroute_nothing": (
        "바꿀 주제, 지역이나 센터를 고르세요.",
        "Choose a topic, a region or a center.",
    ),
    "work.unknown_topic": ("알 수 없는 주제입니다.", "Unknown topic."),
    "work.unknown_center": ("알 수 없는 센터입니다.", "Unknown center."),
    "work.reroute_refused": ("재배정할 수 없습니다: {detail}", "Cannot re-route: {detail}"),
    "work.unknown_action": ("알 수 없는 작업입니다.", "Unknown action."),
    "work.not_callback": ("전화 요청 티켓이 아닙니다.", "This is not a callback request."),
    "work.bad_callback_result": (
        "통화 결과를 고르세요 (연결됨 또는 부재중).",
        "Choose the call's result (reached or no answer).",
    ),
    "api.bad_since": (
        "since 값은 시간대가 있는 ISO 시각이어야 합니다.",
        "since must be an ISO time with a time zone.",
    ),
}

register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in TEXTS.items()})
