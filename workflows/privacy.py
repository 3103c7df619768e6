"""The one rule for groups: fewer people than the anonymity threshold are never shown.

A figure about a group that small (a department's response rate, an anonymous idea's
department) could point at a person. Every place that shows a group asks ``too_small``.
"""

from __future__ import annotations


def too_small(size: int, threshold: int) -> bool:
    """A group of ``size`` people is too small to be shown on its own."""
    return size < threshold
