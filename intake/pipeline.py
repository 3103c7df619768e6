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


async def understand(msg: Inbound, ctx: StepContext) -> Inbound:
    """Run the steps; a Rejection raised carries the message as understood until then."""
    for step in STEPS:
        try:
            msg = await step(msg, ctx)
        except Rejection as rejection:
            rejection.understood = msg
            raise
        if msg.kind in MACHINE_KINDS and step is route:
            break
    return msg
