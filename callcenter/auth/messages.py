"""Texts of the sign-in pages, the shared layout and the error pages."""

from callcenter.i18n import register_messages

register_messages(
    {
        "app.name": {"ko": "1379 중소기업 기술지원 콜센터", "en": "1379 SME Tech Support Hotline"},
        "app.short": {"ko": "1379 콜센터", "en": "1379 Hotline"},
        "layout.skip": {"ko": "본문 바로가기", "en": "Skip to main content"},
        "layout.nav": {"ko": "주 메뉴", "en": "Main menu"},
        "layout.language": {"ko": "언어", "en": "Language"},
        "layout.signed_in_as": {"ko": "{name} ({role})", "en": "{name} ({role})"},
        "layout.sign_out": {"ko": "로그아웃", "en": "Sign out"},
        "lang.ko": {"ko": "한국어", "en": "한국어 (Korean)"},
        "lang.en": {"ko": "English (영어)", "en": "English"},
        "nav.inbox": {"ko": "접수함", "en": "Inbox"},
        "nav.calls": {"ko": "통화 기록", "en": "Call log"},
        "nav.dashboard": {"ko": "대시보드", "en": "Dashboard"},
        "nav.audit": {"ko": "감사 로그", "en": "Audit log"},
        "role.operator": {"ko": "상담원", "en": "Operator"},
        "role.supervisor": {"ko": "관리자", "en": "Supervisor"},
        "role.admin": {"ko": "시스템 관리자", "en": "Administrator"},
        "login.title": {"ko": "로그인", "en": "Sign in"},
        "login.username": {"ko": "아이디", "en": "Username"},
        "login.password": {"ko": "비밀번호", "en": "Password"},
        "login.submit": {"ko": "로그인", "en": "Sign in"},
        "login.failed": {
            "ko": "아이디 또는 비밀번호가 올바르지 않습니다. 여러 번 틀리면 계정이 잠시 잠깁니다.",
            "en": "Wrong username or password. Repeated failures lock the account for a while.",
        },
        "login.locked": {
            "ko": "로그인 시도가 너무 많아 계정이 잠겼습니다. {minutes}분 뒤에 다시 시도하거나 "
            "관리자에게 문의하세요.",
            "en": "Too many attempts: the account is locked. Try again in {minutes} minutes "
            "or ask an administrator.",
        },
        "login.throttled": {
            "ko": "이 주소에서 로그인 실패가 너무 많습니다. 잠시 후 다시 시도하세요.",
            "en": "Too many failed sign-ins from this address. Please try again later.",
        },
        "login.expired": {
            "ko": "근무 세션이 만료되었습니다. 다시 로그인하세요.",
            "en": "Your session has expired. Please sign in again.",
        },
        "login.signed_out": {"ko": "로그아웃되었습니다.", "en": "You have signed out."},
        "login.required": {"ko": "로그인이 필요합니다.", "en": "Please sign in."},
        "error.title": {"ko": "오류", "en": "Error"},
        "error.back": {"ko": "접수함으로 돌아가기", "en": "Back to the inbox"},
        "error.unauthorized": {"ko": "로그인이 필요합니다.", "en": "Sign-in required."},
        "error.forbidden": {
            "ko": "이 페이지를 볼 권한이 없습니다.",
            "en": "You do not have permission for this page.",
        },
        "error.not_found": {"ko": "찾을 수 없습니다.", "en": "Not found."},
        "error.csrf": {
            "ko": "보안 토큰이 없거나 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도하세요.",
            "en": "The security token is missing or expired. Reload the page and try again.",
        },
        "error.bad_request": {"ko": "잘못된 요청입니다.", "en": "Bad request."},
        "error.too_large": {
            "ko": "요청이 너무 큽니다. 내용을 줄여 다시 보내 주세요.",
            "en": "The request is too large. Please send less.",
        },
        "error.method": {"ko": "허용되지 않는 요청 방식입니다.", "en": "Method not allowed."},
        "error.too_many": {
            "ko": "요청이 너무 많습니다. 잠시 후 다시 시도하세요.",
            "en": "Too many requests. Please try again later.",
        },
        # Why an account cannot be created or changed (UserError); the CLI prints the English.
        "user.error.username_format": {
            "ko": "아이디는 영문자, 숫자, 마침표(.), 밑줄(_)로 {max}자 이내로 입력하세요.",
            "en": "letters, digits, '.' and '_' only, up to {max} characters",
        },
        "user.error.username_taken": {
            "ko": "이미 있는 아이디입니다: {username} (대소문자는 구별하지 않습니다).",
            "en": "{username!r} already exists (letter case does not count)",
        },
        "user.error.display_name": {
            "ko": "이름은 {max}자 이내로, 줄바꿈 없이 입력하세요.",
            "en": "up to {max} characters, on one line",
        },
        "user.error.role": {
            "ko": "역할을 선택하세요.",
            "en": "expected one of {roles}",
        },
        "user.error.center_required": {
            "ko": "상담원은 소속 센터가 있어야 합니다.",
            "en": "an operator belongs to a center",
        },
        "user.error.center_unknown": {
            "ko": "없는 센터입니다: {code}",
            "en": "unknown center code {code!r}",
        },
        "user.error.language": {"ko": "언어를 선택하세요.", "en": "expected ko or en"},
        "user.error.password_short": {
            "ko": "비밀번호는 {min}자 이상이어야 합니다.",
            "en": "at least {min} characters",
        },
        "user.error.password_long": {
            "ko": "비밀번호는 {max}자 이내여야 합니다.",
            "en": "at most {max} characters",
        },
        "user.error.password_guessable": {
            "ko": "짐작하기 쉬운 비밀번호입니다. 흔한 비밀번호, 반복되는 글자, 아이디·이름·1379·"
            "센터 이름으로 만든 비밀번호는 쓸 수 없습니다.",
            "en": "too easy to guess: not a common password, repeated characters, or the "
            "username, names, 1379 or center names",
        },
        "user.error.password_mismatch": {
            "ko": "두 번 입력한 비밀번호가 서로 다릅니다.",
            "en": "the two passwords differ",
        },
        "user.error.password_mode": {
            "ko": "비밀번호를 직접 입력할지 자동으로 만들지 고르세요.",
            "en": "choose to type a password or generate one",
        },
        "user.error.self_deactivate": {
            "ko": "자기 계정은 비활성화할 수 없습니다.",
            "en": "you cannot deactivate your own account",
        },
        "user.error.self_demote": {
            "ko": "자기 계정의 시스템 관리자 권한은 내려놓을 수 없습니다. "
            "다른 관리자에게 요청하세요.",
            "en": "you cannot take the administrator role from yourself; ask another admin",
        },
        "user.error.last_admin": {
            "ko": "활성 시스템 관리자가 이 계정 하나뿐이라 비활성화하거나 역할을 바꿀 수 없습니다. "
            "먼저 다른 관리자를 만드세요.",
            "en": "this is the only active administrator; create another one first",
        },
    }
)
