"""Telegram update handlers: thin, they call the engine and storage."""
