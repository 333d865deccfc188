"""Catalogue CSV import and export: good rows kept, bad rows named by line, repeats idle."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from callcenter.catalogue.columns import KINDS
from callcenter.catalogue.demo import demo_rows
from callcenter.catalogue.rows import CatalogueFileError, cell
from callcenter.catalogue.store import export_csv, import_file
from callcenter.db import db
from callcenter.models import CatalogueTerm, Equipment

EQUIPMENT_HEADER = (
    "id,name_ko,name_en,category,topics,institute,center,lat,lon,keywords,booking_contact,fee_note"
)
GOOD_EQUIPMENT = (
    EQUIPMENT_HEADER + "\n"
    "EQ-1,염수분무 시험기,Salt spray tester,신뢰성 시험장비,surface;cert,KITECH,BUSAN,"
    "35.175,128.989,"
    "염수분무;내식성;도금,장비 담당 051-974-9000,중소기업 50% 할인\n"
    "EQ-2,FDM 3D 프린터,FDM 3D printer,시제품 제작장비,equipment,KITECH,ANSAN,,,"
    "3D 프린팅;시제품,,\n"
    'EQ-3,"만능재료시험기, 100 kN",Universal testing machine,시험장비,materials;cert,KIMS,,'
    "35.228,128.6811,인장 시험;강도,055-280-3000,\n"
)


def write(tmp_path: Path, body: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_good_file_is_imported_with_lists_points_and_index(app: Flask, tmp_path: Path):
    with app.app_context():
        report = import_file(db.session(), KINDS["equipment"], write(tmp_path, GOOD_EQUIPMENT))
        db.session.commit()
        assert (report.inserted, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
        salt = db.session.get(Equipment, "EQ-1")
        assert salt is not None
        assert salt.topics == ["surface", "cert"]
        assert salt.keywords == ["염수분무", "내식성", "도금"]
        assert (salt.center, salt.lat, salt.lon, salt.demo) == ("BUSAN", 35.175, 128.989, False)
        printer = db.session.get(Equipment, "EQ-2")
        assert printer is not None and (printer.lat, printer.lon, printer.fee_note) == (
            None,
            None,
            "",
        )
        quoted = db.session.get(Equipment, "EQ-3")
        assert quoted is not None and quoted.name_ko == "만능재료시험기, 100 kN"
        assert quoted.center is None
        terms = set(
            db.session.scalars(
                select(CatalogueTerm.term).where(CatalogueTerm.resource_id == "EQ-1")
            )
        )
        assert {"w:염수분무", "b:염수", "b:도금", "t:cert", "*"} <= terms
        # A resource without a point of its own stands at its center's.
        point = db.session.execute(
            select(CatalogueTerm.lat, CatalogueTerm.lon).where(
                CatalogueTerm.resource_id == "EQ-2", CatalogueTerm.term == "*"
            )
        ).one()
        assert tuple(point) == (37.291, 126.84)


def test_bad_rows_are_reported_by_line_with_a_korean_reason_and_good_rows_kept(
    app: Flask, tmp_path: Path
):
    body = (
        EQUIPMENT_HEADER + "\n"
        "EQ-1,염수분무 시험기,,,surface,KITECH,,,,,,\n"  # 2: good
        "EQ-2,시험기,,,surface,NOPE,,,,,,\n"  # 3: unknown institute
        "EQ-3,시험기,,,surface;plating,KITECH,,,,,,\n"  # 4: bad topic code
        "EQ-4,시험기,,,surface,KITECH,,north,127.0,,,\n"  # 5: lat not a number
        "EQ-5,시험기,,,surface,KITECH,,51.5,-0.1,,,\n"  # 6: outside Korea
        "EQ-6,,,,surface,KITECH,,,,,,\n"  # 7: missing name
        "EQ-1,다른 이름,,,surface,KITECH,,,,,,\n"  # 8: duplicate id in the file
        "EQ-7,시험기,,,surface,KITECH\n"  # 9: too few columns
        "\n"  # 10: blank, skipped
        "EQ-8,시험기,,,surface,KITECH,MARS,,,,,\n"  # 11: unknown center
        "EQ-9,시험기,,,surface,KITECH,,36.0,,,,\n"  # 12: lat without lon
        "EQ-10,3D 프린터,,,equipment,KBSI,,,,,,\n"  # 13: good
    )
    with app.app_context():
        report = import_file(db.session(), KINDS["equipment"], write(tmp_path, body))
        db.session.commit()
        reasons = {e.line: e.reason for e in report.errors}
        assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 11, 12]
        assert "알 수 없는 기관 코드 'NOPE'" in reasons[3]
        assert "알 수 없는 주제 코드: 'plating'" in reasons[4]
        assert "위도(lat)가 숫자가 아닙니다: 'north'" in reasons[5]
        assert "대한민국 범위" in reasons[6] and "경도(lon)" in reasons[6]
        assert "필수 항목 'name_ko'이(가) 비어 있습니다" in reasons[7]
        assert "id 'EQ-1'가 중복됩니다 (2행에 이미 있음)" in reasons[8]
        assert "열 개수가 헤더와 다릅니다" in reasons[9]
        assert "알 수 없는 센터 코드 'MARS'" in reasons[11]
        assert "함께" in reasons[12]
        assert report.inserted == 2
        assert set(db.session.scalars(select(Equipment.id))) == {"EQ-1", "EQ-10"}
        assert db.session.get(Equipment, "EQ-1").name_ko == "염수분무 시험기"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("id,name_ko,topics", "없는 열: name_en, category"),
        (EQUIPMENT_HEADER + ",colour", "모르는 열: colour"),
        (EQUIPMENT_HEADER.replace("name_en", "name_ko"), "두 번 나온 열: name_ko"),
        ("", "빈 파일"),
    ],
)
def test_a_wrong_header_rejects_the_file(app: Flask, tmp_path: Path, header: str, fragment: str):
    path = write(tmp_path, header + ("\nEQ-1,시험기\n" if header else ""))
    with app.app_context():
        with pytest.raises(CatalogueFileError) as caught:
            import_file(db.session(), KINDS["equipment"], path)
        assert fragment in str(caught.value)
        assert str(caught.value).startswith("1행")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Equipment)) == 0


def test_a_file_that_is_not_utf8_is_rejected(app: Flask, tmp_path: Path):
    path = tmp_path / "euc-kr.csv"
    path.write_bytes(GOOD_EQUIPMENT.encode("euc-kr"))
    with app.app_context(), pytest.raises(CatalogueFileError, match="UTF-8"):
        import_file(db.session(), KINDS["equipment"], path)


def test_a_utf8_file_with_a_byte_order_mark_is_read(app: Flask, tmp_path: Path):
    path = tmp_path / "excel.csv"
    path.write_bytes(GOOD_EQUIPMENT.encode("utf-8-sig"))
    with app.app_context():
        assert import_file(db.session(), KINDS["equipment"], path).inserted == 3


def test_a_repeated_import_changes_nothing_and_a_changed_row_is_updated(app: Flask, tmp_path: Path):
    path = write(tmp_path, GOOD_EQUIPMENT)
    with app.app_context():
        import_file(db.session(), KINDS["equipment"], path)
        db.session.commit()
        postings = db.session.execute(
            select(CatalogueTerm.term, CatalogueTerm.resource_id, CatalogueTerm.weight)
        ).all()
        again = import_file(db.session(), KINDS["equipment"], path)
        db.session.commit()
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
        assert sorted(
            db.session.execute(
                select(CatalogueTerm.term, CatalogueTerm.resource_id, CatalogueTerm.weight)
            ).all()
        ) == sorted(postings)

        changed = write(tmp_path, GOOD_EQUIPMENT.replace("FDM", "SLA"), "2.csv")
        report = import_file(db.session(), KINDS["equipment"], changed)
        db.session.commit()
        assert (report.inserted, report.updated, report.unchanged) == (0, 1, 2)
        assert db.session.get(Equipment, "EQ-2").name_ko == "SLA 3D 프린터"  # type: ignore[union-attr]
        terms = set(
            db.session.scalars(
                select(CatalogueTerm.term).where(CatalogueTerm.resource_id == "EQ-2")
            )
        )
        assert "w:sla" in terms and "w:fdm" not in terms


def test_a_dry_run_counts_but_writes_nothing(app: Flask, runner, tmp_path: Path):
    path = write(tmp_path, GOOD_EQUIPMENT)
    result = runner.invoke(
        args=["catalogue", "import", str(path), "--kind", "equipment", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "점검만 함" in result.stdout and "추가 3" in result.stdout
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Equipment)) == 0
        assert db.session.scalar(select(func.count()).select_from(CatalogueTerm)) == 0


def test_the_cli_lists_bad_rows_by_file_and_line(app: Flask, runner, tmp_path: Path):
    path = write(tmp_path, GOOD_EQUIPMENT + "EQ-4,시험기,,,surface,NOPE,,,,,,\n", "equipment.csv")
    result = runner.invoke(args=["catalogue", "import", str(path), "--kind", "equipment"])
    assert result.exit_code == 0, result.output
    assert "equipment.csv:5: 알 수 없는 기관 코드 'NOPE'" in result.stderr
    assert "추가 3" in result.stdout and "오류 1행" in result.stdout
    wrong = runner.invoke(args=["catalogue", "import", str(path), "--kind", "lab"])
    assert wrong.exit_code != 0 and "헤더가 잘못되었습니다" in wrong.output


def test_twenty_thousand_rows_import(app: Flask, tmp_path: Path):
    kind = KINDS["equipment"]
    rows = demo_rows("equipment", seed=3, count=20_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(kind.header)
    for row in rows:
        writer.writerow([cell(row[c]) for c in kind.header])
    path = write(tmp_path, out.getvalue())
    with app.app_context():
        report = import_file(db.session(), kind, path)
        db.session.commit()
        assert (report.inserted, report.errors) == (20_000, [])
        assert db.session.scalar(select(func.count()).select_from(Equipment)) == 20_000
        last = db.session.get(Equipment, "EQ-20000")
        assert last is not None
        assert (last.name_ko, last.topics, last.institute, last.lat) == (
            rows[-1]["name_ko"],
            rows[-1]["topics"],
            rows[-1]["institute"],
            rows[-1]["lat"],
        )
        indexed = db.session.scalar(
            select(func.count()).where(CatalogueTerm.term == "*", CatalogueTerm.kind == "equipment")
        )
        assert indexed == 20_000


@pytest.mark.parametrize("kind", list(KINDS))
def test_export_writes_the_import_format_and_round_trips(app: Flask, tmp_path: Path, kind: str):
    spec = KINDS[kind]
    rows = demo_rows(kind, seed=11, count=40)
    canonical = io.StringIO()
    writer = csv.writer(canonical, lineterminator="\n")
    writer.writerow(spec.header)
    for row in sorted(rows, key=lambda r: r["id"]):
        writer.writerow([cell(row[c]) for c in spec.header])
    path = write(tmp_path, canonical.getvalue())
    with app.app_context():
        assert import_file(db.session(), spec, path).inserted == 40
        db.session.commit()
        exported = io.StringIO()
        assert export_csv(db.session(), spec, exported) == 40
        assert exported.getvalue() == canonical.getvalue()
        again = import_file(db.session(), spec, write(tmp_path, exported.getvalue(), "again.csv"))
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 40)


def test_the_export_command_writes_a_file(app: Flask, runner, tmp_path: Path):
    runner.invoke(
        args=["catalogue", "import", str(write(tmp_path, GOOD_EQUIPMENT)), "--kind", "equipment"]
    )
    target = tmp_path / "out.csv"
    result = runner.invoke(args=["catalogue", "export", "--kind", "equipment", "-o", str(target)])
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == EQUIPMENT_HEADER and len(lines) == 4
    assert lines[1].startswith("EQ-1,염수분무 시험기,")
    to_stdout = runner.invoke(args=["catalogue", "export", "--kind", "equipment"])
    assert to_stdout.stdout.splitlines() == lines
