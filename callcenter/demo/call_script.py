"""What a simulated caller does and what came of the call: the simulator's script and report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
        hangup_while_ringing: hang up while an operator's browser rings.
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
    hangup_while_ringing: bool = False


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
    rang: list[str] = field(default_factory=list)  # Client identities rung, in order
    answered_by: str | None = None

    def paths(self) -> list[str]:
        """The webhook paths requested, in order."""
        return [e.path for e in self.exchanges]
