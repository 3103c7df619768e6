"""TEMPORARY shim while the trimmer is written in intake/steps/trim.py; moved here after."""

from intake.steps.trim import TrimmedReply, trim

__all__ = ["TrimmedReply", "trim"]
