"""Keep only the new text: drop quoted mail, split off sign-off and signature."""

from __future__ import annotations

from intake.context import StepContext
from intake.message import Inbound
from intake.trimmer import trim as trim_text


async def trim(msg: Inbound, ctx: StepContext) -> Inbound:
    return msg.but(parts=trim_text(msg.text))
