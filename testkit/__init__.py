"""Tools that are not shipped: the fake Telegram Bot API, the local news site, the bot
harness and the load driver. `tests/` and `bench/` both import them."""
