"""`python -m bot` runs the same command line as `farmskills`."""

from bot.cli import main

main()
