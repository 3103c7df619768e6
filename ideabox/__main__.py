"""``python -m ideabox``: the same as the ``ideabox`` command."""

from ideabox.cli import main

main()
