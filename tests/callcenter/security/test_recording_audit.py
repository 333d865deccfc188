"""Every response that serves recording audio is covered by a 'recording.play' audit row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog
from tests.factories import make_ticket
from tests.helpers import signed_in_client


def _plays(app) -> int:
    with app.app_context():
        query = select(AuditLog).where(AuditLog.action == "recording.play")
        return len(db.session.scalars(query).all())


@pytest.mark.parametrize(
    "range_header",
    [
        "bytes=-100000000",  # a suffix range as long as the file: the whole recording
        "bytes=00000-",  # zero-padded start
        "bytes = 0-",
        "bytes=0-0,1-",  # several ranges
        "BYTES=0-",
        "bytes=1-",  # everything but the first byte
        "bytes=44-",  # the samples without the WAV header
        "bytes=nonsense",  # an unreadable header: the whole file is served
    ],
)
def test_a_range_that_serves_audio_is_audited(app, range_header: str):
    ticket = make_ticket(app)
    client = signed_in_client(app, "kim")
    with client.get(
        f"/console/tickets/{ticket.number}/audio", headers={"Range": range_header}
    ) as response:
        served = response.status_code in (200, 206) and len(response.data) > 0
    assert served == (_plays(app) == 1), (range_header, response.status_code)
    assert _plays(app) == 1 or response.status_code == 416


def test_seeks_of_an_audited_play_add_no_rows(app):
    ticket = make_ticket(app)
    client = signed_in_client(app, "kim")
    url = f"/console/tickets/{ticket.number}/audio"
    client.get(url, headers={"Range": "bytes=0-"}).close()
    for start in (100, 5000, 20000):
        client.get(url, headers={"Range": f"bytes={start}-"}).close()
    assert _plays(app) == 1
