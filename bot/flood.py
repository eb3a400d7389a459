"""Pacing every Bot API call: Telegram's flood limits per chat, and retries through outages.

PTB's AIORateLimiter pauses *every* request when *any* request gets a 429, so one chat's
`retry_after=40` froze all chats for 40 s, and the handlers gave up on a reply after three
5xx answers (about 1.5 s). Here:

- a 429 for a request that names a chat holds that chat only; a 429 for a request that names
  none (answerCallbackQuery, getMe, ...) is taken as the global limit and holds every request;
- 5xx answers, timeouts and lost connections are retried with jittered exponential backoff,
  for `retry_seconds` (a minute and more) when the request delivers a reply, a few attempts
  otherwise (start-up calls must fail fast and clearly);
- a 400 (or any other refusal) is never retried;
- a sendMessage whose answer was lost after Telegram may have delivered it is retried too, and
  then the delivered copy is looked for, so that the user sees the message once
  (bot/lost_answers.py);
- `close()` (the application stopping) ends every wait at once, so shutdown never waits out a
  flood limit or an outage.

Like AIORateLimiter it also keeps under Telegram's documented rates: 30 messages a second in
all, 20 a minute per group. The 30 a second are the bot's: replicas behind one webhook each
keep their share (`share_budget`, from the replicas' heartbeats in the database).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from .lost_answers import LostAnswers, Result, Send, is_unsure
from .send_budget import SendBudget, bucket

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
ChatKey = int | str

# Methods that deliver something to a user: worth retrying through an outage.
REPLY_METHODS = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "deleteMessage",
        "sendDocument",
        "sendPhoto",
    }
)
_MAX_HELD_CHATS = 4096


class DeliveryAborted(TelegramError):
    """The application is stopping: a request waiting for a retry is given up."""


@dataclass(frozen=True)
class DeliveryPolicy:
    retry_seconds: float = 90.0  # how long a reply is retried through 5xx and lost connections
    first_backoff_seconds: float = 0.5
    max_backoff_seconds: float = 10.0
    flood_retries: int = 3  # 429s in a row that one request waits out
    other_attempts: int = 3  # attempts for calls that deliver nothing (getMe, setWebhook...)
    messages_per_second: float = 30.0
    group_messages_per_minute: float = 20.0
    typing_actions_per_second: float = 10.0
    # A sendMessage whose answer was lost: how many message ids below the retry's are probed
    # for the delivered copy, and how long other sends to the chat may take to settle first.
    # Not in bot/settings.py: internal safety margins, not something to tune per deployment.
    probe_span: int = 40
    settle_seconds: float = 10.0


def _chat_of(data: JsonDict) -> ChatKey | None:
    chat = data.get("chat_id")
    if isinstance(chat, str) and chat.lstrip("-").isdigit():
        return int(chat)
    return chat if isinstance(chat, int | str) else None


def _is_group(chat: ChatKey) -> bool:
    return isinstance(chat, str) or chat < 0


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


class ReplyPacer(BaseRateLimiter[int]):
    """A PTB rate limiter (`ApplicationBuilder.rate_limiter`) that never stalls other chats."""

    def __init__(
        self,
        policy: DeliveryPolicy | None = None,
        *,
        jitter: Callable[[], float] = random.random,
        gives_way: Callable[[], bool] = lambda: False,
    ) -> None:
        """`gives_way`: asked as each message waits for the send budget, in the sender's
        context: whether it is a reply the engine worked for (bot/send_budget.py)."""
        self.policy = policy or DeliveryPolicy()
        self._jitter = jitter
        self._gives_way = gives_way
        self._closing = asyncio.Event()
        self._global_until = 0.0
        self._chat_until: dict[ChatKey, float] = {}
        self._overall = SendBudget(self.policy.messages_per_second)
        self._typing = bucket(self.policy.typing_actions_per_second)
        self._groups: dict[ChatKey, AsyncLimiter] = {}
        self._lost = LostAnswers(
            probe_span=self.policy.probe_span, settle_seconds=self.policy.settle_seconds
        )

    @property
    def messages_per_second(self) -> float:
        """This process's share of the bot's send budget."""
        return self._overall.per_second

    def share_budget(self, replicas: int) -> None:
        """Keep to 1/`replicas` of the bot's messages a second (replicas sharing one bot)."""
        self._lost.replicas = replicas  # others' replies are unknown here: no probing
        rate = self.policy.messages_per_second / max(1, replicas)
        if rate != self.messages_per_second:
            self._overall.change_rate(rate)
            log.info("send budget: %.1f messages a second (%d replicas)", rate, replicas)

    async def initialize(self) -> None:
        self._closing.clear()

    async def shutdown(self) -> None:
        self.close()

    def close(self) -> None:
        """End every pending wait: requests waiting for a retry or for the send budget raise
        DeliveryAborted."""
        self._closing.set()
        self._overall.close(DeliveryAborted("the bot is stopping; the request is given up"))

    def held_for(self, chat: ChatKey | None) -> float:
        """Seconds until requests for `chat` (None: any request) may go again."""
        now = asyncio.get_running_loop().time()
        held = self._chat_until.get(chat, 0.0) if chat is not None else 0.0
        until = max(self._global_until, held)
        return max(0.0, until - now)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JsonDict | list[JsonDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JsonDict | list[JsonDict]:
        chat = _chat_of(data)
        send = self._lost.begin(chat, endpoint)
        delivered = False
        try:
            result = await self._deliver(callback, args, kwargs, endpoint, data, chat, send)
            delivered = True
            if send is None or chat is None:
                return result
            self._lost.delivered(chat, send, result)
            if send.unsure_attempts == 0 or tuple(args[:1]) != (endpoint,):
                return result  # (the probes need PTB's callback: `_do_post(endpoint, data)`)

            async def probe(method: str, params: JsonDict) -> Result:
                await self._throttle(chat)
                return await callback(method, params, **kwargs)

            try:
                return await self._lost.settle(chat, send, data, result, probe, self._pause)
            except DeliveryAborted:
                return result  # delivered; the bot stops before the copies are sorted out
        finally:
            self._lost.end(chat, send, delivered)

    async def _deliver(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        chat: ChatKey | None,
        send: Send | None,
    ) -> Result:
        loop = asyncio.get_running_loop()
        started = loop.time()
        failures = floods = 0
        while True:
            await self._wait_turn(chat)
            if endpoint == "sendChatAction" and not await self._room_for_typing():
                # "typing..." that would wait for the message budget would show late and
                # delay the replies behind it: it is skipped instead.
                return True
            await self._throttle(chat)
            try:
                return await self._attempt(callback, args, kwargs, data, chat, send)
            except RetryAfter as error:
                floods += 1
                if floods > self.policy.flood_retries:
                    raise
                self._hold(endpoint, chat, _seconds(error.retry_after))
            except BadRequest:
                raise  # a 400 is final (BadRequest is a NetworkError in PTB)
            except NetworkError as error:  # 5xx, timeouts, lost connections
                failures += 1
                delay = self._backoff(failures)
                if endpoint in REPLY_METHODS:
                    retry = loop.time() + delay - started <= self.policy.retry_seconds
                else:
                    retry = failures < self.policy.other_attempts
                if not retry:
                    raise
                log.warning("%s failed (%s); retry %d in %.2fs", endpoint, error, failures, delay)
                await self._pause(delay)

    async def _attempt(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
        chat: ChatKey | None,
        send: Send | None,
    ) -> Result:
        """One call, noted (for a message-creating one) as on the wire meanwhile, and as
        unsure if it failed after Telegram may have acted on it."""
        if send is None or chat is None:
            return await callback(*args, **kwargs)
        self._lost.attempt_starts(chat, send, data, asyncio.get_running_loop().time())
        unsure = True  # also when cancelled on the way
        try:
            result = await callback(*args, **kwargs)
            unsure = False
            return result
        except TelegramError as error:
            unsure = is_unsure(error)
            raise
        finally:
            self._lost.attempt_ends(chat, send, unsure)

    def has_room_for_typing(self) -> bool:
        """Whether a "typing..." action would be sent now rather than skipped (nothing taken):
        a caller that would be skipped can skip building the request too."""
        return self._overall.has_capacity() and self._typing.has_capacity()

    async def _room_for_typing(self) -> bool:
        """Room in the message budget and in the typing budget (taken: with room, acquire()
        does not wait)."""
        if not self.has_room_for_typing():
            return False
        await self._typing.acquire()
        return True

    def _backoff(self, failures: int) -> float:
        """Exponential, capped, with "equal jitter" (half fixed, half random)."""
        policy = self.policy
        doubled = policy.first_backoff_seconds * 2 ** min(failures - 1, 32)
        ceiling = min(policy.max_backoff_seconds, doubled)
        return float(ceiling * (0.5 + 0.5 * self._jitter()))

    def _hold(self, endpoint: str, chat: ChatKey | None, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        if chat is None:
            self._global_until = max(self._global_until, until)
            log.warning(
                "%s: flood limit for the whole bot; every chat waits %.0fs", endpoint, seconds
            )
            return
        if len(self._chat_until) >= _MAX_HELD_CHATS:
            now = asyncio.get_running_loop().time()
            self._chat_until = {key: t for key, t in self._chat_until.items() if t > now}
        self._chat_until[chat] = max(self._chat_until.get(chat, 0.0), until)
        log.warning("%s: flood limit for chat %s; it waits %.0fs", endpoint, chat, seconds)

    async def _wait_turn(self, chat: ChatKey | None) -> None:
        while (wait := self.held_for(chat)) > 0:
            await self._pause(wait)

    async def _throttle(self, chat: ChatKey | None) -> None:
        if chat is None:
            return
        if _is_group(chat):
            await self._group_limiter(chat).acquire()
        await self._overall.acquire(self._gives_way())

    def _group_limiter(self, chat: ChatKey) -> AsyncLimiter:
        limiter = self._groups.get(chat)
        if limiter is None:
            if len(self._groups) >= _MAX_HELD_CHATS:
                idle = [key for key, lim in self._groups.items() if lim.has_capacity(lim.max_rate)]
                for key in idle:
                    del self._groups[key]
            limiter = AsyncLimiter(self.policy.group_messages_per_minute, 60)
            self._groups[chat] = limiter
        return limiter

    async def _pause(self, seconds: float) -> None:
        """Sleep, unless the application stops meanwhile (then DeliveryAborted)."""
        if self._closing.is_set():
            raise DeliveryAborted("the bot is stopping; the request is given up")
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return
        raise DeliveryAborted("the bot is stopping; the request is given up")
