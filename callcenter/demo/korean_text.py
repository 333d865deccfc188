"""Korean words for demo history: callers' companies, problems per topic, spoken menu answers."""

from __future__ import annotations

import random
from typing import Any

from routing.topic_result import MENU_GROUPS

COMPANIES = (
    "대성정밀",
    "한빛금속",
    "동양주물",
    "세진테크",
    "미래소재",
    "우리기계",
    "삼화산업",
    "금강열처리",
    "신흥화학",
    "대한섬유",
    "코리아로봇",
    "청정에너지",
    "바른의료기",
    "태광정공",
    "한국도금",
    "성우사출",
    "동진금형",
    "에이스용접",
    "정우전자",
    "해솔바이오",
)
ROLES = ("대표", "생산팀장", "품질 담당자", "연구소장", "공장장", "기술 담당자")

PROBLEMS: dict[str, tuple[str, ...]] = {
    "casting": (
        "알루미늄 다이캐스팅 제품에 기공이 계속 생겨서 불량률이 높습니다.",
        "주물 표면에 수축공이 생기는데 탕구 설계를 어떻게 바꿔야 할지 모르겠습니다.",
    ),
    "mold": (
        "프레스 금형 수명이 너무 짧아서 자주 교체하고 있습니다.",
        "금형 캐비티 부분이 빨리 마모돼서 치수가 안 맞습니다.",
    ),
    "injection": (
        "사출성형품에 웰드라인이랑 싱크마크가 생겨서 납품을 못 하고 있습니다.",
        "플라스틱 성형품이 휨이 심해서 조립이 안 됩니다.",
    ),
    "forming": (
        "단조품에 균열이 생기는데 원인을 모르겠습니다.",
        "판금 벤딩할 때 스프링백이 심해서 각도가 안 나옵니다.",
    ),
    "welding": (
        "스테인리스 용접 부위에 균열이 생깁니다.",
        "레이저 용접 품질이 일정하지 않아서 상담받고 싶습니다.",
    ),
    "surface": ("도금이 자꾸 벗겨지는 문제가 있습니다.", "아노다이징 색상이 균일하지 않습니다."),
    "heat": (
        "열처리 후에 경도가 기준보다 낮게 나옵니다.",
        "침탄 열처리를 하고 나면 변형이 생깁니다.",
    ),
    "materials": (
        "새로 쓰려는 합금 소재의 물성 데이터가 필요합니다.",
        "복합소재 강도가 설계값보다 낮게 나옵니다.",
    ),
    "machining": (
        "CNC 가공 정밀도가 떨어져서 공차를 못 맞추고 있습니다.",
        "공구 마모가 너무 빨라서 가공 조건을 상담받고 싶습니다.",
    ),
    "electric": (
        "제어 보드에서 노이즈 때문에 오작동이 납니다.",
        "모터 드라이버 회로가 자꾸 과열됩니다.",
    ),
    "chemical": (
        "접착제 경화가 제대로 안 돼서 문의드립니다.",
        "코팅액 배합 비율을 바꿨더니 물성이 달라졌습니다.",
    ),
    "textile": (
        "원단 염색이 고르게 안 나옵니다.",
        "기능성 섬유 시제품의 내구성 시험이 필요합니다.",
    ),
    "robot": (
        "생산 라인에 협동로봇을 도입하려는데 기술 상담이 필요합니다.",
        "비전 검사 자동화 시스템을 구축하고 싶습니다.",
    ),
    "bio": (
        "의료기기 인허가 전에 생체적합성 시험을 받아야 합니다.",
        "바이오 소재 배양 공정에서 오염이 생깁니다.",
    ),
    "energy": (
        "공장 에너지 사용량을 줄이는 방법을 알고 싶습니다.",
        "폐수 처리 설비 효율이 떨어져서 상담드립니다.",
    ),
    "cert": (
        "수출용 제품 KC 인증 시험을 받으려고 합니다.",
        "CE 인증에 필요한 시험 항목을 알고 싶습니다.",
    ),
    "equipment": (
        "3차원 측정기 같은 장비를 빌려 쓸 수 있는지 궁금합니다.",
        "시제품 제작에 필요한 장비 활용 지원을 신청하고 싶습니다.",
    ),
    "ip": (
        "개발한 기술로 특허를 출원하고 싶은데 절차를 모르겠습니다.",
        "연구소 기술이전을 받고 싶어서 문의드립니다.",
    ),
    "hr": (
        "기술 인력을 채용하고 싶은데 지원 사업이 있는지 궁금합니다.",
        "직원 기술 교육 프로그램을 알고 싶습니다.",
    ),
    "market": (
        "해외 판로 개척 지원을 받을 수 있는지 문의드립니다.",
        "수출 자금 지원 사업에 대해 알고 싶습니다.",
    ),
}
CLOSINGS = (
    "전문가 상담을 받고 싶습니다.",
    "방문해서 한번 봐 주실 수 있는지 궁금합니다.",
    "연락 부탁드립니다.",
    "어떻게 해결하면 좋을지 알려 주세요.",
)
# Menu topics by main-menu digit: the same groups the router uses as its prior.
MENU_TOPICS: dict[str, tuple[str, ...]] = MENU_GROUPS
MENU_SPEECH = {
    "1": ("기술 상담", "기술 애로 상담이요", "기술 문제 상담하려고요"),
    "2": ("장비", "시험 인증이요", "장비 활용"),
    "3": ("특허", "기술이전 문의요", "판로 상담"),
    "4": ("조회", "진행 상황 조회"),
    "0": ("상담원 연결해 주세요", "상담원"),
}
REGION_SPEECH = {
    "서울": "서울이요",
    "경기": "경기도 화성입니다",
    "인천": "인천 남동공단이요",
    "부산": "부산입니다",
    "대구": "대구요",
    "광주": "광주광역시요",
    "대전": "대전이요",
    "울산": "울산입니다",
    "경남": "창원이요",
    "경북": "구미입니다",
    "충남": "천안이요",
    "충북": "청주입니다",
    "전남": "여수요",
    "전북": "전주입니다",
    "강원": "원주요",
    "제주": "제주도요",
    "세종": "세종시요",
}


def transcript(
    rng: random.Random, topic: str, region: str | None, voicemail: bool
) -> tuple[str, list[dict[str, Any]]]:
    """A caller's spoken problem and Whisper-like segments (start/end seconds, text)."""
    company = rng.choice(COMPANIES)
    where = f"{region}에 있는 " if region and rng.random() < 0.6 else ""
    sentences = [
        f"안녕하세요. {where}{company} {rng.choice(ROLES)}입니다.",
        rng.choice(PROBLEMS[topic]),
        rng.choice(CLOSINGS),
    ]
    if voicemail:
        sentences.insert(0, "업무 시간이 끝나서 메시지 남깁니다.")
    segments: list[dict[str, Any]] = []
    clock = 0.4
    for sentence in sentences:
        length = round(0.14 * len(sentence) + rng.uniform(0.3, 1.2), 2)
        segments.append(
            {"start": round(clock, 2), "end": round(clock + length, 2), "text": sentence}
        )
        clock += length + rng.uniform(0.2, 0.8)
    return " ".join(sentences), segments
