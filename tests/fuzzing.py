"""Hostile mail, made from real mail: the mutations an attacker (or a broken client) makes.

``mutations(raw, rng)`` yields (name, bytes) pairs from one fixture; the fuzz test runs
them through the pipeline. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

# Labels Python knows as codecs that are not text encodings, or that fail on any input.
HOSTILE_CHARSETS = (
    "rot13", "base64", "zlib", "hex", "bz2", "uu", "quopri", "idna", "undefined",
    "utf-7", "punycode", "x-unknown", "utf-8\x00", "", "cp65001", "unicode-escape",
    "raw-unicode-escape", "utf-16", "utf-32", "mbcs", "oem",
)  # fmt: skip

_HEADER_END = re.compile(rb"\r?\n\r?\n")


def split(raw: bytes) -> tuple[bytes, bytes]:
    end = _HEADER_END.search(raw)
    if end is None:
        return raw, b""
    return raw[: end.start()], raw[end.end() :]


def join(headers: bytes, body: bytes) -> bytes:
    return headers + b"\r\n\r\n" + body


def replace_header(headers: bytes, name: bytes, value: bytes) -> bytes:
    pattern = re.compile(rb"^" + name + rb":.*(?:\r?\n[ \t].*)*", re.I | re.M)
    line = name + b": " + value
    if pattern.search(headers):
        return pattern.sub(lambda _: line, headers, count=1)
    return headers + b"\r\n" + line


def with_charset(raw: bytes, charset: str) -> bytes:
    label = charset.encode("latin-1")
    out = re.sub(rb'charset="?[^";\s]*"?', b'charset="' + label + b'"', raw, flags=re.I)
    headers, body = split(out)
    subject = b"=?" + label + b"?q?Noem_=E9=E9n_punt?="
    return join(replace_header(headers, b"Subject", subject), body)


def nested(raw: bytes, depth: int) -> bytes:
    headers, _body = split(raw)
    inner = b"Content-Type: text/plain; charset=utf-8\r\n\r\nMeer groen.\r\n"
    for level in range(depth):
        boundary = b"b%d" % level
        inner = (
            b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n--'
            + boundary + b"\r\n" + inner + b"\r\n--" + boundary + b"--\r\n"
        )  # fmt: skip
    head, _, rest = inner.partition(b"\r\n\r\n")
    headers = re.sub(rb"^content-type:.*(?:\r?\n[ \t].*)*\r?\n?", b"", headers, flags=re.I | re.M)
    return join(headers.rstrip(b"\r\n") + b"\r\nMIME-Version: 1.0\r\n" + head, rest)


def many_parameters(raw: bytes, count: int) -> bytes:
    headers, body = split(raw)
    params = b"".join(b";\r\n p%d*%d*=utf-8''%%41%d" % (i % 50, i, i) for i in range(count))
    return join(
        replace_header(headers, b"Content-Type", b"text/plain; charset=utf-8" + params), body
    )


def flip_bytes(raw: bytes, rng: random.Random, count: int) -> bytes:
    data = bytearray(raw)
    for _ in range(count):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def chop(raw: bytes, rng: random.Random) -> bytes:
    cut = rng.randrange(max(1, len(raw)))
    return raw[:cut]


Mutation = Callable[[bytes, random.Random], bytes]

MUTATIONS: dict[str, Mutation] = {
    "deep nesting": lambda raw, rng: nested(raw, rng.choice((40, 200, 1500))),
    "parenthesised From": lambda raw, rng: join(
        replace_header(split(raw)[0], b"From", b"(" * 3000 + b"x" + b")" * 3000 + b" <a@b.c>"),
        split(raw)[1],
    ),
    "far-future Date": lambda raw, rng: join(
        replace_header(
            split(raw)[0],
            b"Date",
            rng.choice(
                (
                    b"Mon, 1 Jan 99999 00:00:00 +0000",
                    b"31 Dec 9999 23:59:59 -9959",
                    b"Thu, 1 Jan 1 00:00:00 +0000",
                    b"99 Foo 2026 99:99:99 +9999",
                )
            ),
        ),
        split(raw)[1],
    ),
    "many parameters": lambda raw, rng: many_parameters(raw, rng.choice((200, 2000))),
    "two From headers": lambda raw, rng: join(
        split(raw)[0] + b"\r\nFrom: Someone Else <else@evil.example>", split(raw)[1]
    ),
    "many addresses": lambda raw, rng: join(
        replace_header(
            split(raw)[0], b"To", b", ".join(b"p%d@example.nl" % i for i in range(3000))
        ),
        split(raw)[1],
    ),
    "bad transfer encoding": lambda raw, rng: join(
        replace_header(
            split(raw)[0],
            b"Content-Transfer-Encoding",
            rng.choice((b"base64", b"quoted-printable", b"x-uuencode", b"7bit; garbage")),
        ),
        rng.choice((b"!!!not base64===", b"=ZZ=\r\n=", b"\x00\xff\xfe", split(raw)[1][:50])),
    ),
    "no boundary": lambda raw, rng: join(
        replace_header(split(raw)[0], b"Content-Type", b"multipart/alternative"), split(raw)[1]
    ),
    "delivery report garbage": lambda raw, rng: join(
        replace_header(
            split(raw)[0],
            b"Content-Type",
            b'multipart/report; report-type=delivery-status; boundary="r"',
        ),
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\n\x00:::\r\nStatus: 5.\r\n--r--",
    ),
    "nested rfc822": lambda raw, rng: join(
        replace_header(split(raw)[0], b"Content-Type", b"message/rfc822"),
        (b"Content-Type: message/rfc822\r\n\r\n" * 300) + b"x",
    ),
    "header only": lambda raw, rng: split(raw)[0],
    "binary garbage": lambda raw, rng: bytes(rng.randrange(256) for _ in range(2000)),
    "flipped bytes": lambda raw, rng: flip_bytes(raw, rng, rng.choice((1, 10, 100))),
    "chopped": chop,
    "long header line": lambda raw, rng: join(
        split(raw)[0] + b"\r\nX-Long: " + b"a" * 200_000, split(raw)[1]
    ),
    "null bytes": lambda raw, rng: raw.replace(b"\n", b"\x00\n", 20),
}


def mutations(raw: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Every kind of damage once, then every hostile charset, for one fixture."""
    for name, mutate in MUTATIONS.items():
        yield name, mutate(raw, rng)
    for charset in HOSTILE_CHARSETS:
        yield f"charset {charset!r}", with_charset(raw, charset)
