"""Ringkas's application layer: configuration, Telegram wiring, the command line, user texts."""
