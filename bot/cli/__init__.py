"""The `farmskills` command line: one entry point, a subcommand for each job."""

from bot.cli.app import app, main

__all__ = ["app", "main"]
