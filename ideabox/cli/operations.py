"""``ideabox status``, ``inbound ...`` and ``outbox ...``: what the service is doing, and
failed mail seen and retried."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from core.app import App
from ideabox.cli.common import echo_json, fail, run_with_app
from workflows import operations

inbound = typer.Typer(help="Mail that came in: list, show, retry.", no_args_is_help=True)
outbox = typer.Typer(help="Mail ideabox sends: list, retry.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of lines.")]
FailedOption = Annotated[bool, typer.Option("--failed", help="Only the failed ones.")]
LimitOption = Annotated[int, typer.Option(min=1, help="At most this many, newest first.")]


def status(as_json: JsonOption = False) -> None:
    """Inbound and outbound mail, the workers, the last sweep."""
    found = run_with_app(operations.status)
    if as_json:
        echo_json(found.as_json())
        return
    counts = found.inbound
    oldest = found.oldest_unprocessed
    typer.echo(
        f"inbound:  {counts['received']} waiting, {counts['processed']} processed, "
        f"{counts['failed']} failed"
        + (f" (oldest waiting since {oldest.isoformat(' ', 'seconds')})" if oldest else "")
    )
    typer.echo(
        f"outbox:   {found.outbox_due} due, {found.outbox_waiting} waiting to retry, "
        f"{found.outbox_failed} failed"
    )
    if not found.redis:
        typer.echo("workers:  unknown (Redis not reachable)")
    else:
        typer.echo(f"workers:  {len(found.workers)} alive")
        for name, line in found.workers:
            typer.echo(f"  {name}: {line}")
    sweep = found.last_sweep
    typer.echo(
        f"sweep:    last at {sweep['at']} ({sweep['inbound']} inbound, {sweep['outbox']} outbox"
        " queued)"
        if sweep
        else "sweep:    none recorded"
    )


def _line(row: dict[str, Any]) -> str:
    said = row["reason"] or row["kind"] or ""
    detail = f" {row['detail']}" if row.get("detail") else ""
    return f"#{row['id']:<6} {row['received_at'][:19]}  {row['status']:<9} {said:<22}" + (
        f" {row['mail_from']}{detail}"
    )


@inbound.command("list")
def inbound_list(
    failed: FailedOption = False, as_json: JsonOption = False, limit: LimitOption = 50
) -> None:
    """Messages that came in, newest first."""
    rows = run_with_app(lambda app: operations.inbound_list(failed_only=failed, limit=limit))
    if as_json:
        echo_json(rows)
        return
    if not rows:
        typer.echo("no failed messages" if failed else "no messages yet")
    for row in rows:
        typer.echo(_line(row))


@inbound.command("show")
def inbound_show(
    inbound_id: Annotated[int, typer.Argument(metavar="ID")], as_json: JsonOption = False
) -> None:
    """One message: envelope, reason, trace, and what it became."""
    data = run_with_app(lambda app: operations.inbound_show(inbound_id))
    if data is None:
        fail(f"no inbound message with id {inbound_id}")
    if as_json:
        echo_json(data)
        return
    headers = data["headers"]
    became = data["became"]
    lines = [
        f"inbound #{data['id']}: {data['status']}",
        f"received:   {data['received_at']}",
        f"envelope:   from {data['mail_from'] or '<>'} to {', '.join(data['rcpt_tos'])}",
        f"From:       {headers['From']}",
        f"Subject:    {headers['Subject']}",
        f"Message-ID: {headers['Message-ID']}",
        f"size:       {data['size']} bytes",
        f"kind:       {data['kind'] or '-'}",
        f"reason:     {data['reason'] or '-'}",
        f"detail:     {data['detail'] or '-'}",
        "trace:      " + (" > ".join(data["trace"]) or "-"),
        "became:     "
        + (
            ", ".join(
                [f"idea {i}" for i in became["ideas"]]
                + [f"decision {d}" for d in became["decisions"]]
            )
            or "-"
        ),
    ]
    typer.echo("\n".join(lines))


def _targets(item_id: int | None, all_failed: bool, what: str) -> list[int] | None:
    if (item_id is None) == (not all_failed):
        fail(f"give either an {what} ID or --failed", code=2)
    return None if all_failed else [item_id] if item_id is not None else None


@inbound.command("retry")
def inbound_retry(
    inbound_id: Annotated[int | None, typer.Argument(metavar="ID")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Every failed message.")] = False,
) -> None:
    """Process failed messages again, as if they had just arrived."""
    targets = _targets(inbound_id, failed, "inbound")

    async def retry(app: App) -> list[int]:
        return await operations.retry_inbound(app, targets)

    retried = run_with_app(retry)
    if not retried:
        what = f"inbound message {inbound_id} has" if inbound_id is not None else "no message has"
        fail(f"{what} not failed: nothing to retry")
    typer.echo(f"queued again: {', '.join(f'#{i}' for i in retried)}")


@outbox.command("list")
def outbox_list(
    failed: FailedOption = False, as_json: JsonOption = False, limit: LimitOption = 50
) -> None:
    """Mail ideabox sends, newest first."""
    rows = run_with_app(lambda app: operations.outbox_list(failed_only=failed, limit=limit))
    if as_json:
        echo_json(rows)
        return
    if not rows:
        typer.echo("no failed mail" if failed else "no mail yet")
    for row in rows:
        state = "sent" if row["sent_at"] else "failed" if row["failed"] else "pending"
        error = f"  {row['last_error']}" if row["last_error"] and not row["sent_at"] else ""
        typer.echo(
            f"#{row['id']:<6} {row['created_at'][:19]}  {state:<8} {row['kind']:<22}"
            f" {row['recipient']} (attempts {row['attempts']}){error}"
        )


@outbox.command("retry")
def outbox_retry(
    outbox_id: Annotated[int | None, typer.Argument(metavar="ID")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Every failed mail.")] = False,
) -> None:
    """Send failed mail again, from the first attempt."""
    targets = _targets(outbox_id, failed, "outbox")

    async def retry(app: App) -> list[int]:
        return await operations.retry_outbox(app, targets)

    retried = run_with_app(retry)
    if not retried:
        what = f"outbox mail {outbox_id} has" if outbox_id is not None else "no mail has"
        fail(f"{what} not failed: nothing to retry")
    typer.echo(f"queued again: {', '.join(f'#{i}' for i in retried)}")
