"""The inbound pipeline: what ideabox does with a message, in order, in one screen.

Each step takes the message as understood so far and returns an enriched copy, or raises
one ``Rejection`` (see ``intake.errors``). Steps do no I/O except through the directory
in the context they are handed, so ``ideabox parse`` runs the very same steps offline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from email.errors import MessageError

from intake.context import StepContext
from intake.errors import Malformed, Rejection, Unreadable
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


# What a step raises on input it cannot read (a bug raises something else, and the row
# is marked failed for the operator). Database errors are none of these.
INPUT_ERRORS = (
    ValueError,  # UnicodeError among them
    LookupError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
    OverflowError,
    MessageError,
)
# However a message is made, reading it takes no longer than this.
TIME_BUDGET = 20.0  # seconds


class StepFailed(Exception):
    """A step raised something other than a Rejection or a reading error: a bug.

    ``understood`` is the message as far as it got, its trace naming the failed step.
    """

    def __init__(self, understood: Inbound, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.understood = understood
        self.error = error


async def understand(msg: Inbound, ctx: StepContext, budget: float = TIME_BUDGET) -> Inbound:
    """Run the steps; what is raised carries the message as understood until then."""
    try:
        async with asyncio.timeout(budget):
            return await _run_steps(msg, ctx)
    except TimeoutError:
        unreadable = Unreadable(f"not read within its time budget of {budget:.0f} s")
        unreadable.understood = await _with_sender(msg.traced("timeout", msg), ctx)
        raise unreadable from None


async def _run_steps(msg: Inbound, ctx: StepContext) -> Inbound:
    for step in STEPS:
        before = msg
        try:
            msg = (await step(msg, ctx)).traced(step.__name__, before)
        except Rejection as rejection:
            rejection.understood = before.traced(step.__name__, before, rejection.reason)
            if isinstance(rejection, (Malformed, Unreadable)):
                rejection.understood = await _with_sender(rejection.understood, ctx)
            raise
        except INPUT_ERRORS as error:
            name = type(error).__name__
            unreadable = Unreadable(f"{step.__name__}: {name}: {error}"[:500])
            understood = before.traced(step.__name__, before, f"unreadable: {name}")
            unreadable.understood = await _with_sender(understood, ctx)
            raise unreadable from error
        except Exception as error:
            failed = before.traced(step.__name__, before, f"failed: {type(error).__name__}")
            raise StepFailed(failed, error) from error
        if msg.kind in MACHINE_KINDS and step is route:
            break
    return msg


async def _with_sender(msg: Inbound, ctx: StepContext) -> Inbound:
    """For a message that could not be read: the person it came from, if known (for the
    short help mail), by the envelope sender, which is all there is to go on."""
    if msg.sender is not None or ctx.offline or not msg.mail_from.strip("<>"):
        return msg
    return msg.but(sender=await ctx.directory.person_by_email(msg.mail_from.lower()))
