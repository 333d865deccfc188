"""One way to show records everywhere: names of topics and centers, numbers formatted and masked."""

from __future__ import annotations

import logging
import re

import phonenumbers
import pytest
from flask import g

from callcenter.display import (
    caller_text,
    center_name,
    csv_cell,
    install_log_masking,
    is_code,
    mask_number,
    mask_numbers_in,
    names,
    national_format,
    sees_full_numbers,
    shown_detail,
    topic_name,
)

NUMBERS = [
    "+821012345678",
    "+8221234567",
    "+82212345678",
    "+82325551234",
    "+82315551234",
    "+82641234567",
    "+827012345678",
    "+8215881234",
    "+8280012345678",
    "+14155550100",
]


@pytest.mark.parametrize("number", NUMBERS)
def test_fast_korean_format_agrees_with_phonenumbers(number):
    expected = phonenumbers.format_number(
        phonenumbers.parse(number, "KR"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert national_format(number) == expected


@pytest.mark.parametrize("number", NUMBERS)
def test_mask_hides_all_but_the_last_four_digits_of_the_national_format(number):
    shown = phonenumbers.format_number(
        phonenumbers.parse(number, "KR"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert mask_number(number) == re.sub(r"[0-9]", "•", shown[:-4]) + shown[-4:]


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+821012345678", "•••-••••-5678"),
        ("+8221234567", "••-•••-4567"),
        ("Anonymous", "Anonymous"),
        ("", ""),
        ("+82325551234", "•••-•••-1234"),
        ("+827012345678", "•••-••••-5678"),
    ],
)
def test_mask_keeps_only_the_last_four_digits(number, masked):
    assert mask_number(number) == masked
    assert sum(ch.isdigit() for ch in mask_number(number)) <= 4


def test_names_in_the_readers_language(app):
    with app.test_request_context():
        assert topic_name("casting") == "주조" and center_name("INCHEON") == "뿌리기술연구소(인천)"
        assert names("topic")["casting"] == "주조"
        assert names("topic", "en")["casting"] == "Casting"
        g._language = "en"
        assert topic_name("casting") == "Casting"


def test_unknown_codes_show_as_themselves_and_none_as_the_placeholder(app):
    with app.test_request_context():
        assert topic_name("nonsense") == "nonsense"
        assert topic_name(None) == "—" and center_name("") == "—"
        assert center_name("-", unset="–") == "–"  # the rollups' key for "no center"
        assert is_code("center", "INCHEON") and not is_code("topic", "INCHEON")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("GET /console/?q=010-1234-5678 HTTP/1.1", "GET /console/?q=•••-••••-5678 HTTP/1.1"),
        ("GET /calls?q=01012345678&sort=", "GET /calls?q=•••-••••-5678&sort="),
        ("From=%2B821012345678&CallSid=CA1", "From=•••-••••-5678&CallSid=CA1"),
        ("To number +821012345678 is not valid", "To number •••-••••-5678 is not valid"),
        ("Seoul 02-123-4567, Incheon 032 555 1234", "Seoul ••-•••-4567, Incheon •••-•••-1234"),
        # Not phone numbers: ticket numbers, CallSids, times, counts.
        ("ticket 1379-20261105-0042", "ticket 1379-20261105-0042"),
        ("CA0101234567890123456789abcdef0123", "CA0101234567890123456789abcdef0123"),
        ("at 2026-11-05 12:34:56 took 0.1234567 s", "at 2026-11-05 12:34:56 took 0.1234567 s"),
        ("recording 1234567890", "recording 1234567890"),
    ],
)
def test_numbers_inside_text_are_masked_and_nothing_else(text, shown):
    assert mask_numbers_in(text) == shown


def test_withheld_numbers_say_so_in_the_readers_language(app):
    with app.test_request_context():
        for number in ("", None, "Anonymous", "Restricted", "+266696687"):
            assert caller_text(number, full=True) == "발신번호 없음"
        g._language = "en"
        assert caller_text("anonymous", full=False) == "No caller ID"
        assert caller_text("+821012345678", full=False) == "•••-••••-5678"
        assert caller_text("+821012345678", full=True) == "010-1234-5678"


def test_event_details_mask_callers_unless_the_reader_sees_full_numbers(app):
    detail = {"from": "+821012345678", "to": "+8221379000", "region": "인천", "n": 3}
    with app.test_request_context():
        masked = shown_detail(detail, full=False)
        assert masked["from"] == "•••-••••-5678"
        assert "21379000" not in masked["to"] and masked["region"] == "인천" and masked["n"] == 3
        whole = shown_detail(detail, full=True)
        assert whole["from"] == "010-1234-5678" and whole["to"] == "+8221379000"


def test_only_admins_see_full_numbers_in_lists_and_exports():
    assert sees_full_numbers("admin")
    assert not sees_full_numbers("supervisor") and not sees_full_numbers("operator")


@pytest.mark.parametrize("text", ["=1+1", "+82101234", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(text):
    assert csv_cell(text) == "'" + text
    assert csv_cell("1379-20261105-0042") == "1379-20261105-0042"
    assert csv_cell(-3) == -3 and csv_cell(None) is None


def test_log_records_carry_masked_numbers(caplog):
    install_log_masking()
    install_log_masking()  # twice: still one layer
    log = logging.getLogger("callcenter.test_display")
    with caplog.at_level(logging.INFO, logger="callcenter.test_display"):
        log.info("SMS to %s failed: %s", "+821012345678", "The 'To' number +821012345678")
        log.info('%(h)s "%(r)s"', {"h": "127.0.0.1", "r": "GET /console/?q=010-1234-5678"})
        log.info("caller 010-9876-5432 called")
        # gunicorn's access log: its atoms (a dict subclass) answer '-' for missing keys.
        from gunicorn.glogging import SafeAtoms

        atoms = SafeAtoms({"r": "GET /?q=01099998888 HTTP/1.1", "s": "200"})
        log.info('"%(r)s" %(s)s %({x-forwarded-for}i)s', atoms)
    text = caplog.text
    assert '"GET /?q=•••-••••-8888 HTTP/1.1" 200 -' in text
    assert "1234-5678" not in text and "9876" not in text
    assert "•••-••••-5678" in text and "•••-••••-5432" in text and "127.0.0.1" in text
