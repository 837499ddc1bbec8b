"""Channels: thin adapters that carry the core's conversation to a place farmers use.

Each channel registers itself in `bot.app.channels`; the built-in ones are imported here (their
package or module registration is light: no Telegram library is loaded) so the registry knows them
as soon as anything in `bot.channels` is imported.
"""

from bot.channels import telegram  # noqa: F401  (registers the Telegram channel)
