"""Channels: thin adapters that carry the core's conversation to a place farmers use."""
