"""Call simulator: plays Twilio's part against a running app, over real HTTP.

It signs every request like Twilio (X-Twilio-Signature over the public URL and the form),
follows <Gather>, <Record>, <Redirect>, <Enqueue> (wait URL, Leave, QueueResult) and <Dial>,
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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

from callcenter.recording_server import RecordingServer, new_sid
from ivr_flows import urls

WAIT_CYCLE_SECONDS = 30  # what one pass of the wait URL's TwiML stands for


@dataclass(frozen=True)
class Input:
    """One answer to a <Gather>: keys ("1", "0042") or words ("부산이요")."""

    kind: str  # "dtmf" or "speech"
    value: str

    @classmethod
    def parse(cls, text: str) -> Input:
        """``"1"`` → keys; ``"speech:부산"`` → words."""
        if text.startswith("speech:"):
            return cls("speech", text[len("speech:") :])
        return cls("dtmf", text)


@dataclass
class Caller:
    """What the simulated caller does.

    Attributes:
        from_number: caller ID as Twilio sends it (E.164, or "Anonymous").
        inputs: answers for successive <Gather>s; silence once they run out.
        audio: file recorded at each <Record>; without it, records are empty.
        hangup_at_gather: hang up on reaching the n-th <Gather> (1 = in the first menu).
        hangup_in_record: hang up while recording (Twilio still posts the recording).
        agent_answers_after: an agent takes the call after this many wait cycles;
            None: nobody answers and the caller hangs up after ``max_wait_cycles``.
        recording_callback_first: post the recording status callback before the Record action.
    """

    from_number: str
    to_number: str = "+8215881379"
    inputs: list[Input] = field(default_factory=list)
    audio: Path | None = None
    hangup_at_gather: int | None = None
    hangup_in_record: bool = False
    agent_answers_after: int | None = 1
    max_wait_cycles: int = 4
    queue_position: int = 1
    recording_callback_first: bool = False


@dataclass
class Exchange:
    """One request the simulator made, for reports and the benchmark."""

    path: str
    status: int
    seconds: float


@dataclass
class CallResult:
    """What happened on one simulated call."""

    call_sid: str
    said: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    recordings: list[str] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fallback_used: bool = False
    queue_result: str | None = None
    hung_up_by_caller: bool = False

    def paths(self) -> list[str]:
        """The webhook paths requested, in order."""
        return [e.path for e in self.exchanges]


class SimulatorError(RuntimeError):
    """The app answered something Twilio could not use."""


class _Ended(Exception):
    """The call is over (Hangup, caller hang-up, end of TwiML)."""


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
        inputs = iter(caller.inputs)
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
        live = {**base, "CallStatus": "in-progress"}
        gathers = 0
        try:
            while True:
                doc, url, gathers = self._run(result, caller, live, doc, url, inputs, gathers)
        except _Ended:
            pass
        self._post_call_status(result, base, started)
        return result

    def _run(
        self,
        result: CallResult,
        caller: Caller,
        live: dict[str, str],
        doc: ET.Element,
        url: str,
        inputs: Iterator[Input],
        gathers: int,
    ) -> tuple[ET.Element, str, int]:
        """Execute one TwiML document; returns the next one (or raises _Ended)."""
        for verb in doc:
            result.verbs.append(verb.tag)
            if verb.tag == "Say":
                result.said.append(verb.text or "")
            elif verb.tag == "Gather":
                gathers += 1
                result.said.extend(s.text or "" for s in verb.iter("Say"))
                if caller.hangup_at_gather == gathers:
                    result.hung_up_by_caller = True
                    raise _Ended
                answer = self._answer(verb, inputs)
                if answer is not None:
                    target = urljoin(url, verb.get("action") or url)
                    return self._twiml(result, target, {**live, **answer}), target, gathers
            elif verb.tag == "Record":
                nxt = self._record(result, caller, live, verb, url)
                if nxt is not None:
                    return (*nxt, gathers)
            elif verb.tag == "Redirect":
                target = urljoin(url, (verb.text or "").strip())
                return self._twiml(result, target, live), target, gathers
            elif verb.tag == "Enqueue":
                nxt = self._enqueue(result, caller, live, verb, url, inputs)
                return (*nxt, gathers)
            elif verb.tag == "Dial":
                action = verb.get("action")
                if action:
                    target = urljoin(url, action)
                    params = {**live, "DialCallStatus": "completed", "DialCallDuration": "30"}
                    return self._twiml(result, target, params), target, gathers
            elif verb.tag in ("Hangup", "Reject"):
                raise _Ended
        raise _Ended  # Twilio hangs up at the end of the document

    @staticmethod
    def _answer(verb: ET.Element, inputs: Iterator[Input]) -> dict[str, str] | None:
        allowed = (verb.get("input") or "dtmf").split()
        answer = next(inputs, None)
        if answer is None:
            return None
        if answer.kind == "speech" and "speech" in allowed:
            return {"SpeechResult": answer.value, "Confidence": "0.87"}
        return {"Digits": answer.value}

    def _record(
        self, result: CallResult, caller: Caller, live: dict[str, str], verb: ET.Element, url: str
    ) -> tuple[ET.Element, str] | None:
        if caller.audio is None:
            return None  # nothing said: Twilio goes on to the next verb
        sid, rec_url, duration = self.recordings.add(caller.audio)
        result.recordings.append(sid)
        rec = {"RecordingSid": sid, "RecordingUrl": rec_url, "RecordingDuration": str(duration)}
        digits = "hangup" if caller.hangup_in_record else "#"
        action = urljoin(url, verb.get("action") or url)
        callback = verb.get("recordingStatusCallback")
        status = {
            "AccountSid": self.account_sid,
            "CallSid": result.call_sid,
            **rec,
            "RecordingStatus": "completed",
            "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
        }
        if callback and caller.recording_callback_first:
            self._callback(result, urljoin(url, callback), status)
        doc = self._twiml(result, action, {**live, **rec, "Digits": digits})
        if callback and not caller.recording_callback_first:
            self._callback(result, urljoin(url, callback), status)
        if caller.hangup_in_record:
            result.hung_up_by_caller = True
            raise _Ended  # Twilio ignores the TwiML returned after a hang-up
        return doc, action

    def _enqueue(
        self,
        result: CallResult,
        caller: Caller,
        live: dict[str, str],
        verb: ET.Element,
        url: str,
        inputs: Iterator[Input],
    ) -> tuple[ET.Element, str]:
        wait_url = urljoin(url, verb.get("waitUrl") or "")
        queue_result, waited = "hangup", 0
        for cycle in range(1, caller.max_wait_cycles + 1):
            if verb.get("waitUrl"):
                position = {
                    "QueuePosition": str(caller.queue_position),
                    "QueueTime": str(waited),
                    "CurrentQueueSize": str(caller.queue_position),
                    "QueueSid": "QU" + "0" * 32,
                }
                doc, doc_url = self._twiml(result, wait_url, {**live, **position}), wait_url
                left = self._run_wait(result, live, doc, doc_url, inputs)
                if left:
                    queue_result = "leave"
                    break
            if caller.agent_answers_after is not None and cycle >= caller.agent_answers_after:
                queue_result = "bridged"
                break
            waited += WAIT_CYCLE_SECONDS
        result.queue_result = queue_result
        action = urljoin(url, verb.get("action") or url)
        params = {
            **live,
            "QueueResult": queue_result,
            "QueueTime": str(waited),
            "QueueSid": "QU" + "0" * 32,
        }
        doc = self._twiml(result, action, params)
        if queue_result == "hangup":
            result.hung_up_by_caller = True
            raise _Ended
        return doc, action

    def _run_wait(
        self,
        result: CallResult,
        live: dict[str, str],
        doc: ET.Element,
        url: str,
        inputs: Iterator[Input],
    ) -> bool:
        """Play one wait-URL document; True if it ended with <Leave>."""
        for _ in range(10):
            redirected = False
            for verb in doc:
                result.verbs.append(verb.tag)
                if verb.tag == "Say":
                    result.said.append(verb.text or "")
                elif verb.tag == "Gather":
                    result.said.extend(s.text or "" for s in verb.iter("Say"))
                    answer = self._answer(verb, inputs)
                    if answer is not None:
                        url = urljoin(url, verb.get("action") or url)
                        doc, redirected = self._twiml(result, url, {**live, **answer}), True
                        break
                elif verb.tag == "Leave":
                    return True
                elif verb.tag == "Redirect":
                    # Back to the wait URL: that is the next cycle.
                    return False
                elif verb.tag == "Hangup":
                    raise _Ended
            if not redirected:
                return False
        return False

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
