"""Texts of the administration pages, Korean first."""

from callcenter.i18n import register_messages

_M: dict[str, tuple[str, str]] = {
    "nav.users": ("사용자 관리", "Users"),
    "sv.nav.users": ("사용자", "Users"),
    # Audit log labels of account changes (the audit page looks up sv.action.<action>).
    "sv.action.user.create": ("사용자 생성", "Created a user"),
    "sv.action.user.update": ("사용자 정보 변경", "Changed a user"),
    "sv.action.user.password": ("비밀번호 재설정", "Reset a password"),
    "sv.action.user.unlock": ("잠금 해제", "Unlocked an account"),
    "sv.action.user.deactivate": ("사용자 비활성화", "Deactivated a user"),
    "sv.action.user.reactivate": ("사용자 다시 활성화", "Reactivated a user"),
    # List
    "adm.users.title": ("사용자 관리", "Users"),
    "adm.users.count": ("{count}명", "{count} users"),
    "adm.users.empty": ("조건에 맞는 사용자가 없습니다.", "No users match."),
    "adm.users.new": ("새 사용자 만들기", "Create a user"),
    "adm.users.read_only": (
        "사용자 정보는 시스템 관리자만 바꿀 수 있습니다.",
        "Only administrators can change accounts.",
    ),
    "adm.filter.invalid": (
        "잘못된 조건은 무시했습니다: {fields}",
        "Ignored invalid filters: {fields}",
    ),
    "adm.filter.no_center": ("센터 없음", "No center"),
    "adm.col.username": ("아이디", "Username"),
    "adm.col.display_name": ("이름", "Display name"),
    "adm.col.role": ("역할", "Role"),
    "adm.col.center": ("센터", "Center"),
    "adm.col.state": ("상태", "State"),
    "adm.col.last_login": ("마지막 로그인", "Last sign-in"),
    "adm.col.created": ("만든 날", "Created"),
    "adm.col.language": ("언어", "Language"),
    "adm.never": ("없음", "never"),
    "adm.state.active": ("활성", "Active"),
    "adm.state.locked": ("잠김", "Locked"),
    "adm.state.inactive": ("비활성", "Inactive"),
    # One account
    "adm.user.title": ("{name} ({username})", "{name} ({username})"),
    "adm.user.back": ("사용자 목록으로", "Back to the user list"),
    "adm.user.facts": ("계정 정보", "Account"),
    "adm.user.locked_until": ("{until}까지 잠김", "locked until {until}"),
    "adm.user.failed_logins": ("연속 로그인 실패 {count}회", "{count} failed sign-ins in a row"),
    "adm.user.new_password": ("새 비밀번호", "New password"),
    "adm.user.new_password_note": (
        "이 비밀번호는 지금 한 번만 보입니다. 사용자에게 안전하게 전하고, 첫 로그인 뒤 "
        "바꾸도록 안내하세요.",
        "This password is shown only now. Give it to the user safely and ask them to "
        "change it after signing in.",
    ),
    "adm.user.self": ("내 계정", "My account"),
    "adm.user.history": ("최근 기록", "Recent history"),
    "adm.user.history_empty": ("기록이 없습니다.", "No entries."),
    "adm.user.audit_link": (
        "감사 로그에서 이 사용자의 행위 보기",
        "This user's actions in the audit log",
    ),
    "adm.profile.title": ("정보 변경", "Change details"),
    "adm.profile.submit": ("저장", "Save"),
    "adm.profile.center_hint": (
        "상담원은 센터가 꼭 있어야 합니다. 관리자는 비워 둘 수 있습니다.",
        "Operators need a center; supervisors and admins may have none.",
    ),
    "adm.profile.name_hint": ("비워 두면 아이디를 씁니다.", "Left empty, the username is used."),
    "adm.password.title": ("비밀번호 재설정", "Reset the password"),
    "adm.password.note": (
        "바꾸면 이 사용자의 열린 세션이 모두 끝나고 잠금도 풀립니다.",
        "Changing it ends all of this user's sessions and lifts any lockout.",
    ),
    "adm.password.choice": ("새 비밀번호", "New password"),
    "adm.password.generate": (
        "자동으로 만들기 (한 번만 보여 줌)",
        "Generate one (shown once)",
    ),
    "adm.password.type": ("직접 입력", "Type one"),
    "adm.password.password": ("비밀번호", "Password"),
    "adm.password.password2": ("비밀번호 확인", "Password again"),
    "adm.password.hint": ("{min}자 이상", "At least {min} characters"),
    "adm.password.submit": ("비밀번호 재설정", "Reset the password"),
    "adm.access.title": ("로그인 허용", "Sign-in"),
    "adm.access.unlock": ("잠금 해제", "Unlock"),
    "adm.access.deactivate": ("비활성화", "Deactivate"),
    "adm.access.deactivate_note": (
        "비활성화하면 바로 로그아웃되고 로그인할 수 없습니다. 처리 기록에는 이름이 남습니다.",
        "Deactivation signs the user out at once and blocks sign-in; history keeps the name.",
    ),
    "adm.access.reactivate": ("다시 활성화", "Reactivate"),
    "adm.access.reactivate_note": (
        "다시 로그인할 수 있게 됩니다. 예전 세션은 되살아나지 않습니다.",
        "The user may sign in again; old sessions stay ended.",
    ),
    "adm.access.self": (
        "자기 계정은 비활성화할 수 없습니다.",
        "You cannot deactivate your own account.",
    ),
    # Create
    "adm.new.title": ("새 사용자", "New user"),
    "adm.new.submit": ("사용자 만들기", "Create the user"),
    "adm.new.username_hint": (
        "영문자, 숫자, 마침표(.), 밑줄(_). 대소문자는 구별하지 않습니다.",
        "Letters, digits, '.' and '_'; letter case does not count.",
    ),
    "adm.new.errors": (
        "입력을 확인하세요: 잘못된 칸 {count}개",
        "Please check the form: {count} fields need attention",
    ),
    "adm.choose": ("선택하세요", "Choose"),
    # Flashes
    "adm.flash.created": ("사용자 {username}을(를) 만들었습니다.", "Created {username}."),
    "adm.flash.updated": ("{username}의 정보를 바꿨습니다.", "Saved {username}'s details."),
    "adm.flash.unchanged": ("바뀐 내용이 없습니다.", "Nothing changed."),
    "adm.flash.password": (
        "{username}의 비밀번호를 바꿨습니다. 열린 세션은 모두 끝났습니다.",
        "Reset {username}'s password; their sessions have ended.",
    ),
    "adm.flash.unlocked": ("{username}의 잠금을 풀었습니다.", "Unlocked {username}."),
    "adm.flash.not_locked": ("{username}은(는) 잠겨 있지 않습니다.", "{username} is not locked."),
    "adm.flash.deactivated": (
        "{username}을(를) 비활성화했습니다. 열린 세션은 모두 끝났습니다.",
        "Deactivated {username}; their sessions have ended.",
    ),
    "adm.flash.already_deactivated": (
        "{username}은(는) 이미 비활성 상태입니다.",
        "{username} is already inactive.",
    ),
    "adm.flash.reactivated": ("{username}을(를) 다시 활성화했습니다.", "Reactivated {username}."),
    "adm.flash.already_reactivated": (
        "{username}은(는) 이미 활성 상태입니다.",
        "{username} is already active.",
    ),
}

register_messages({key: {"ko": ko, "en": en} for key, (ko, en) in _M.items()})
