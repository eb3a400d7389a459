"""Links that cannot be opened, through the running bot: a malformed host name is "link
refused", and a message of many overlapping links is read as links, not as empty text."""

from __future__ import annotations

import pytest

from bot import texts
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import answers_to, is_reply_to, running_bot
from tests.conftest import SQLITE_ONLY

# Storage is incidental to which links are fetched: SQLite only (tests/conftest.py).
pytestmark = SQLITE_ONLY


def link_refused(reason_key: str) -> str:
    return texts.text("id", "link_refused", reason=texts.text("id", f"fetch_{reason_key}"))


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("http://berita..example.com/banjir", id="empty label"),
        pytest.param("https://" + "a" * 64 + ".com/banjir", id="label over 63"),
        pytest.param("http://xn--a.com/banjir", id="invalid IDN"),
    ],
)
async def test_a_link_with_a_malformed_host_name_is_refused(
    api: FakeBotApi, bot_database: DatabaseLocation, link: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(f"tolong ringkas {link}")
        await api.wait_for(is_reply_to(sent), timeout=10)
    [reply] = answers_to(api, sent)
    assert reply["text"] == link_refused("invalid_url")


async def test_many_links_where_one_is_a_prefix_of_another_are_read_as_links(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    links = "\n".join(f"http://127.0.0.1:9/berita?i={i}" for i in range(1, 101))
    async with running_bot(api, bot_database):
        sent = api.private_text(links)
        await api.wait_for(is_reply_to(sent), timeout=10)
        await api.wait_for_messages(sent["chat"]["id"], 6)  # five links and the note
    replies = answers_to(api, sent)
    # Read as links (each refused: 127.0.0.1 is not public), never as "no text".
    assert sum(link_refused("blocked_address") in reply["text"] for reply in replies) == 5
