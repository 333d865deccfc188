"""Korean (and English) names of the codes a call's timeline stores: IVR steps, Twilio's
call and recording statuses, the keys and values of an event's detail."""

from callcenter.i18n import register_messages

# IVR steps (``CallEvent.step``), as ivr_flows, the webhooks and the demo history name them.
STEP = {
    "greeting": ("인사말", "Greeting"),
    "main_menu": ("주 메뉴", "Main menu"),
    "main_menu_retry": ("주 메뉴 다시 안내", "Main menu repeated"),
    "menu_retry": ("메뉴 다시 안내", "Menu repeated"),
    "menu_exhausted": ("메뉴 입력 없음", "No menu answer"),
    "language": ("영어 안내 선택", "English chosen"),
    "region": ("지역 질문", "Region question"),
    "region_question": ("지역 질문", "Region question"),
    "enqueue": ("상담 대기열 진입", "Queue entered"),
    "queue_wait": ("상담 대기 중", "Waiting in the queue"),
    "queue_key": ("대기 중 번호 입력", "Key pressed while waiting"),
    "queue_answered": ("상담원 연결", "Answered by an operator"),
    "queue_left": ("대기열 나감", "Left the queue"),
    "queue_hangup": ("대기 중 끊음", "Hung up while waiting"),
    "queue_redirected": ("대기열에서 넘어감", "Moved on from the queue"),
    "dequeue": ("대기열 나감", "Left the queue"),
    "callback_request": ("다시 전화 요청", "Callback requested"),
    "callback_requested": ("다시 전화 요청", "Callback requested"),
    "voicemail_prompt": ("음성 메시지 안내", "Voicemail prompt"),
    "voicemail": ("음성 메시지 녹음 끝", "Voicemail recorded"),
    "record_prompt": ("녹음 안내", "Recording prompt"),
    "record_problem": ("문의 녹음 끝", "Problem recorded"),
    "record_done": ("녹음 끝, 접수번호 안내", "Recording ended, ticket read back"),
    "recording_status": ("녹음 파일 알림", "Recording callback"),
    "ticket_readback": ("접수번호 안내", "Ticket number read back"),
    "lookup_prompt": ("접수번호 입력 안내", "Ticket number asked"),
    "lookup_found": ("접수 건 안내", "Ticket found and read"),
    "lookup_missing": ("접수 건 없음", "No such ticket"),
    "lookup_no_caller": ("발신번호가 없어 조회 불가", "No caller ID to look up"),
    "status_lookup": ("진행 조회", "Status lookup"),
    "spooled": ("임시 저장 후 접수", "Taken in from the spool"),
}
# Twilio's CallStatus values.
CALL_STATUS = {
    "queued": ("대기", "queued"),
    "initiated": ("발신 시작", "initiated"),
    "ringing": ("벨 울림", "ringing"),
    "in-progress": ("통화 중", "in progress"),
    "completed": ("통화 끝", "completed"),
    "busy": ("통화 중 신호", "busy"),
    "failed": ("연결 실패", "failed"),
    "no-answer": ("응답 없음", "no answer"),
    "canceled": ("취소됨", "canceled"),
}
# Twilio's RecordingStatus values.
RECORDING_STATUS = {
    "in-progress": ("녹음 중", "recording"),
    "completed": ("녹음 파일 받음", "file received"),
    "absent": ("녹음 없음", "nothing recorded"),
    "failed": ("녹음 실패", "failed"),
    "spooled": ("임시 저장 후 받음", "received from the spool"),
}
# Keys of an event's stored detail.
DETAIL = {
    "from": ("발신번호", "caller"),
    "caller": ("발신번호", "caller"),
    "to": ("수신번호", "called number"),
    "region": ("지역", "region"),
    "source": ("지역 출처", "region from"),
    "region_found": ("지역 확인", "region found"),
    "missing": ("녹음 없음", "no recording"),
    "hangup": ("녹음 후 끊음", "hung up after recording"),
    "recording_sid": ("녹음 ID", "recording SID"),
    "ticket": ("접수번호", "ticket"),
    "purpose": ("접수 종류", "kind"),
    "sequence": ("알림 순번", "callback sequence"),
    "stale": ("늦게 도착", "arrived late"),
    "duration": ("통화 시간", "duration"),
    "CallDuration": ("통화 시간", "duration"),
    "CallStatus": ("통화 상태", "call status"),
    "status": ("상태", "status"),
    "result": ("결과", "result"),
    "attempt": ("시도", "attempt"),
    "input": ("입력", "input"),
    "reason": ("사유", "reason"),
    "digits": ("누른 번호", "keys"),
    "spooled_at": ("임시 저장 시각", "spooled at"),
    "recording.duration": ("녹음 길이", "recording length"),
}
# Values of the detail that are codes.
VALUE = {
    "bridged": ("상담원 연결", "answered"),
    "bridging-in-process": ("상담원 연결 중", "being answered"),
    "hangup": ("끊음", "hung up"),
    "leave": ("대기열 나감", "left"),
    "queue-full": ("대기열 가득 참", "queue full"),
    "redirected": ("넘어감", "moved on"),
    "error": ("오류", "error"),
    "system-error": ("시스템 오류", "system error"),
    "none": ("입력 없음", "no input"),
    "timeout": ("시간 초과", "timed out"),
    "invalid": ("잘못된 입력", "invalid input"),
}


def _table(prefix: str, rows: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{code}": {"ko": ko, "en": en} for code, (ko, en) in rows.items()}


register_messages(
    _table("sv.step", STEP)
    | _table("sv.call_status", CALL_STATUS)
    | _table("sv.recording_status", RECORDING_STATUS)
    | _table("sv.detail", DETAIL)
    | _table("sv.value", VALUE)
)
