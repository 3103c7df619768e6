"""The kernel: what every part of ideabox shares, and nothing of intake or workflows.

Settings (``settings``), the one source of "now" (``clock``), what a mail is about and
its signed reply token (``about``, ``tokens``), rendering mail (``mail``), the job queue
and its job names (``queue``), and the ``App`` that carries them (``app``). It imports
only the database models below it and the templates beside it.
"""
