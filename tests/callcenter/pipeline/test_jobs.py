"""Jobs and sweeps are defined once, by dotted paths that resolve to the functions."""

from __future__ import annotations

from rq.utils import import_attribute

from callcenter.jobs import QUEUE_NAMES
from callcenter.pipeline import sms, transcribe
from callcenter.pipeline.jobs import ROUTING, SMS, TRANSCRIPTION
from callcenter.pipeline.route import route_ticket_job
from callcenter.pipeline.sweeps import SWEEPS, sweep_functions
from callcenter.voice.spool import replay_spooled_recordings


def test_each_job_names_its_function_queue_and_id():
    assert import_attribute(TRANSCRIPTION.path) is transcribe.transcribe_recording
    assert import_attribute(ROUTING.path) is route_ticket_job
    assert import_attribute(SMS.path) is sms.send_sms
    assert {TRANSCRIPTION.queue, ROUTING.queue, SMS.queue} <= set(QUEUE_NAMES)
    assert [k.job_id(7) for k in (TRANSCRIPTION, ROUTING, SMS)] == [
        "transcribe-7",
        "route-7",
        "sms-7",
    ]
    assert transcribe.MAX_ATTEMPTS == 4  # the first run and three retries


def test_the_worker_runs_every_sweep_from_one_list():
    functions = sweep_functions()
    assert len(functions) == len(set(SWEEPS))
    assert transcribe.requeue_stuck in functions
    assert sms.resend_pending_sms in functions
    assert replay_spooled_recordings in functions
