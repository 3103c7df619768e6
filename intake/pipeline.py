"""The inbound pipeline: what ideabox does with a message, in order, in one screen.

Each step takes the message as understood so far and returns an enriched copy, or raises
one ``Rejection`` (see ``intake.errors``). Steps do no I/O except through the directory
in the context they are handed, so ``ideabox parse`` runs the very same steps offline.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from intake.context import StepContext
from intake.errors import Rejection
from intake.message import Inbound, Kind
from intake.steps.authenticate import authenticate
from intake.steps.classify import classify
from intake.steps.extract import extract
from intake.steps.interpret import interpret
from intake.steps.parse import parse
from intake.steps.route import route
from intake.steps.trim import trim

Step = Callable[[Inbound, StepContext], Awaitable[Inbound]]

STEPS: tuple[Step, ...] = (
    parse,  # bytes -> message, headers decoded
    classify,  # our own mail back? a bounce? an automatic reply?
    route,  # token in the recipient address, else In-Reply-To/References, else plain
    authenticate,  # the sender is the person the address belongs to; DMARC/DKIM
    extract,  # text/plain, else HTML as text; every charset
    trim,  # drop quoted mail; split body, sign-off, signature
    interpret,  # idea (#anoniem) or decision (akkoord / decline / ...), else help
)

# Bounces and automatic replies are routed (to know whose address or reminders they
# concern) and then recorded: they are never read as ideas or decisions.
MACHINE_KINDS = frozenset({Kind.BOUNCE, Kind.AUTO_REPLY})


class StepFailed(Exception):
    """A step raised something other than a Rejection: a bug, or input it cannot handle.

    ``understood`` is the message as far as it got, its trace naming the failed step.
    """

    def __init__(self, understood: Inbound, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.understood = understood
        self.error = error


async def understand(msg: Inbound, ctx: StepContext) -> Inbound:
    """Run the steps; what is raised carries the message as understood until then."""
    for step in STEPS:
        before = msg
        try:
            msg = (await step(msg, ctx)).traced(step.__name__, before)
        except Rejection as rejection:
            rejection.understood = before.traced(step.__name__, before, rejection.reason)
            raise
        except Exception as error:
            failed = before.traced(step.__name__, before, f"failed: {type(error).__name__}")
            raise StepFailed(failed, error) from error
        if msg.kind in MACHINE_KINDS and step is route:
            break
    return msg
