"""Worker processes, forked from a warm template process (a "zygote"), and their loop.

Hand-written rather than `multiprocessing` or `ProcessPoolExecutor`, because:
- work past its deadline is stopped by killing its one worker, and a crashed worker costs
  only its own job; ProcessPoolExecutor has no per-task kill, and one dead worker breaks
  the whole pool (every queued future fails with BrokenProcessPool);
- workers should share the memory of one imported, warmed-up engine. The "fork" start
  method would fork them from the bot itself, which by then runs threads (SQLite's, the
  resolver's), and a child forked from a threaded process can deadlock on a lock some other
  thread held; "spawn" starts a fresh interpreter for each worker and shares nothing.
  "forkserver" is the closest (a server, preloaded, forks each worker), but it has no kill
  of one job, no lean workers and no niceness. So the template is a fresh interpreter
  (started like any subprocess: the fork is followed at once by an exec, which is safe from
  a threaded process) that imports only the engine, warms it up (`warm_up`), and forks a
  worker whenever the bot asks (the scheme of Android's zygote). The template and the
  workers carry none of the bot's libraries (Telegram's, the storage drivers, the metrics
  server), and the bot never holds the engine's data.

A lane whose work needs none of the engine (cleaning) asks for *lean* workers: the template
forks, and the child execs a fresh interpreter that imports only that work's code (about
20 MB instead of a copy's 55).

Wire format, both ways: an 8-byte big-endian length, then a pickle. A request is
`(function, args)`; a reply is `(True, result, seconds)` or `(False, (exception class, args,
state), seconds)`, `seconds` being how long the function ran (the bot's own clock would add
the time its event loop took to read the reply).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1
_COPY, _LEAN = "copy", "lean"
# What a lean worker imports as it starts, before it reads its first job (which still waits
# for that: about 0.25 s, well inside the light lane's deadline). A lean worker runs the code
# on disk when it starts, so an upgrade in place needs a restart of the bot, as for any
# Python program.
LEAN_PRELOAD = "service.records"
# A job that ran this long (a page read, a PDF, a long paste with markup) leaves freed heap
# behind: lxml's trees, pypdf's objects (some 9 MB after the 38 saved news pages, see
# bench/worker_heap.py). Handing it back takes about 0.4 ms, under 2% of such a job; after
# every digest (about 5 ms, which frees little) it would cost 8%.
TRIM_AFTER_SECONDS = 0.02
# One thread for the numerical libraries' own pools in the template and its workers. There is
# a worker per core already, and numpy's OpenBLAS would start a thread per core in each: on
# the ranker's matrix products for long articles those threads spun on the cores the other
# workers and the bot needed, half as much CPU again an article for no speed (round 15 in
# docs/benchmarks.md). OpenBLAS reads the first; MKL and OpenMP builds the others. An
# operator's own value is kept.
ENGINE_THREAD_LIMITS = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
# How long closing waits for the template to exit before it is killed.
_TEMPLATE_EXIT_SECONDS = 5.0


@dataclass
class WorkerProcess:
    """A live worker: its pid, a pidfd (to signal it and learn of its exit), its channel."""

    pid: int
    pidfd: int
    channel: socket.socket

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    def release(self) -> None:
        """Close what the bot holds of it (the worker exits on its own at end of input)."""
        self.channel.close()
        with contextlib.suppress(OSError):
            os.close(self.pidfd)


class Zygote:
    """The template process. `spawn` blocks for the few milliseconds of a fork (the first
    one also waits for the template's `warm_up`, which runs before it forks any worker).

    `warm_up` must pickle by name, as a function of a module other than `__main__`: the
    template is a fresh interpreter, which imports it. `environment`: the template's, and so
    its workers' (default: this process's), with `ENGINE_THREAD_LIMITS` where it sets none."""

    def __init__(
        self,
        warm_up: Callable[[], None] | None = None,
        *,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        if getattr(warm_up, "__module__", None) == "__main__":
            raise ValueError("a template cannot import a warm-up from __main__")
        self._warm_up = pickle.dumps(warm_up)
        self._environment = ENGINE_THREAD_LIMITS | dict(
            os.environ if environment is None else environment
        )
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._start()

    @property
    def pid(self) -> int | None:
        """The template's pid (None while no template runs: its restart failed)."""
        return None if self._process is None else self._process.pid

    def spawn(self, niceness: int, *, lean: bool = False) -> WorkerProcess:
        """A new worker, `niceness` steps nicer than the bot. A `lean` one is a fresh
        interpreter rather than a copy of the template: for work that needs little of the
        engine (cleaning), it holds ~20 MB instead of a copy's ~55.

        When the template has died (killed by hand, or out of memory), another is started
        first: that blocks for an interpreter's start and the warm-up, about a second."""
        try:
            return self._spawn(niceness, lean)
        except ConnectionError:
            # (Other errors are the new worker's own, e.g. one that exited at once: the
            # template is fine and the caller tries again later.)
            self._reap(kill=True)
            self._start()
            return self._spawn(niceness, lean)

    def _start(self) -> None:
        self._process, self._control = _start_template(self._warm_up, self._environment)

    def _spawn(self, niceness: int, lean: bool) -> WorkerProcess:
        if self._control is None:
            raise ConnectionError("no worker template runs")  # starting the last one failed
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        order = f"{niceness} {_LEAN if lean else _COPY}".encode()
        try:
            socket.send_fds(self._control, [order], [theirs.fileno()])
            answer = self._control.recv(32)
            if not answer:
                raise ConnectionError("the worker template exited")
            pid = int(answer)
            # This fails if the worker is gone already (a lean one whose interpreter failed).
            pidfd = os.pidfd_open(pid)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return WorkerProcess(pid, pidfd, ours)

    def close(self) -> None:
        self._reap(kill=False)

    def _reap(self, *, kill: bool) -> None:
        """Stop the template (it exits when it reads the end of its input) and wait for it:
        at most a few seconds, then it is killed. Safe to call again."""
        control, self._control = self._control, None
        process, self._process = self._process, None
        if control is not None:
            control.close()
        if process is None:
            return
        if kill:
            process.kill()
        try:
            process.wait(_TEMPLATE_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _start_template(
    warm_up: bytes, environment: Mapping[str, str]
) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """A fresh interpreter running `template_main`, on this process's import path and
    interpreter (which its lean workers run too).

    The template dies with this process (`_die_with_parent`); strictly, with the thread that
    starts it, and every caller starts it on the main thread (the event loop's)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    main = f"template_main({theirs.fileno()}, {os.getpid()}, {warm_up!r}, {sys.executable!r})"
    try:
        process = subprocess.Popen(
            _python_running(sys.executable, main),
            stdin=subprocess.DEVNULL,
            pass_fds=[theirs.fileno()],
            env=environment,
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return process, ours


def _python_running(executable: str, call: str) -> list[str]:
    """The command line of a fresh interpreter that ignores Ctrl-C (the bot's to handle) from
    its first line on, finds the modules this one finds, and runs `call`, a function of this
    module."""
    # Once each: a lean worker starts from the template, whose path has the standard entries twice.
    paths = list(dict.fromkeys(entry for entry in sys.path if entry))
    code = (
        "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        f"import sys; sys.path[:0] = {paths!r}; "
        f"from service.zygote import {call.partition('(')[0]}; {call}"
    )
    return [executable, "-c", code]


def _freeze() -> None:
    """Objects that exist now live as long as the process: keep the collector (here and in
    the children) from writing to their pages, so that the processes go on sharing them.
    Then hand freed heap back to the system, so that no child inherits it."""
    gc.collect()
    gc.freeze()
    _trim_heap()


def _trim_heap() -> None:
    """glibc keeps freed heap (loading the engine frees ~15 MB of build-up) for reuse;
    `malloc_trim` returns it. Elsewhere (musl, macOS) there is nothing to do."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _become_child(keep: int, parent: int) -> None:
    """Shed what the child inherited: the parent's signal handling, its open files, and a
    profiler or tracer it may run under."""
    sys.setprofile(None)
    sys.settrace(None)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)  # that is the parent's event loop's pipe
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the bot's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _die_with_parent(parent: int) -> None:
    """Linux: be killed when the parent exits, even if it is killed without a word."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)  # it exited before the line above


def template_main(
    control: int, parent: int, warm_up: bytes, executable: str
) -> NoReturn:  # pragma: no cover (runs in the template)
    """The template's life: warm up, then fork a worker for each order on `control`."""
    _die_with_parent(parent)
    os.set_inheritable(control, False)  # (pass_fds made it so) not for what the warm-up runs
    try:
        loaded: Callable[[], None] | None = pickle.loads(warm_up)
        if loaded is not None:
            loaded()
    except Exception:  # the workers then load what they need on first use
        traceback.print_exc()
    _freeze()
    _serve_orders(socket.socket(fileno=control), executable)


def _serve_orders(control: socket.socket, executable: str) -> NoReturn:  # pragma: no cover
    zygote = os.getpid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 64, 1)
        except OSError:
            os._exit(0)
        if not message:
            os._exit(0)  # the bot closed its end
        if not fds:
            continue
        niceness, _, kind = message.decode().partition(" ")
        pid = os.fork()
        if pid == 0:
            channel = socket.socket(fileno=fds[0])
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _become_child(channel.fileno(), zygote)
            os.nice(int(niceness))
            if kind == _LEAN:
                _exec_lean_worker(channel.fileno(), zygote, executable)
            _worker_main(channel)
        os.close(fds[0])
        control.send(str(pid).encode())


def _exec_lean_worker(
    channel: int, parent: int, executable: str
) -> NoReturn:  # pragma: no cover (child)
    """Replace this copy of the template with a fresh interpreter serving `channel`, which
    finds the same modules (the template's import path)."""
    os.set_inheritable(channel, True)
    try:
        os.execv(executable, _python_running(executable, f"lean_worker_main({channel}, {parent})"))
    except OSError as error:  # the bot's log shows the lane failing to start workers
        os.write(2, f"ringkas: cannot start a worker ({executable}: {error})\n".encode())
    finally:
        os._exit(71)


def lean_worker_main(channel: int, parent: int) -> NoReturn:  # pragma: no cover (child)
    """A lean worker's start: die with the template, load what its jobs need, serve."""
    _die_with_parent(parent)
    importlib.import_module(LEAN_PRELOAD)
    _freeze()
    _worker_main(socket.socket(fileno=channel))


def _receive(channel: socket.socket) -> bytes | None:
    header = _read_exactly(channel, HEADER.size)
    if header is None:
        return None
    return _read_exactly(channel, HEADER.unpack(header)[0])


def _read_exactly(channel: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        count = channel.recv_into(view[got:])
        if count == 0:
            return None
        got += count
    return bytes(buffer)


ExceptionParts = tuple[type[BaseException], tuple[Any, ...], dict[str, Any]]


def _portable(error: BaseException) -> ExceptionParts:
    """The exception in parts that pickle whatever its `__init__` takes (plain pickling
    calls `cls(*args)`, which fails for `ArticleError(code, message)`), with the worker's
    traceback as a note."""
    error.add_note("in a worker process:\n" + "".join(traceback.format_tb(error.__traceback__)))
    parts = (type(error), error.args, dict(vars(error)))
    try:
        pickle.loads(pickle.dumps(parts))
        return parts
    except Exception:
        return (RuntimeError, (f"{type(error).__name__}: {error}",), {})


def rebuild_exception(parts: ExceptionParts) -> BaseException:
    kind, args, state = parts
    error = kind.__new__(kind, *args)
    error.args = args
    vars(error).update(state)
    return error


def _worker_main(channel: socket.socket) -> NoReturn:  # pragma: no cover (child)
    while True:
        request = _receive(channel)
        if request is None:
            os._exit(0)  # the bot closed the channel
        reply: tuple[bool, Any, float]
        started = time.perf_counter()
        try:
            function, args = pickle.loads(request)
            result = function(*args)
            reply = (True, result, time.perf_counter() - started)
        except BaseException as error:
            reply = (False, _portable(error), time.perf_counter() - started)
        try:
            payload = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            payload = pickle.dumps((False, _portable(error), reply[2]), pickle.HIGHEST_PROTOCOL)
        # One write, so the bot wakes once for the reply (not for its header, then its body).
        channel.sendall(HEADER.pack(len(payload)) + payload)
        if reply[2] >= TRIM_AFTER_SECONDS:
            _trim_heap()  # after the reply: the bot does not wait for it
