"""Load benchmark: the real bot process against the local fake Bot API, with simulated users.

The bench process serves the fake Telegram Bot API (testkit.fake_bot_api.FakeBotApi) and a small
news site on 127.0.0.1, starts the bot as its own process (`python -m bot run`) pointed at
both, and injects private messages open-loop at a fixed rate: new IndoSum articles, repeats of
earlier ones, long articles (several IndoSum articles joined) and links to the local site.

For every update it measures the time from injection to the first sendMessage replying to
that message, classified as fresh or cached (a repeat counts as cached when the reply to its
first sending came before it was injected; otherwise it is reported as "in flight"). It counts
the answers per update: a reply with an inline keyboard closes an answer (a long summary split
into several messages that reply to the same message is one answer, its keyboard on the last
part); a reply without a keyboard after the last keyboard reply is an answer of its own (an
explanation or an error). The target is exactly one answer per update.

Each simulated chat is its own user and gets messages round-robin, so with the defaults (200
chats, 2,000 messages at 20/s) a chat sends one message every 10 s, 6 a minute: under the
bot's per-user limit of 10 a minute, which this bench does not measure.

Articles are read at run time from ../shared/data/indosum/dev.jsonl (750 articles). When more
fresh articles are needed than it holds, the next ones are the same articles with their
paragraphs rotated: a different text for the cache, of the same size and kind. Real Telegram
cuts a text message at 4,096 characters; the fake server does not, so the long articles
(30,000-60,000 characters) stand for the worst case, not for what users can paste.

Peak RSS is the bot process's VmHWM; if the bot runs worker processes, the peak of their
summed PSS (sampled every 0.25 s; PSS splits the pages they share) counts when higher. The
machine may be shared: the report shows how much CPU other processes used meanwhile and how
long the bot's threads waited for a CPU; `--wait-quiet` waits for a calm moment first.
`--profile FILE` records the bot with py-spy (collapsed stacks of the thread holding the GIL);
`--bot-command` runs another command line, e.g. to try a configuration.

All traffic stays on 127.0.0.1. Nothing leaves the machine.

Usage (from the project root):
    python bench/load.py              # 2,000 messages at 20/s from 200 chats (~100 s)
    python bench/load.py --quick      # 200 messages at 20/s, a smoke run
    python bench/load.py --wait-quiet 600 --profile /tmp/bot.prof
Exit status: 0 when every target passes, 1 when one fails, 2 when the run could not be made.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from aiohttp import web  # noqa: E402

from bench.common import DEFAULT_DATA, detokenize, load_articles  # noqa: E402
from testkit.fake_bot_api import FakeBotApi, RecordedCall  # noqa: E402

TOKEN = "987654321:AAH-ringkas-load-bench-token-0123"
FIRST_USER_ID = 7_000_001
USER_LIMIT_PER_MINUTE = 10  # handlers.limits.RateLimiter's default
SITE_NAME = "Warta Beban"

QUIET_CORES = 0.3  # other processes' CPU use under which the machine counts as quiet

KIND_NEW = "new"
KIND_REPEAT = "repeat"
KIND_LONG = "long"
KIND_LINK = "link"

# Latency buckets, classified after the run (see classify()).
FRESH = "fresh article"
FRESH_LONG = "fresh long article"
CACHED = "cached article"
REPEAT_IN_FLIGHT = "repeat, first still in flight"
LINK_FRESH = "fresh link"
LINK_CACHED = "cached link"
LINK_IN_FLIGHT = "link repeat, first in flight"
BUCKET_ORDER = (
    FRESH,
    FRESH_LONG,
    CACHED,
    REPEAT_IN_FLIGHT,
    LINK_FRESH,
    LINK_CACHED,
    LINK_IN_FLIGHT,
)

FRESH_P95_TARGET_MS = 500.0
CACHED_P50_TARGET_MS = 50.0
PEAK_RSS_TARGET_MB = 250.0
MAX_DRAIN_SECONDS = 2.0  # answers still due this long after the last message = a backlog


# --------------------------------------------------------------------------------------------
# The articles: IndoSum texts, rotated variants, long joins, and pages for the local site
# --------------------------------------------------------------------------------------------


def split_paragraphs(text: str) -> list[str]:
    return [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]


def fresh_texts(articles: Sequence[str]) -> Iterator[str]:
    """Every article once, then variants with their paragraphs rotated by 1, 2, ...

    A rotation is a new text for the cache and still an IndoSum-sized article; an article
    stops giving variants once it has been rotated through all its paragraphs.
    """
    seen: set[str] = set()
    paragraphs = [split_paragraphs(text) for text in articles]
    for shift in range(max(len(p) for p in paragraphs)):
        for parts in paragraphs:
            if shift and shift >= len(parts):
                continue
            text = "\n\n".join(parts[shift:] + parts[:shift])
            if text not in seen:
                seen.add(text)
                yield text


def long_text(articles: Sequence[str], rng: random.Random, low: int, high: int) -> str:
    """Whole articles joined until the text is `low` to `high` characters long."""
    target = rng.randint(low, high)
    parts: list[str] = []
    length = 0
    while length < target:
        part = rng.choice(articles)
        parts.append(part)
        length += len(part) + 2
    text = "\n\n".join(parts)
    if len(text) > high:
        cut = text.rfind("\n\n", 0, high)
        text = text[: cut if cut >= low else high]
    return text


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: str


def page_from_article(number: int, text: str) -> Page:
    paragraphs = tuple(split_paragraphs(text))
    title = " ".join(paragraphs[0].split()[:9]).rstrip(".,;:\"'")
    day = 1 + number % 28
    return Page(
        f"berita-{number:04d}", title, paragraphs, f"2024-05-{day:02d}T09:{number % 60:02d}"
    )


def render_page(page: Page) -> str:
    """A news page as a small site would serve it: menus, byline, article, related links."""
    title = html.escape(page.title)
    body = "\n".join(f"    <p>{html.escape(paragraph)}</p>" for paragraph in page.paragraphs)
    related = "\n".join(
        f'    <li><a href="/berita/lain-{n}.html">Kabar lain nomor {n} dari redaksi</a></li>'
        for n in range(1, 5)
    )
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{title} - {SITE_NAME}</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{page.published}:00+07:00">
</head>
<body>
<header><a href="/">{SITE_NAME}</a>
  <nav><ul><li><a href="/">Beranda</a></li><li><a href="/nasional">Nasional</a></li>
  <li><a href="/olahraga">Olahraga</a></li><li><a href="/teknologi">Teknologi</a></li></ul></nav>
</header>
<main>
<article>
  <h1>{title}</h1>
  <div class="meta">Oleh Redaksi &middot; {page.published[:10]}</div>
  <div class="body">
{body}
  </div>
</article>
<section class="related"><h2>Berita Terkait</h2>
  <ul>
{related}
  </ul>
</section>
</main>
<footer>&copy; 2024 {SITE_NAME}. Hak cipta dilindungi.</footer>
</body>
</html>
"""


class NewsSite:
    """The article pages on 127.0.0.1, rendered on request; counts requests per page."""

    def __init__(self, pages: Sequence[Page]) -> None:
        self._pages = {page.slug: page for page in pages}
        self.requests: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/berita/{slug}.html", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, slug: str) -> str:
        return f"http://127.0.0.1:{self.port}/berita/{slug}.html"

    async def _serve(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        self.requests[slug] = self.requests.get(slug, 0) + 1
        page = self._pages.get(slug)
        if page is None:
            return web.Response(status=404, text="Halaman tidak ditemukan")
        return web.Response(text=render_page(page), content_type="text/html", charset="utf-8")


# --------------------------------------------------------------------------------------------
# The plan: who sends what, when
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mix:
    new: float
    repeat: float
    long: float
    link: float
    link_repeat: float  # share of link messages that repeat an earlier link
    repeat_gap: float  # seconds: a repeat picks among contents first sent at least this long ago
    long_low: int
    long_high: int


@dataclass(frozen=True)
class PlannedMessage:
    index: int
    offset: float  # seconds after the start of the load
    chat_id: int
    kind: str
    text: str
    content: str  # identity of what is summarized: the article text, or the page slug
    first: int | None  # index of the first message with the same content (repeats only)


Earlier = tuple[float, str, int]  # offset, content, index of a first sending


def link_message(url: str, rng: random.Random) -> str:
    return rng.choice((url, f"Tolong ringkas ini ya {url}", f"{url} menurutmu gimana?"))


class Planner:
    """Decides each message in turn; repeats pick among contents sent `repeat_gap` s before."""

    def __init__(
        self, mix: Mix, articles: Sequence[str], site: NewsSite, pages: Sequence[Page], seed: int
    ) -> None:
        self.mix = mix
        self.articles = articles
        self.site = site
        self.rng = random.Random(seed)
        self._fresh = fresh_texts(articles)
        self._pages = iter(pages)
        self._texts: list[Earlier] = []
        self._links: list[Earlier] = []

    def message(self, index: int, offset: float, chat_id: int) -> PlannedMessage:
        weights = (self.mix.new, self.mix.repeat, self.mix.long, self.mix.link)
        kind = self.rng.choices((KIND_NEW, KIND_REPEAT, KIND_LONG, KIND_LINK), weights)[0]
        if kind == KIND_LINK:
            return self._link(index, offset, chat_id)
        if kind == KIND_REPEAT:
            earlier = self._earlier(self._texts, offset)
            if earlier is not None:
                _, text, first = earlier
                return PlannedMessage(index, offset, chat_id, KIND_REPEAT, text, text, first)
            kind = KIND_NEW  # nothing old enough to repeat yet
        text = self._new_text() if kind == KIND_NEW else self._long_text()
        self._texts.append((offset, text, index))
        return PlannedMessage(index, offset, chat_id, kind, text, text, None)

    def _earlier(self, pool: list[Earlier], offset: float) -> Earlier | None:
        eligible = [entry for entry in pool if entry[0] <= offset - self.mix.repeat_gap]
        return self.rng.choice(eligible) if eligible else None

    def _new_text(self) -> str:
        text = next(self._fresh, None)
        if text is None:
            raise RuntimeError("the corpus has no more distinct articles for this many messages")
        return text

    def _long_text(self) -> str:
        return long_text(self.articles, self.rng, self.mix.long_low, self.mix.long_high)

    def _link(self, index: int, offset: float, chat_id: int) -> PlannedMessage:
        earlier = None
        if self.rng.random() < self.mix.link_repeat:
            earlier = self._earlier(self._links, offset)
        if earlier is None:
            slug, first = next(self._pages).slug, None
            self._links.append((offset, slug, index))
        else:
            _, slug, first = earlier
        text = link_message(self.site.url(slug), self.rng)
        return PlannedMessage(index, offset, chat_id, KIND_LINK, text, slug, first)


def busiest_chat_minute(plan: Sequence[PlannedMessage]) -> int:
    """Most messages one chat sends within 60 s (the bot's per-user limit counts these)."""
    offsets: dict[int, list[float]] = {}
    for planned in plan:
        offsets.setdefault(planned.chat_id, []).append(planned.offset)
    busiest = 0
    for times in offsets.values():
        start = 0
        for end, at in enumerate(times):
            while times[start] <= at - 60.0 + 1e-6:
                start += 1
            busiest = max(busiest, end - start + 1)
    return busiest


def build_plan(count: int, rate: float, chats: int, planner: Planner) -> list[PlannedMessage]:
    """Message i goes at i / rate seconds to chat i mod `chats` (round-robin)."""
    return [planner.message(i, i / rate, FIRST_USER_ID + i % chats) for i in range(count)]


# --------------------------------------------------------------------------------------------
# The bot process
# --------------------------------------------------------------------------------------------


def read_proc_kib(pid: int, field_name: str, source: str = "status") -> int | None:
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM) or smaps_rollup (Pss); None when the
    process is gone."""
    try:
        with open(f"/proc/{pid}/{source}", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def child_pids(pid: int) -> list[int]:
    """Direct children of a process (from each process's /proc/PID/stat parent field)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            children.append(int(entry))
    return children


def read_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process so far (/proc/PID/stat), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuReading:
    """Cumulative CPU counters at one moment (seconds)."""

    wall: float
    bot: float
    bench: float
    machine_busy: float  # every process on the machine (this VM): user, system, irq
    machine_steal: float  # taken by the hypervisor
    bot_waiting: float  # bot threads runnable but waiting for a CPU (run-queue time)


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / ticks, steal / ticks


def run_queue_seconds(pid: int) -> float:
    """Time the process's threads spent runnable but not running (/proc/PID/task/*/schedstat)."""
    total = 0
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            path = f"/proc/{pid}/task/{task}/schedstat"
            with contextlib.suppress(OSError, IndexError, ValueError), open(path) as stat:
                total += int(stat.read().split()[1])
    return total / 1e9


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its living children (a worker pool, if any)."""
    own = read_cpu_seconds(pid) or 0.0
    return own + sum(read_cpu_seconds(child) or 0.0 for child in child_pids(pid))


def read_cpu(bot_pid: int) -> CpuReading:
    busy, steal = machine_cpu_seconds()
    return CpuReading(
        wall=time.monotonic(),
        bot=tree_cpu_seconds(bot_pid),
        bench=time.process_time(),
        machine_busy=busy,
        machine_steal=steal,
        bot_waiting=sum(map(run_queue_seconds, [bot_pid, *child_pids(bot_pid)])),
    )


@dataclass(frozen=True)
class CpuUse:
    """CPU over the load, in cores (CPU seconds per wall second).

    The machine has other users (other jobs running at the same time show up as `others`);
    `bot_waiting` is how many of the bot's threads were, on average, ready to run but waiting
    for a CPU: above 0 the bot's latencies include waiting for CPUs it did not get.
    """

    wall: float
    bot: float
    bench: float
    others: float
    steal: float
    bot_waiting: float

    @classmethod
    def between(cls, first: CpuReading, last: CpuReading) -> CpuUse:
        wall = max(last.wall - first.wall, 1e-9)
        bot = (last.bot - first.bot) / wall
        bench = (last.bench - first.bench) / wall
        machine = (last.machine_busy - first.machine_busy) / wall
        return cls(
            wall=wall,
            bot=bot,
            bench=bench,
            others=max(0.0, machine - bot - bench),
            steal=(last.machine_steal - first.machine_steal) / wall,
            bot_waiting=(last.bot_waiting - first.bot_waiting) / wall,
        )


@dataclass(frozen=True)
class Sample:
    at: float  # time.time()
    rss_kib: int  # the bot process and its child processes (worker pools), if any
    pss_kib: int  # the same as proportional set size: pages shared between them split
    cpu_seconds: float
    machine_busy: float  # CPU seconds of every process on the machine, bot included


class BotProcess:
    """`python -m bot run` with its own environment, cwd and log file."""

    def __init__(self, api: FakeBotApi, workdir: Path, command: Sequence[str]) -> None:
        self.database = workdir / "ringkas.db"
        self.log_path = workdir / "bot.log"
        self.workdir = workdir
        self.env = bot_environment(api, self.database)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            list(command),
            cwd=workdir,  # no stray .env from the project root
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.samples: list[Sample] = []

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def peak_rss_kib(self) -> int | None:
        return read_proc_kib(self.pid, "VmHWM")

    def sample(self) -> None:
        rss = read_proc_kib(self.pid, "VmRSS")
        cpu = read_cpu_seconds(self.pid)
        if rss is not None and cpu is not None:
            pss = read_proc_kib(self.pid, "Pss", "smaps_rollup") or 0
            for child in child_pids(self.pid):
                rss += read_proc_kib(child, "VmRSS") or 0
                pss += read_proc_kib(child, "Pss", "smaps_rollup") or 0
                cpu += read_cpu_seconds(child) or 0.0
            busy, _ = machine_cpu_seconds()
            self.samples.append(Sample(time.time(), rss, pss, cpu, busy))

    async def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, wait, then SIGKILL if it will not go; returns the exit status.

        Waits without blocking the event loop: the bot's last calls on its way out (the final
        getUpdates that confirms the offset) go to the fake API served by this same loop.
        """
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if self.alive():
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()


def bot_environment(api: FakeBotApi, database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))}
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{database}",
        FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        LOG_LEVEL="WARNING",
        WEBHOOK_URL="",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    return env


def start_profiler(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling the bot (collapsed stacks, one line per stack, per thread)."""
    command = ["py-spy", "record", "--pid", str(pid), "--rate", "100", "--format", "raw"]
    command += ["--threads", "--gil", "--nonblocking", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def stop_profiler(profiler: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGINT makes py-spy write its output; wait for it without blocking the loop."""
    if profiler.poll() is None:
        profiler.send_signal(signal.SIGINT)
    deadline = time.monotonic() + timeout
    while profiler.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if profiler.poll() is None:
        profiler.kill()
        profiler.wait()


async def busy_cores(seconds: float = 1.0) -> float:
    """CPU cores busy on the whole machine over the next `seconds`."""
    first, _ = machine_cpu_seconds()
    started = time.monotonic()
    await asyncio.sleep(seconds)
    last, _ = machine_cpu_seconds()
    return (last - first) / (time.monotonic() - started)


async def wait_for_quiet(limit: float, patience: float) -> float:
    """Wait up to `patience` s for other processes to use under `limit` cores; returns the last
    reading. The machine is shared: a benchmark on a busy one measures the neighbours."""
    deadline = time.monotonic() + patience
    busy = await busy_cores()
    while busy > limit and time.monotonic() < deadline:
        print(f"machine busy ({busy:.2f} cores); waiting for it to calm down ...", file=sys.stderr)
        await asyncio.sleep(4.0)
        busy = await busy_cores()
    return busy


async def wait_until_polling(api: FakeBotApi, bot: BotProcess, timeout: float) -> float:
    """Seconds until the bot's first long poll; raises RuntimeError if it dies or hangs."""
    started = time.monotonic()
    while not api.polling:
        if not bot.alive():
            raise RuntimeError(f"the bot exited with status {bot.process.returncode} at start")
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the bot did not start polling within {timeout:g} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def cache_stats(env: dict[str, str], workdir: Path) -> dict[str, str]:
    """`ringkasbot stats` for the bot's database, as label -> value."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "stats"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip() or f"exit status {done.returncode}"}
    rows = {}
    for line in done.stdout.splitlines():
        label, _, value = line.partition("  ")
        rows[label.strip()] = value.strip()
    return rows


# --------------------------------------------------------------------------------------------
# Driving the load
# --------------------------------------------------------------------------------------------


@dataclass
class Injected:
    planned: PlannedMessage
    chat_id: int
    message_id: int
    at: float  # time.time() just before the update was queued
    late: float  # seconds behind the open-loop schedule


async def sample_periodically(bot: BotProcess, interval: float = 0.25) -> None:
    while True:
        bot.sample()
        await asyncio.sleep(interval)


async def inject_all(api: FakeBotApi, plan: Sequence[PlannedMessage]) -> list[Injected]:
    """Open loop: message i goes at start + offset_i, whatever the bot is doing."""
    injected: list[Injected] = []
    loop = asyncio.get_running_loop()
    start = loop.time()
    for planned in plan:
        delay = start + planned.offset - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        late = max(0.0, loop.time() - start - planned.offset)
        at = time.time()
        message = api.private_text(planned.text, user_id=planned.chat_id, language_code="id")
        injected.append(Injected(planned, planned.chat_id, message["message_id"], at, late))
    return injected


def reply_target(call: RecordedCall) -> tuple[int, int] | None:
    """(chat_id, message_id) that a successful sendMessage replied to."""
    if call.method != "sendMessage" or not call.ok:
        return None
    reply = call.params.get("reply_parameters")
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    message_id = message_id or call.params.get("reply_to_message_id")
    chat_id = call.params.get("chat_id")
    if not isinstance(chat_id, int) or not isinstance(message_id, int):
        return None
    return chat_id, message_id


async def wait_for_answers(
    api: FakeBotApi, injected: Sequence[Injected], timeout: float, settle: float
) -> bool:
    """Until every update has a reply (True), or `timeout`; then `settle` s for stragglers."""
    waiting = {(item.chat_id, item.message_id) for item in injected}
    scanned = 0
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        calls = api.calls
        for call in calls[scanned:]:
            target = reply_target(call)
            if target is not None:
                waiting.discard(target)
        scanned = len(calls)
        await asyncio.sleep(0.1)
    await asyncio.sleep(settle)
    return not waiting


# --------------------------------------------------------------------------------------------
# Analysis
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    injected: Injected
    replies: list[RecordedCall]
    bucket: str = ""

    @property
    def answers(self) -> int:
        """Replies grouped into answers: a keyboard reply closes the parts before it."""
        count, open_parts = 0, 0
        for reply in self.replies:
            open_parts += 1
            if reply.params.get("reply_markup"):
                count += 1
                open_parts = 0
        return count + open_parts

    @property
    def first_reply_at(self) -> float | None:
        return self.replies[0].time if self.replies else None

    @property
    def latency_ms(self) -> float | None:
        first = self.first_reply_at
        return None if first is None else (first - self.injected.at) * 1000

    @property
    def is_summary(self) -> bool:
        return any(reply.params.get("reply_markup") for reply in self.replies)


def collect_outcomes(calls: Sequence[RecordedCall], injected: Sequence[Injected]) -> list[Outcome]:
    by_target = {(item.chat_id, item.message_id): Outcome(item, []) for item in injected}
    for call in calls:
        target = reply_target(call)
        if target in by_target:
            by_target[target].replies.append(call)
    outcomes = list(by_target.values())
    for outcome in outcomes:
        outcome.replies.sort(key=lambda call: call.time)
    classify(outcomes)
    return outcomes


def classify(outcomes: Sequence[Outcome]) -> None:
    """Fresh or cached: a repeat is cached when its first's reply came before it was sent."""
    by_index = {outcome.injected.planned.index: outcome for outcome in outcomes}
    for outcome in outcomes:
        planned = outcome.injected.planned
        is_link = planned.kind == KIND_LINK
        if planned.first is None:
            outcome.bucket = (
                LINK_FRESH if is_link else FRESH_LONG if planned.kind == KIND_LONG else FRESH
            )
            continue
        first_reply = by_index[planned.first].first_reply_at
        answered_before = first_reply is not None and first_reply < outcome.injected.at
        if is_link:
            outcome.bucket = LINK_CACHED if answered_before else LINK_IN_FLIGHT
        else:
            outcome.bucket = CACHED if answered_before else REPEAT_IN_FLIGHT


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class LatencyRow:
    bucket: str
    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    worst: float | None


def latency_rows(outcomes: Sequence[Outcome]) -> list[LatencyRow]:
    rows = []
    for bucket in BUCKET_ORDER:
        values = [o.latency_ms for o in outcomes if o.bucket == bucket and o.latency_ms is not None]
        if values or bucket in (FRESH, CACHED, LINK_FRESH, LINK_CACHED):
            rows.append(
                LatencyRow(
                    bucket,
                    len(values),
                    percentile(values, 0.50),
                    percentile(values, 0.95),
                    percentile(values, 0.99),
                    max(values, default=None),
                )
            )
    return rows


@dataclass(frozen=True)
class WindowRow:
    """What happened in one stretch of the run (seconds from the first injection)."""

    start: float
    injected: int
    replies: int
    chat_actions: int
    p50_ms: float | None  # of the messages injected in this window
    p95_ms: float | None
    max_ms: float | None
    bot_cores: float | None  # CPU seconds the bot used per second of the window
    machine_cores: float | None  # the same for the whole machine (bot and bench included)
    bot_rss_kib: int | None  # at the window's end


def window_usage(
    samples: Sequence[Sample], low: float, high: float
) -> tuple[float | None, float | None, int | None]:
    before = [sample for sample in samples if sample.at <= low]
    inside = [sample for sample in samples if low < sample.at <= high]
    if not inside:
        return None, None, None
    first = before[-1] if before else inside[0]
    last = inside[-1]
    elapsed = last.at - first.at
    if elapsed <= 0:
        return None, None, last.rss_kib
    bot = (last.cpu_seconds - first.cpu_seconds) / elapsed
    machine = (last.machine_busy - first.machine_busy) / elapsed
    return bot, machine, last.rss_kib


def timeline(
    outcomes: Sequence[Outcome],
    calls: Sequence[RecordedCall],
    samples: Sequence[Sample],
    window: float,
) -> list[WindowRow]:
    origin = min(o.injected.at for o in outcomes)
    end = max([o.injected.at for o in outcomes] + [c.time for c in calls if c.time >= origin])
    rows = []
    start = 0.0
    while origin + start <= end:
        low, high = origin + start, origin + start + window
        sent_here = [o for o in outcomes if low <= o.injected.at < high]
        latencies = [o.latency_ms for o in sent_here if o.latency_ms is not None]
        in_window = [c for c in calls if low <= c.time < high]
        rows.append(
            WindowRow(
                start,
                len(sent_here),
                sum(1 for c in in_window if reply_target(c) is not None),
                sum(1 for c in in_window if c.method == "sendChatAction"),
                percentile(latencies, 0.5),
                percentile(latencies, 0.95),
                max(latencies, default=None),
                *window_usage(samples, low, high),
            )
        )
        start += window
    return rows


@dataclass(frozen=True)
class RunResult:
    messages: int
    chats: int
    busiest_chat_minute: int
    rate: float
    outcomes: list[Outcome]
    inject_seconds: float
    max_late: float
    cpu: CpuUse
    busy_before: float  # cores busy on the machine just before the bot started
    startup_seconds: float
    rss_baseline_kib: int | None
    rss_end_kib: int | None
    rss_peak_kib: int | None  # the bot process's VmHWM
    rss_peak_sampled_kib: int | None  # highest sampled RSS of the bot plus its children
    pss_peak_sampled_kib: int | None  # highest sampled PSS of the bot plus its children
    stats: dict[str, str]
    failed_sends: int
    stray_sends: int  # sendMessage calls that reply to none of the injected messages
    calls_by_method: dict[str, int]
    timeline: list[WindowRow]
    page_fetches: dict[str, int]
    bot_log: list[str]
    bot_exit: int | None
    drained: bool
    bot_command: str
    code_version: str


def stray_sends(calls: Sequence[RecordedCall], injected: Sequence[Injected]) -> int:
    targets = {(item.chat_id, item.message_id) for item in injected}
    return sum(
        1
        for call in calls
        if call.method == "sendMessage" and call.ok and reply_target(call) not in targets
    )


def calls_by_method(calls: Sequence[RecordedCall]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in calls:
        counts[call.method] = counts.get(call.method, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_cores(cores: float | None) -> str:
    return "-" if cores is None else f"{cores:.2f}"


def fmt_mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.0f} MB"


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def expected_cache_lookups(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """Hits and misses the bot's counters should show if every repeat is served from cache.

    A text costs one lookup (its digest); a link two (the stored article, then its digest).
    """
    hits = misses = 0
    for outcome in outcomes:
        weight = 2 if outcome.injected.planned.kind == KIND_LINK else 1
        if outcome.bucket in (CACHED, LINK_CACHED):
            hits += weight
        elif outcome.bucket in (FRESH, FRESH_LONG, LINK_FRESH):
            misses += weight
    return hits, misses


@dataclass(frozen=True)
class Figures:
    """What the report derives from a run."""

    answered: int
    reply_messages: int
    not_one: list[Outcome]  # updates without exactly one answer
    not_summary: list[Outcome]  # answered with something other than a summary
    achieved_rate: float  # arrivals per second over the injection
    load_throughput: float  # updates answered per second while the load ran
    overall_throughput: float  # updates answered / (first injection to last reply)
    span: float | None  # first injection to last reply, seconds
    drain: float | None  # last injection to last reply, seconds
    latency: dict[str, LatencyRow]
    kinds: dict[str, int]
    repeats: int
    link_repeats: int
    cached_served: int
    expected_hits: int
    expected_misses: int
    refetched_pages: int
    peak_rss_kib: int | None


def figures(result: RunResult) -> Figures:
    outcomes = result.outcomes
    answered = [o for o in outcomes if o.replies]
    first_inject = min(o.injected.at for o in outcomes)
    last_inject = max(o.injected.at for o in outcomes)
    last_reply = max((o.replies[-1].time for o in answered), default=None)
    load_seconds = last_inject - first_inject
    answered_in_load = sum(1 for o in answered if o.replies[0].time <= last_inject)
    span = None if last_reply is None else last_reply - first_inject
    repeats = [o for o in outcomes if o.injected.planned.first is not None]
    kinds = {kind: 0 for kind in (KIND_NEW, KIND_REPEAT, KIND_LONG, KIND_LINK)}
    for o in outcomes:
        kinds[o.injected.planned.kind] += 1
    hits, misses = expected_cache_lookups(outcomes)
    # The bot's own peak; with worker processes, their sum as PSS (RSS would count the pages
    # they share with the bot once per process).
    peaks = [kib for kib in (result.rss_peak_kib, result.pss_peak_sampled_kib) if kib]
    return Figures(
        answered=len(answered),
        reply_messages=sum(len(o.replies) for o in outcomes),
        not_one=[o for o in outcomes if o.answers != 1],
        not_summary=[o for o in answered if not o.is_summary],
        achieved_rate=(len(outcomes) - 1) / load_seconds if load_seconds > 0 else 0.0,
        load_throughput=answered_in_load / load_seconds if load_seconds > 0 else 0.0,
        overall_throughput=len(answered) / span if span else 0.0,
        span=span,
        drain=None if last_reply is None else max(0.0, last_reply - last_inject),
        latency={row.bucket: row for row in latency_rows(outcomes)},
        kinds=kinds,
        repeats=len(repeats),
        link_repeats=sum(1 for o in repeats if o.injected.planned.kind == KIND_LINK),
        cached_served=sum(1 for o in repeats if o.bucket in (CACHED, LINK_CACHED)),
        expected_hits=hits,
        expected_misses=misses,
        refetched_pages=sum(count - 1 for count in result.page_fetches.values() if count > 1),
        peak_rss_kib=max(peaks, default=None),
    )


def sustained(result: RunResult, fig: Figures) -> bool:
    """Arrivals on schedule, answers keeping pace with them, and no backlog left at the end."""
    return (
        fig.achieved_rate >= 0.98 * result.rate
        and result.max_late < 0.5
        and fig.load_throughput >= 0.95 * fig.achieved_rate
        and fig.drain is not None
        and fig.drain <= MAX_DRAIN_SECONDS
        and result.drained
    )


def target_rows(result: RunResult, fig: Figures) -> list[tuple[str, str, bool]]:
    fresh, cached = fig.latency[FRESH], fig.latency[CACHED]
    return [
        (
            f"sustained {result.rate:g} msg/s (answers keep pace; backlog gone "
            f"{MAX_DRAIN_SECONDS:g} s after the last message)",
            f"{fig.achieved_rate:.2f} in / {fig.load_throughput:.2f} answered per s; "
            f"last answer {fmt_s(fig.drain)} after the last message",
            sustained(result, fig),
        ),
        (
            f"fresh article p95 < {FRESH_P95_TARGET_MS:.0f} ms",
            "no fresh articles" if fresh.p95 is None else f"{fmt_ms(fresh.p95)} ms",
            fresh.p95 is not None and fresh.p95 < FRESH_P95_TARGET_MS,
        ),
        (
            f"cached article p50 < {CACHED_P50_TARGET_MS:.0f} ms",
            "no cached articles" if cached.p50 is None else f"{fmt_ms(cached.p50)} ms",
            cached.p50 is not None and cached.p50 < CACHED_P50_TARGET_MS,
        ),
        (
            f"peak RSS < {PEAK_RSS_TARGET_MB:.0f} MB (with workers: their PSS sum)",
            fmt_mib(fig.peak_rss_kib),
            fig.peak_rss_kib is not None and fig.peak_rss_kib / 1024 < PEAK_RSS_TARGET_MB,
        ),
        ("updates without exactly one answer = 0", str(len(fig.not_one)), not fig.not_one),
        (
            "answers that are not a summary = 0 (the mix has no bad input)",
            str(len(fig.not_summary)),
            not fig.not_summary,
        ),
    ]


def heading_lines(result: RunResult, fig: Figures) -> list[str]:
    return [
        "## Ringkas load benchmark",
        "",
        f"{result.messages:,} messages from {result.chats} private chats (one user each; "
        f"at most {result.busiest_chat_minute} from one chat within a minute, under the "
        f"per-user limit of {USER_LIMIT_PER_MINUTE}),"
        f" open loop at {result.rate:g} msg/s. Mix: {fig.kinds[KIND_NEW]} new, "
        f"{fig.kinds[KIND_REPEAT]} repeats, {fig.kinds[KIND_LONG]} long, "
        f"{fig.kinds[KIND_LINK]} links ({fig.link_repeats} of them repeated).",
    ]


def measure_lines(result: RunResult, fig: Figures) -> list[str]:
    stats, cpu = result.stats, result.cpu
    api_calls = ", ".join(f"{method} {n:,}" for method, n in result.calls_by_method.items())
    rows = [
        ("Bot command / code", f"`{result.bot_command}` / {result.code_version}"),
        ("Messages injected", f"{result.messages:,}"),
        (
            "Injection time",
            f"{result.inject_seconds:.1f} s (latest {result.max_late * 1000:.0f} ms behind "
            "schedule)",
        ),
        ("Achieved arrival rate", f"{fig.achieved_rate:.2f} msg/s"),
        ("Updates answered per second while the load ran", f"{fig.load_throughput:.2f}"),
        ("Duration, first message to last reply", fmt_s(fig.span)),
        ("Throughput over that duration", f"{fig.overall_throughput:.2f} updates/s"),
        ("Updates answered", f"{fig.answered:,} of {result.messages:,}"),
        ("Reply messages sent (parts included)", f"{fig.reply_messages:,}"),
        ("sendMessage calls refused by the API", str(result.failed_sends)),
        ("Messages sent that reply to no injected message", str(result.stray_sends)),
        ("Bot API calls", api_calls),
        ("Answers that are not a summary (no keyboard)", str(len(fig.not_summary))),
        ("**Updates without exactly one answer**", f"**{len(fig.not_one)}**"),
        (
            "Repeats served after their first was answered",
            f"{fig.cached_served} of {fig.repeats}",
        ),
        (
            "Cache hit rate, by classification",
            f"{share(fig.cached_served, result.messages)} of requests",
        ),
        (
            "Cache hit rate, `ringkasbot stats`",
            f"{stats.get('Hit rate', '-')} (hits / misses {stats.get('Hits / misses', '-')}; "
            f"expected {fig.expected_hits:,} / {fig.expected_misses:,})",
        ),
        (
            "Cache entries / size",
            f"{stats.get('Cache entries', '-')} / {stats.get('Cache size', '-')}",
        ),
        (
            "Page fetches (distinct pages / refetches)",
            f"{len(result.page_fetches)} / {fig.refetched_pages}",
        ),
        ("Bot start-up (process start to first poll)", f"{result.startup_seconds:.1f} s"),
        (
            "Bot RSS after start-up / at the end / peak (VmHWM)",
            f"{fmt_mib(result.rss_baseline_kib)} / {fmt_mib(result.rss_end_kib)} / "
            f"{fmt_mib(result.rss_peak_kib)}",
        ),
        (
            "Peak sampled, bot plus child processes: RSS / PSS",
            f"{fmt_mib(result.rss_peak_sampled_kib)} / {fmt_mib(result.pss_peak_sampled_kib)}",
        ),
        (
            f"CPU over the load ({cpu.wall:.0f} s), in cores: bot / bench (fake API + site) / "
            "other processes / steal",
            f"{cpu.bot:.2f} / {cpu.bench:.2f} / {cpu.others:.2f} / {cpu.steal:.2f} "
            f"of {os.cpu_count()}",
        ),
        ("Machine CPU in use just before the run", f"{result.busy_before:.2f} cores"),
        ("Bot threads ready to run but waiting for a CPU (average)", f"{cpu.bot_waiting:.2f}"),
        (
            "Bot log lines WARNING / ERROR",
            f"{count_level(result.bot_log, 'WARNING')} / {count_level(result.bot_log, 'ERROR')}",
        ),
        ("Bot exit status after SIGTERM", str(result.bot_exit)),
    ]
    return ["", "| Measure | Value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]


def latency_lines(fig: Figures) -> list[str]:
    lines = [
        "",
        "Time from injection to the first reply (ms):",
        "",
        "| Requests | n | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    return lines + [
        f"| {row.bucket} | {row.count} | {fmt_ms(row.p50)} | {fmt_ms(row.p95)} | "
        f"{fmt_ms(row.p99)} | {fmt_ms(row.worst)} |"
        for row in fig.latency.values()
    ]


def timeline_lines(rows: Sequence[WindowRow]) -> list[str]:
    lines = [
        "",
        "Over time (latency of the messages injected in each window, ms):",
        "",
        "| From s | Injected | Reply messages | sendChatAction | p50 | p95 | max | Bot CPU "
        "| Machine CPU | Bot RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    return lines + [
        f"| {row.start:.0f} | {row.injected} | {row.replies} | {row.chat_actions} | "
        f"{fmt_ms(row.p50_ms)} | {fmt_ms(row.p95_ms)} | {fmt_ms(row.max_ms)} | "
        f"{fmt_cores(row.bot_cores)} | "
        f"{fmt_cores(row.machine_cores)} | {fmt_mib(row.bot_rss_kib)} |"
        for row in rows
    ]


def shared_machine_warning(cpu: CpuUse) -> list[str]:
    if cpu.others <= QUIET_CORES:
        return []
    return [
        "",
        f"**Warning:** other processes used {cpu.others:.2f} cores during the run (the machine "
        "is shared); the latencies above include waiting for CPUs the bot did not get. Rerun "
        "on a quiet machine (`--wait-quiet 600`) before trusting them.",
    ]


def report(result: RunResult) -> tuple[str, bool]:
    """The markdown report, and whether every target passed."""
    fig = figures(result)
    targets = target_rows(result, fig)
    lines = heading_lines(result, fig) + measure_lines(result, fig) + latency_lines(fig)
    lines += timeline_lines(result.timeline)
    lines += ["", "| Target | Measured | Result |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {verdict(passed)} |" for name, value, passed in targets]
    lines += shared_machine_warning(result.cpu)
    lines += problem_lines(fig.not_one, fig.not_summary)
    lines += first_error(result.bot_log)
    return "\n".join(lines), all(passed for _, _, passed in targets)


def fmt_s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


def share(part: int, whole: int) -> str:
    return "-" if not whole else f"{part / whole:.1%}"


def count_level(log: Sequence[str], level: str) -> int:
    return sum(1 for line in log if f" {level} " in line)


def first_error(log: Sequence[str], context: int = 15) -> list[str]:
    """The bot's first ERROR log record with the lines after it (its traceback)."""
    for number, line in enumerate(log):
        if " ERROR " in line:
            return ["", "The bot's first error:", "", "```", *log[number : number + context], "```"]
    return []


def problem_lines(not_one: Sequence[Outcome], not_summary: Sequence[Outcome]) -> list[str]:
    lines: list[str] = []
    if not_one:
        lines += ["", "Updates without exactly one answer (first 10):", ""]
        for o in not_one[:10]:
            planned = o.injected.planned
            lines.append(
                f"- #{planned.index} {planned.kind} chat {o.injected.chat_id} message "
                f"{o.injected.message_id}: {o.answers} answers in {len(o.replies)} messages"
            )
    if not_summary:
        lines += ["", "Answers that are not a summary (first 10):", ""]
        for o in not_summary[:10]:
            text = str(o.replies[0].params.get("text", ""))[:120].replace("\n", " ")
            lines.append(f"- #{o.injected.planned.index} {o.injected.planned.kind}: {text}")
    return lines


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True
    )
    return done.stdout.strip()


def code_version() -> str:
    """The commit the bot ran from, and whether the working tree had uncommitted changes."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        changes = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{head} with uncommitted changes" if changes else head


def load_texts(path: Path) -> list[str]:
    return [detokenize(article).text for article in load_articles(path)]


def site_pages(articles: Sequence[str], count: int, seed: int) -> list[Page]:
    """One page per message at most; the same article under another address is another link."""
    order = random.Random(seed).sample(range(len(articles)), len(articles))
    return [page_from_article(n, articles[order[n % len(order)]]) for n in range(count)]


def mix_of(args: argparse.Namespace) -> Mix:
    return Mix(
        args.new, args.repeat, args.long, args.link, args.link_repeat, args.repeat_gap,
        args.long_min, args.long_max,
    )  # fmt: skip


@dataclass(frozen=True)
class Load:
    """What the load phase measured, before the bot was stopped."""

    injected: list[Injected]
    seconds: float
    drained: bool
    cpu: CpuUse
    startup_seconds: float
    rss_baseline_kib: int | None
    rss_peak_kib: int | None


async def bot_ready(api: FakeBotApi, bot: BotProcess, timeout: float) -> tuple[float, int | None]:
    """Seconds the bot took to start polling, and its RSS once settled."""
    startup = await wait_until_polling(api, bot, timeout)
    await asyncio.sleep(0.5)  # the first poll settles; the start-up burst is over
    return startup, read_proc_kib(bot.pid, "VmRSS")


async def drive(
    api: FakeBotApi,
    bot: BotProcess,
    plan: Sequence[PlannedMessage],
    args: argparse.Namespace,
    ready: tuple[float, int | None],
) -> Load:
    """The open-loop injection, then waiting for the last answers."""
    startup, baseline = ready
    print(
        f"bot up in {startup:.1f} s ({fmt_mib(baseline)}); injecting "
        f"{len(plan)} messages at {args.rate:g}/s ...",
        file=sys.stderr,
    )
    before = read_cpu(bot.pid)
    started = time.monotonic()
    injected = await inject_all(api, plan)
    seconds = time.monotonic() - started
    drained = await wait_for_answers(api, injected, args.drain_timeout, args.settle)
    cpu = CpuUse.between(before, read_cpu(bot.pid))
    return Load(injected, seconds, drained, cpu, startup, baseline, bot.peak_rss_kib())


def run_result(
    args: argparse.Namespace,
    load: Load,
    api: FakeBotApi,
    site: NewsSite,
    bot: BotProcess,
    bot_exit: int | None,
    busy_before: float,
) -> RunResult:
    calls = list(api.calls)
    outcomes = collect_outcomes(calls, load.injected)
    return RunResult(
        messages=len(load.injected),
        chats=args.chats,
        busiest_chat_minute=busiest_chat_minute([item.planned for item in load.injected]),
        rate=args.rate,
        outcomes=outcomes,
        inject_seconds=load.seconds,
        max_late=max(item.late for item in load.injected),
        cpu=load.cpu,
        busy_before=busy_before,
        startup_seconds=load.startup_seconds,
        rss_baseline_kib=load.rss_baseline_kib,
        rss_end_kib=bot.samples[-1].rss_kib if bot.samples else None,
        rss_peak_kib=load.rss_peak_kib,
        rss_peak_sampled_kib=max((sample.rss_kib for sample in bot.samples), default=None),
        pss_peak_sampled_kib=max((sample.pss_kib for sample in bot.samples), default=None),
        stats=cache_stats(bot.env, bot.workdir),
        failed_sends=sum(1 for call in calls if call.method == "sendMessage" and not call.ok),
        page_fetches=dict(site.requests),
        calls_by_method=calls_by_method(calls),
        stray_sends=stray_sends(calls, load.injected),
        timeline=timeline(outcomes, calls, bot.samples, args.window),
        bot_log=bot.log_lines(),
        bot_exit=bot_exit,
        drained=load.drained,
        bot_command=shlex.join(args.bot_command),
        code_version=code_version(),
    )


async def run(args: argparse.Namespace) -> RunResult:
    busy_before = await wait_for_quiet(QUIET_CORES, args.wait_quiet)
    articles = load_texts(args.data)
    pages = site_pages(articles, args.messages, args.seed)
    site = NewsSite(pages)
    api = FakeBotApi(TOKEN, bot_username="ringkas_load_bot")
    with tempfile.TemporaryDirectory(prefix="ringkas-load-") as tmp:
        await site.start()
        await api.start()
        bot: BotProcess | None = None
        sampler: asyncio.Task[None] | None = None
        profiler: subprocess.Popen[bytes] | None = None
        try:
            planner = Planner(mix_of(args), articles, site, pages, args.seed)
            plan = build_plan(args.messages, args.rate, args.chats, planner)
            if busiest_chat_minute(plan) > USER_LIMIT_PER_MINUTE:
                print(
                    f"warning: a chat sends {busiest_chat_minute(plan)} messages within a "
                    f"minute, over the per-user limit of {USER_LIMIT_PER_MINUTE}; expect "
                    "'slow down' answers (use more --chats)",
                    file=sys.stderr,
                )
            bot = BotProcess(api, Path(tmp), args.bot_command)
            sampler = asyncio.create_task(sample_periodically(bot))
            ready = await bot_ready(api, bot, args.startup_timeout)
            if args.profile is not None:
                profiler = start_profiler(bot.pid, args.profile)
            load = await drive(api, bot, plan, args, ready)
            sampler.cancel()
            if profiler is not None:
                await stop_profiler(profiler)
            bot_exit = await bot.stop()
            return run_result(args, load, api, site, bot, bot_exit, busy_before)
        except BaseException:
            tail = bot.log_lines()[-20:] if bot is not None and bot.log_path.exists() else []
            if tail:
                print("\n".join(["bot log (last lines):", *tail]), file=sys.stderr)
            raise
        finally:
            if sampler is not None:
                sampler.cancel()
            if profiler is not None:
                await stop_profiler(profiler)
            if bot is not None:
                await bot.stop()
            await api.stop()
            await site.stop()


async def run_until_terminated(args: argparse.Namespace) -> RunResult:
    """SIGTERM cancels the run, so that its clean-up stops the bot instead of orphaning it."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await run(args)


def positive_share(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("a share from 0 to 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second")
    parser.add_argument("--chats", type=int, default=200, help="private chats (one user each)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 messages")
    parser.add_argument("--new", type=positive_share, default=0.5, help="share of new articles")
    parser.add_argument("--repeat", type=positive_share, default=0.3, help="share of repeats")
    parser.add_argument("--long", type=positive_share, default=0.1, help="share of long articles")
    parser.add_argument("--link", type=positive_share, default=0.1, help="share of links")
    parser.add_argument(
        "--link-repeat", type=positive_share, default=0.3, help="share of links that repeat"
    )
    parser.add_argument(
        "--repeat-gap", type=float, default=5.0, help="repeats pick contents sent this long ago"
    )
    parser.add_argument("--long-min", type=int, default=30_000, help="long article, min chars")
    parser.add_argument("--long-max", type=int, default=60_000, help="long article, max chars")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--window", type=float, default=10.0, help="timeline step, seconds")
    parser.add_argument("--startup-timeout", type=float, default=90.0)
    parser.add_argument(
        "--drain-timeout", type=float, default=120.0, help="wait this long for late replies"
    )
    parser.add_argument(
        "--settle", type=float, default=2.0, help="then this long for extra (duplicate) replies"
    )
    parser.add_argument(
        "--bot-command",
        type=shlex.split,
        default=[sys.executable, "-m", "bot", "run"],
        help="how to start the bot (default: python -m bot run), e.g. 'ringkasbot run'",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="record the bot with py-spy (pip install py-spy) into FILE, collapsed stacks",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"wait up to this long for the machine to use under {QUIET_CORES} cores first",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="IndoSum jsonl")
    return parser


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.quick:
        args.messages = 200
    if args.messages < 2 or args.rate <= 0 or args.chats < 1:
        parser.error("--messages must be at least 2, --rate and --chats positive")
    if args.new + args.repeat + args.long + args.link <= 0:
        parser.error("the mix shares add up to nothing")
    if not 0 < args.long_min <= args.long_max:
        parser.error("--long-min must be positive and at most --long-max")
    if args.profile is not None and shutil.which("py-spy") is None:
        parser.error("--profile needs py-spy (pip install py-spy)")
    if not args.data.exists():
        parser.error(f"no IndoSum data at {args.data} (see --data)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    try:
        result = asyncio.run(run_until_terminated(args))
    except (RuntimeError, OSError) as error:
        print(f"load bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except asyncio.CancelledError:
        print("load bench: terminated; the bot was stopped", file=sys.stderr)
        return 143
    text, passed = report(result)
    print(text)
    return 0 if passed else 1


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
