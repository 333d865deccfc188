"""Call simulator: plays Twilio's part against a running app, over real HTTP.

It signs every request like Twilio (X-Twilio-Signature over the public URL and the form),
follows <Gather>, <Record>, <Redirect>, <Enqueue> (wait URL, Leave, QueueResult) and <Dial>
(a <Client> rings a registered :class:`OperatorDesk`, which picks up or lets it ring out),
publishes the caller's audio file as the recording behind basic auth, posts the recording
and call status callbacks, and falls back to the fallback URL when the voice URL fails.
Engine only: the `flask simulate-call` command, the README demo, tests and the benchmark
drive it.
"""

from __future__ import annotations

import random
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

from callcenter.demo.call_script import Caller, CallResult, Exchange, Input
from callcenter.demo.operator_desk import OperatorDesk
from callcenter.demo.recording_server import RecordingServer, new_sid
from ivr_flows import urls

WAIT_CYCLE_SECONDS = 30  # what one pass of the wait URL's TwiML stands for
# The script and report types live in call_script; importable from here as before.
__all__ = ["CallResult", "Caller", "Exchange", "Input", "SimulatorError", "TwilioSimulator"]


class SimulatorError(RuntimeError):
    """The app answered something Twilio could not use."""


class _Ended(Exception):
    """The call is over (Hangup, caller hang-up, end of TwiML)."""


@dataclass
class _Run:
    """One call in progress: its script, answers left and Twilio's common parameters."""

    result: CallResult
    caller: Caller
    live: dict[str, str]
    inputs: Iterator[Input]
    gathers: int = 0


class TwilioSimulator:
    """Places simulated calls against ``base_url``, signing for ``public_base_url``.

    Args:
        base_url: where the app listens (``http://127.0.0.1:5000``).
        auth_token: the app's TWILIO_AUTH_TOKEN (signatures, recording downloads).
        public_base_url: the app's PUBLIC_BASE_URL (what Twilio signs); default ``base_url``.
        account_sid: AccountSid to send; also the recordings' basic-auth user.
        recordings: a running :class:`RecordingServer`; one is started when audio is used.
        pause: mean think time between one call's requests (benchmarks), 0 for none.
    """

    def __init__(
        self,
        base_url: str,
        auth_token: str,
        *,
        public_base_url: str | None = None,
        account_sid: str | None = None,
        recordings: RecordingServer | None = None,
        http: requests.Session | None = None,
        timeout: float = 15.0,
        max_requests: int = 60,
        pause: float = 0.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.public_base_url = (public_base_url or base_url).rstrip("/")
        self.account_sid = account_sid or "AC" + "0" * 32
        self._validator = RequestValidator(auth_token)
        self._auth_token = auth_token
        self._any_user = account_sid is None
        self._recordings = recordings
        self.http = http or requests.Session()
        self.timeout = timeout
        self.max_requests = max_requests
        # Mean seconds between a call's requests (prompts take time on a real call).
        self.pause = pause
        # Operators' browsers by Client identity: who a <Dial><Client> rings.
        self.operators: dict[str, OperatorDesk] = {}

    def add_operator(self, desk: OperatorDesk) -> OperatorDesk:
        """Let <Dial><Client> ring this (signed-in) operator's browser."""
        if not desk.identity:
            raise SimulatorError(f"operator {desk.username} is not signed in")
        self.operators[desk.identity] = desk
        return desk

    @property
    def recordings(self) -> RecordingServer:
        """The recording server (started on first use)."""
        if self._recordings is None:
            self._recordings = RecordingServer(
                self.account_sid, self._auth_token, any_user=self._any_user
            )
        return self._recordings

    def close(self) -> None:
        """Stop the recording server and the HTTP session."""
        if self._recordings is not None:
            self._recordings.close()
        self.http.close()

    # -- HTTP as Twilio does it -------------------------------------------------------

    def sign(self, public_url: str, params: dict[str, str]) -> str:
        """X-Twilio-Signature for a POST of ``params`` to ``public_url``."""
        return str(self._validator.compute_signature(public_url, params))

    def request(
        self,
        result: CallResult,
        url: str,
        params: dict[str, str],
        method: str = "POST",
    ) -> requests.Response:
        """Send one signed webhook request; ``url`` is absolute on the public base URL."""
        if len(result.exchanges) >= self.max_requests:
            raise SimulatorError(f"more than {self.max_requests} requests on one call")
        if method.upper() == "GET":
            url = url + ("&" if "?" in url else "?") + urlencode(params)
            body: dict[str, str] | None = None
            signature = self.sign(url, {})
        else:
            body, signature = params, self.sign(url, params)
        target = self._transport_url(url)
        if self.pause and result.exchanges:
            time.sleep(random.uniform(0.5, 1.5) * self.pause)
        started = time.perf_counter()
        response = self.http.request(
            method.upper(),
            target,
            data=body,
            timeout=self.timeout,
            headers={"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"},
        )
        elapsed = time.perf_counter() - started
        result.exchanges.append(Exchange(urlsplit(url).path, response.status_code, elapsed))
        return response

    def _transport_url(self, public_url: str) -> str:
        if public_url.startswith(self.public_base_url):
            return self.base_url + public_url[len(self.public_base_url) :]
        return public_url

    def _twiml(self, result: CallResult, url: str, params: dict[str, str]) -> ET.Element:
        response = self.request(result, url, params)
        if response.status_code != 200:
            raise SimulatorError(f"{urlsplit(url).path} answered {response.status_code}")
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise SimulatorError(f"{urlsplit(url).path} answered invalid XML: {exc}") from None
        if root.tag != "Response":
            raise SimulatorError(f"{urlsplit(url).path} answered <{root.tag}>, not <Response>")
        return root

    # -- the call -----------------------------------------------------------------------

    def place_call(self, caller: Caller) -> CallResult:
        """Run one whole call; returns what was said and requested."""
        result = CallResult(call_sid=new_sid("CA"))
        base = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": result.call_sid,
            "Direction": "inbound",
            "From": caller.from_number,
            "Caller": caller.from_number,
            "To": caller.to_number,
            "Called": caller.to_number,
            "CallStatus": "ringing",
        }
        started = time.monotonic()
        url = self.public_base_url + urls.INCOMING
        try:
            doc = self._twiml(result, url, base)
        except (SimulatorError, requests.RequestException) as exc:
            # Twilio's behaviour: the number's fallback URL gets the same request + error.
            result.fallback_used = True
            url = self.public_base_url + urls.FALLBACK
            fallback_params = {**base, "ErrorCode": "11200", "ErrorUrl": str(exc)[:200]}
            doc = self._twiml(result, url, fallback_params)
        run = _Run(result, caller, {**base, "CallStatus": "in-progress"}, iter(caller.inputs))
        try:
            while True:
                doc, url = self._run(run, doc, url)
        except _Ended:
            pass
        self._post_call_status(result, base, started)
        return result

    def _run(self, run: _Run, doc: ET.Element, url: str) -> tuple[ET.Element, str]:
        """Execute one TwiML document; returns the next one and its URL (or raises _Ended)."""
        for verb in doc:
            if not self._hear(run, verb):
                continue
            if verb.tag == "Gather":
                run.gathers += 1
                if run.caller.hangup_at_gather == run.gathers:
                    run.result.hung_up_by_caller = True
                    raise _Ended
                answer = self._answer(verb, run.inputs)
                if answer is not None:
                    return self._follow(run, url, verb.get("action"), answer)
            elif verb.tag == "Record":
                if run.caller.audio is not None:  # silence: Twilio goes on to the next verb
                    return self._record(run, verb, url)
            elif verb.tag == "Redirect":
                return self._follow(run, url, (verb.text or "").strip(), {})
            elif verb.tag == "Enqueue":
                return self._enqueue(run, verb, url)
            elif verb.tag == "Dial" and verb.find("Client") is not None:
                return self._dial_client(run, verb, url)
            elif verb.tag == "Dial" and verb.get("action"):
                dialled = {"DialCallStatus": "completed", "DialCallDuration": "30"}
                return self._follow(run, url, verb.get("action"), dialled)
            elif verb.tag in ("Hangup", "Reject"):
                raise _Ended
        raise _Ended  # Twilio hangs up at the end of the document

    @staticmethod
    def _hear(run: _Run, verb: ET.Element) -> bool:
        """Log a verb and what it says; False for verbs that only play (Say, Play, Pause)."""
        run.result.verbs.append(verb.tag)
        run.result.said.extend(s.text or "" for s in verb.iter("Say"))
        return verb.tag not in ("Say", "Play", "Pause")

    def _follow(
        self, run: _Run, url: str, target: str | None, extra: dict[str, str]
    ) -> tuple[ET.Element, str]:
        absolute = urljoin(url, target or url)
        return self._twiml(run.result, absolute, {**run.live, **extra}), absolute

    @staticmethod
    def _answer(verb: ET.Element, inputs: Iterator[Input]) -> dict[str, str] | None:
        allowed = (verb.get("input") or "dtmf").split()
        answer = next(inputs, None)
        if answer is None:
            return None
        if answer.kind == "speech" and "speech" in allowed:
            return {"SpeechResult": answer.value, "Confidence": "0.87"}
        return {"Digits": answer.value}

    def _record(self, run: _Run, verb: ET.Element, url: str) -> tuple[ET.Element, str]:
        assert run.caller.audio is not None
        sid, rec_url, duration = self.recordings.add(run.caller.audio)
        run.result.recordings.append(sid)
        rec = {"RecordingSid": sid, "RecordingUrl": rec_url, "RecordingDuration": str(duration)}
        callback = verb.get("recordingStatusCallback")
        status = {
            "AccountSid": self.account_sid,
            "CallSid": run.result.call_sid,
            **rec,
            "RecordingStatus": "completed",
            "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
        }
        first = run.caller.recording_callback_first
        if callback and first:
            self._callback(run.result, urljoin(url, callback), status)
        digits = "hangup" if run.caller.hangup_in_record else "#"
        nxt = self._follow(run, url, verb.get("action"), {**rec, "Digits": digits})
        if callback and not first:
            self._callback(run.result, urljoin(url, callback), status)
        if run.caller.hangup_in_record:
            run.result.hung_up_by_caller = True
            raise _Ended  # Twilio ignores the TwiML returned after a hang-up
        return nxt

    def _enqueue(self, run: _Run, verb: ET.Element, url: str) -> tuple[ET.Element, str]:
        caller, queue_result, waited = run.caller, "hangup", 0
        for cycle in range(1, caller.max_wait_cycles + 1):
            if verb.get("waitUrl"):
                position = {
                    "QueuePosition": str(caller.queue_position),
                    "QueueTime": str(waited),
                    "CurrentQueueSize": str(caller.queue_position),
                    "QueueSid": "QU" + "0" * 32,
                }
                if self._wait_cycle(run, *self._follow(run, url, verb.get("waitUrl"), position)):
                    queue_result = "leave"
                    break
            if caller.agent_answers_after is not None and cycle >= caller.agent_answers_after:
                queue_result = "bridged"
                break
            waited += WAIT_CYCLE_SECONDS
        run.result.queue_result = queue_result
        left = {"QueueResult": queue_result, "QueueTime": str(waited), "QueueSid": "QU" + "0" * 32}
        nxt = self._follow(run, url, verb.get("action"), left)
        if queue_result == "hangup":
            run.result.hung_up_by_caller = True
            raise _Ended
        return nxt

    def _wait_cycle(self, run: _Run, doc: ET.Element, url: str) -> bool:
        """Play one wait-URL document (and what its Gather leads to); True on <Leave>."""
        for _ in range(10):
            for verb in doc:
                if not self._hear(run, verb):
                    continue
                if verb.tag == "Leave":
                    return True
                if verb.tag == "Hangup":
                    raise _Ended
                if verb.tag == "Redirect":
                    return False  # back to the wait URL: the next cycle
                if verb.tag == "Gather":
                    answer = self._answer(verb, run.inputs)
                    if answer is not None:
                        doc, url = self._follow(run, url, verb.get("action"), answer)
                        break
            else:
                return False
        return False

    def _dial_client(self, run: _Run, verb: ET.Element, url: str) -> tuple[ET.Element, str]:
        """Ring an operator's browser: they answer and talk, or it rings out; then the action."""
        client = verb.find("Client")
        assert client is not None
        identity = (client.text or "").strip()
        run.result.rang.append(identity)
        desk = self.operators.get(identity)
        callback = client.get("statusCallback")
        leg = {
            "AccountSid": self.account_sid,
            "CallSid": new_sid("CA"),
            "ParentCallSid": run.result.call_sid,
            "From": run.caller.from_number,
            "To": f"client:{identity}",
            "Direction": "outbound-dial",
        }

        def leg_status(status: str, **extra: str) -> None:
            if callback:
                self._callback(
                    run.result, urljoin(url, callback), {**leg, "CallStatus": status, **extra}
                )

        leg_status("ringing")
        if desk is not None:
            desk.offered.append(run.result.call_sid)
        if run.caller.hangup_while_ringing:
            leg_status("canceled")
            run.result.hung_up_by_caller = True
            raise _Ended  # the caller's own status callback follows
        if desk is not None and desk.answers:
            desk.taken.append(run.result.call_sid)
            run.result.answered_by = identity
            talk = str(desk.talk_seconds)
            leg_status("in-progress")
            leg_status("completed", CallDuration=talk)
            dialled = {"DialCallStatus": "completed", "DialCallDuration": talk}
        else:
            leg_status("no-answer")
            dialled = {"DialCallStatus": "no-answer", "DialCallDuration": "0"}
        dialled["DialCallSid"] = leg["CallSid"]
        return self._follow(run, url, verb.get("action"), dialled)

    def _callback(self, result: CallResult, url: str, params: dict[str, str]) -> None:
        # Like Twilio, a failed callback is logged (in exchanges) and the call goes on.
        try:
            self.request(result, url, params)
        except requests.RequestException as exc:
            result.exchanges.append(Exchange(urlsplit(url).path, 0, 0.0))
            result.errors.append(str(exc))

    def _post_call_status(self, result: CallResult, base: dict[str, str], started: float) -> None:
        params = {
            **base,
            "CallStatus": "completed",
            "CallDuration": str(max(1, round(time.monotonic() - started))),
            "SequenceNumber": "0",
            "CallbackSource": "call-progress-events",
        }
        self._callback(result, self.public_base_url + urls.STATUS, params)
