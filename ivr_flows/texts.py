"""Everything the IVR says, Korean first, English for callers who pressed 9."""

from __future__ import annotations

from collections.abc import Sequence

TEXTS: dict[str, dict[str, str]] = {
    "ko": {
        "greeting": "안녕하십니까. 중소기업 기술지원 통합콜센터 1379입니다.",
        "notice": "정확한 접수와 상담 품질 향상을 위해 통화 내용이 녹음됩니다.",
        "menu": (
            "기술 애로 상담 접수는 1번, 시험·인증과 장비 활용 문의는 2번, "
            "특허·기술이전·인력·판로 지원은 3번, 접수하신 건의 진행 상황 조회는 4번, "
            "상담원 연결은 0번을 눌러 주세요. 원하시는 내용을 말씀하셔도 됩니다."
        ),
        "invalid": "잘못 누르셨습니다. 다시 선택해 주세요.",
        "no_input": "입력이 확인되지 않았습니다. 다시 안내해 드리겠습니다.",
        "to_operator": "상담원에게 연결해 드리겠습니다.",
        "live_next": "다른 상담원에게 연결해 드리겠습니다. 잠시만 기다려 주세요.",
        "region": "정확한 지역 센터 배정을 위해 지역을 선택해 주세요. {options} "
        "계신 지역을 말씀하셔도 됩니다.",
        "region_option": "{name}{topic} {digit}번",
        "region_retry": "지역을 확인하지 못했습니다. 다시 한 번 선택해 주세요.",
        "record": (
            "삐 소리가 나면 회사 이름과 겪고 계신 문제를 말씀해 주세요. "
            "마치시면 우물 정자를 눌러 주세요."
        ),
        "closed": "지금은 상담 시간이 아닙니다. 상담 시간은 {hours}이며, 공휴일은 쉽니다.",
        "busy": "지금은 모든 상담원이 통화 중이라 연결이 어렵습니다.",
        "voicemail": (
            "삐 소리가 나면 회사 이름과 용건을 말씀해 주세요. 확인 후 연락드리겠습니다. "
            "마치시면 우물 정자를 눌러 주세요."
        ),
        "record_again": "녹음된 내용이 없습니다. 다시 한 번 말씀해 주세요.",
        "record_none": "녹음이 확인되지 않아 통화를 마칩니다. 다시 전화해 주세요.",
        "received": "접수가 완료되었습니다. 접수번호는 {number} 입니다.",
        "repeat_last4": "다시 한 번 말씀드립니다. 접수번호 끝 네 자리는 {last4} 입니다.",
        "sms": "접수번호는 문자 메시지로도 보내 드립니다.",
        "follow_up": "담당 센터에서 내용을 확인한 뒤 연락드리겠습니다.",
        "goodbye": "이용해 주셔서 감사합니다. 안녕히 계십시오.",
        "lookup": "접수번호 끝 네 자리를 눌러 주세요.",
        "lookup_found": "접수번호 끝 네 자리 {last4} 건은 현재 {status} 상태입니다.",
        "lookup_center": "담당 센터는 {center}입니다.",
        "lookup_missing": "이 전화번호로 접수된 건 중에서 일치하는 접수번호를 찾지 못했습니다.",
        "lookup_retry": "다시 한 번 끝 네 자리를 눌러 주세요.",
        "lookup_no_caller": (
            "발신번호가 표시되지 않아 접수 건을 조회할 수 없습니다. 다른 메뉴를 선택해 주세요."
        ),
        "enqueue": "상담원에게 연결해 드리겠습니다. 잠시만 기다려 주세요.",
        "queue_position": "고객님의 대기 순서는 {ordinal} 번째입니다.",
        "queue_offer": "1번을 누르시면 순서를 유지한 채 상담원이 다시 전화드립니다.",
        "callback_ok": (
            "다시 전화 요청이 접수되었습니다. 대기 순서대로 상담원이 이 번호로 전화드리겠습니다. "
            "접수번호 끝 네 자리는 {last4} 입니다."
        ),
        "callback_no_caller": (
            "발신번호가 표시되지 않아 다시 전화드릴 수 없습니다. 조금만 더 기다려 주세요."
        ),
        "fallback": (
            "죄송합니다. 지금은 시스템 사정으로 상담 연결이 어렵습니다. "
            "삐 소리가 나면 회사 이름과 연락처, 용건을 남겨 주세요. 확인 후 연락드리겠습니다."
        ),
        "fallback_thanks": "말씀 남겨 주셔서 감사합니다. 안녕히 계십시오.",
    },
    "en": {
        "greeting": (
            "Welcome to 1379, the technical support hotline for small and medium businesses."
        ),
        "notice": "This call is recorded for accurate intake and quality of service.",
        "menu": (
            "To report a technical problem, press 1. For testing, certification or equipment, "
            "press 2. For patents, technology transfer, staffing or sales channels, press 3. "
            "To check the status of a request, press 4. To speak with an agent, press 0. "
            "You can also say what you need."
        ),
        "english": "For English, press 9.",
        "invalid": "Sorry, that is not a valid choice. Please try again.",
        "no_input": "We did not receive your choice. Here are the options again.",
        "to_operator": "Let me connect you to an agent.",
        "live_next": "Connecting you to another agent. Please hold.",
        "region": "So that the right regional center handles your request, please choose your "
        "region. {options} You can also say where you are.",
        "region_option": "for {name}, press {digit}",
        "region_retry": "Sorry, we could not tell your region. Please choose once more.",
        "record": (
            "After the beep, please tell us your company name and the problem you are facing. "
            "Press the pound key when you are done."
        ),
        "closed": "We are closed now. Our hours are {hours}, except public holidays.",
        "busy": "All our agents are busy at the moment.",
        "voicemail": (
            "After the beep, please leave your company name and your request. We will call you "
            "back. Press the pound key when you are done."
        ),
        "record_again": "We did not hear anything. Please try once more.",
        "record_none": (
            "We did not receive a recording, so we will end the call. Please call again."
        ),
        "received": "Your request has been received. Your ticket number is {number}.",
        "repeat_last4": "Once more, the last four digits are {last4}.",
        "sms": "We will also send the number by text message.",
        "follow_up": "The responsible center will review it and contact you.",
        "goodbye": "Thank you for calling. Goodbye.",
        "lookup": "Please enter the last four digits of your ticket number.",
        "lookup_found": "The request ending in {last4} is currently {status}.",
        "lookup_center": "It is handled by {center}.",
        "lookup_missing": "We found no request from this phone number with those digits.",
        "lookup_retry": "Please enter the last four digits again.",
        "lookup_no_caller": (
            "Your caller ID is hidden, so we cannot look up your requests. "
            "Please choose another option."
        ),
        "enqueue": "Connecting you to an agent. Please hold.",
        "queue_position": "You are number {position} in line.",
        "queue_offer": "Press 1 and an agent will call you back without losing your place.",
        "callback_ok": (
            "Your callback request is registered. An agent will call this number in turn. "
            "The last four digits of your ticket are {last4}."
        ),
        "callback_no_caller": (
            "Your caller ID is hidden, so we cannot call you back. Please keep holding."
        ),
        "fallback": (
            "We are sorry, we cannot take your call right now. After the beep, please leave "
            "your company name, phone number and request."
        ),
        "fallback_thanks": "Thank you for your message. Goodbye.",
    },
}

STATUS_NAMES: dict[str, dict[str, str]] = {
    "ko": {
        "received": "접수 완료",
        "transcribing": "접수 내용 확인 중",
        "routed": "담당 센터 배정 완료",
        "assigned": "담당자 배정 완료",
        "in_progress": "처리 중",
        "resolved": "처리 완료",
        "follow_up_done": "사후 확인 완료",
        "closed": "종결",
        "needs_review": "상담원 검토 중",
    },
    "en": {
        "received": "received",
        "transcribing": "being reviewed",
        "routed": "assigned to a center",
        "assigned": "assigned to an agent",
        "in_progress": "in progress",
        "resolved": "resolved",
        "follow_up_done": "followed up",
        "closed": "closed",
        "needs_review": "under review by an agent",
    },
}

_KO_DIGITS = "공일이삼사오육칠팔구"
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def text(lang: str, key: str, **values: object) -> str:
    """The prompt ``key`` in ``lang`` (Korean when the English one is missing)."""
    template = TEXTS.get(lang, TEXTS["ko"]).get(key) or TEXTS["ko"][key]
    return template.format(**values)


def topic_particle(word: str) -> str:
    """은 after a final consonant, 는 after a vowel (서울·인천·경기는, 강원은)."""
    last = word.strip()[-1:] if word.strip() else ""
    if "가" <= last <= "힣":
        return "은" if (ord(last) - ord("가")) % 28 else "는"
    return "은(는)"


def status_name(lang: str, status: str) -> str:
    """A ticket status as the caller hears it."""
    return STATUS_NAMES.get(lang, STATUS_NAMES["ko"]).get(status, status)


def spell_digits(value: str, lang: str = "ko") -> str:
    """Read a number digit by digit: "1379-0042" → "일 삼 칠 구, 공 공 사 이"."""
    names: Sequence[str] = _KO_DIGITS if lang == "ko" else _EN_DIGITS
    groups = [g for g in value.split("-") if g]
    spoken = [" ".join(names[int(c)] for c in g if c.isdigit()) for g in groups]
    return ", ".join(s for s in spoken if s)


_KO_ONES = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉")
_KO_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")


def korean_ordinal(n: int) -> str:
    """Native Korean ordinal stem: 1 → "첫", 2 → "두", 20 → "스무", 21 → "스물한"."""
    if n == 1:
        return "첫"
    if not 1 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 2 and ones == 0:
        return "스무"
    return _KO_TENS[tens] + _KO_ONES[ones]


def _clock_ko(minute: int) -> str:
    hour, rest = divmod(minute, 60)
    if hour in (0, 24) and rest == 0:
        return "자정"
    period = "오전" if hour < 12 else "낮" if hour == 12 else "오후"
    shown = hour if hour <= 12 else hour - 12
    return f"{period} {shown}시" + (f" {rest}분" if rest else "")


def _clock_en(minute: int) -> str:
    hour, rest = divmod(minute, 60)
    suffix = "a.m." if hour < 12 or hour == 24 else "p.m."
    shown = hour % 12 or 12
    return f"{shown}:{rest:02d} {suffix}" if rest else f"{shown} {suffix}"


_DAYS_KO = ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일")
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _days(lang: str, weekdays: Sequence[int]) -> str:
    days = sorted(weekdays)
    names = _DAYS_EN if lang == "en" else _DAYS_KO
    if days == [0, 1, 2, 3, 4]:
        return "weekdays" if lang == "en" else "평일"
    if len(days) > 1 and days == list(range(days[0], days[-1] + 1)):
        first, last = names[days[0]], names[days[-1]]
        return f"{first} to {last}" if lang == "en" else f"{first}부터 {last}까지"
    return ", ".join(names[d] for d in days)


def describe_hours(lang: str, weekdays: Sequence[int], open_minute: int, close_minute: int) -> str:
    """Business hours in words: "평일 오전 9시부터 오후 6시까지"."""
    days = _days(lang, weekdays)
    if lang == "en":
        return f"{days}, {_clock_en(open_minute)} to {_clock_en(close_minute)}"
    return f"{days} {_clock_ko(open_minute)}부터 {_clock_ko(close_minute)}까지"
