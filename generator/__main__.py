"""``python -m generator``: the same command line as the ``clientgen`` script."""

from generator.cli import main

raise SystemExit(main(prog="python -m generator"))
