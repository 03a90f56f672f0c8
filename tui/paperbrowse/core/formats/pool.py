"""One large file parsed on every core: its parts in worker processes, put back in order.

The readers cut a large file into parts (JSON Lines at line ends, BibTeX at entry
starts), and ``run_parts`` runs one function on each part. The calling process
works through the parts from the front while each worker takes them from the
back, so nobody waits for a worker to start (a new worker takes a few tenths of a
second to import the readers) and they meet wherever the work is done. A reader may
start them sooner (``workers_ahead``), before it reads and cuts the file. Parts come
back as plain rows (``core.rows``): pickling pydantic papers costs more.

Workers are plain ``python -c`` processes that import this module and then only
what the parts' function needs (``paperbrowse.core``, which never imports
Textual). Not ``multiprocessing``: its spawned workers first re-run the caller's
main script (a user's script calling ``load``, without a ``__main__`` guard, would
run again in each worker), and forking a process with threads (the app) is unsafe.
Workers ignore Ctrl+C (the parent handles it), write nothing to the terminal, and
die with their parent: a parse that is interrupted or fails, or a process that
leaves at once (``os._exit`` when the app quits during a load), leaves none behind.
``run_parts`` answers None when no worker can be used (one core, or none starts):
the reader then parses the whole file in this process, as it always did.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import gc
import importlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Generic, TypeVar

# Text per part: small enough that the parent and the workers meet with little idle time,
# large enough that sending parts and results is a small share of the work.
PART_CHARS = 1 << 20
MAX_WORKERS = 7
# Parts a worker holds at once: the one it works on, and the next one waiting in its pipe,
# so that it starts that one as soon as it replies. With one at a time it waited, after each
# reply, for its feeding thread here to get the interpreter from the parsing thread (up to
# 5 ms, ``sys.getswitchinterval``), read the reply and send it a part.
QUEUED_PER_WORKER = 2
# Seconds a worker's last part is waited for beyond what doing it here would take.
WAIT_SLACK = 0.02
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WORKER = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from paperbrowse.core.formats.pool import serve; serve()"
)
_PROTOCOL = pickle.HIGHEST_PROTOCOL

Result = TypeVar("Result")
Progress = Callable[[int], None]  # characters of the text parsed so far


def usable_cores() -> int:
    """The cores this process may run on (its affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count() -> int:
    """Worker processes to start beside this one: one per other core this process may use."""
    return min(usable_cores() - 1, MAX_WORKERS)


def run_parts(
    work: Callable[..., Result],
    parts: list[tuple[Any, ...]],
    sizes: Sequence[int],
    progress: Progress | None = None,
    receive: Callable[[Any], Result] | None = None,
) -> list[Result] | None:
    """``[work(*part) for part in parts]``, shared between this process and worker
    processes; None when no worker starts. A part whose worker fails is done here.
    ``parts`` is emptied as they are done, so their text is freed early. ``receive``:
    what this process makes of each part's outcome as it comes in, before the next
    (``formats.spilling`` writes its abstracts to a file)."""
    count = min(worker_count(), len(parts) - 1)
    workers = _taken_early(count)
    if not workers and count > 0:
        workers = _start_workers(count)
    if not workers:
        return None
    run = _Run(work, parts, sizes, progress, len(workers), receive)
    first = run.claim(from_front=True)  # before any worker's thread claims (and queues) parts
    try:
        for worker in workers:
            threading.Thread(target=run.feed, args=(worker,), daemon=True).start()
        return run.here(first)
    finally:
        for worker in workers:
            _stop(worker)


class _Run(Generic[Result]):
    """Parts claimed from the front by this process and from the back by the workers."""

    def __init__(
        self,
        work: Callable[..., Result],
        parts: list[tuple[Any, ...]],
        sizes: Sequence[int],
        progress: Progress | None,
        workers: int = 1,
        receive: Callable[[Any], Result] | None = None,
    ) -> None:
        self.work = work
        self.receive = receive
        self.workers = workers
        self.parts = parts
        self.sizes = sizes
        self.progress = progress
        self.results: dict[int, Result] = {}
        self.lock = threading.Lock()
        # Told when a worker's part comes back, or when its worker gives its parts up.
        self.returned = threading.Condition(self.lock)
        self.given_up: set[int] = set()  # parts a worker was sent but will not return
        self.front = 0
        self.back = len(parts)  # parts[front:back] are not claimed yet
        self.seconds_here = 0.0  # what this process's parts took, and their size
        self.size_here = 0

    def claim(self, from_front: bool, leave: int = 0) -> int | None:
        """The next unclaimed part, from the front or the back; None once no more than
        ``leave`` parts are left unclaimed."""
        with self.lock:
            if self.back - self.front <= leave:
                return None
            if from_front:
                self.front += 1
                return self.front - 1
            self.back -= 1
            return self.back

    def here(self, first: int | None = None) -> list[Result]:
        """Do parts from the front until none is left unclaimed; then collect those the
        workers hold, doing here any a worker gave up or is later with than this process
        would be (a worker on a busy machine may be slower; a part gives the same outcome
        wherever it is done). ``first``: a part claimed for this process already."""
        if first is not None:
            self._do_here(first)
        while (index := self.claim(from_front=True)) is not None:
            self._do_here(index)
        for index in range(len(self.parts)):
            if not self._returned_in_time(index):
                self._do_here(index)
        return [self.results[index] for index in range(len(self.parts))]

    def _do_here(self, index: int) -> None:
        with self.lock:
            part = self.parts[index]  # (emptied once its result is in)
        if not part:
            return
        started = time.perf_counter()
        result = self.work(*part)
        if self.receive is not None:
            result = self.receive(result)
        with self.lock:
            self.results.setdefault(index, result)
            self.parts[index] = ()
        self.seconds_here += time.perf_counter() - started
        self.size_here += self.sizes[index]
        self.report()

    def _returned_in_time(self, index: int) -> bool:
        """Whether a worker's part came back, waiting for it about as long as doing it here
        would take: the worker started it earlier, so it is usually sooner. Redoing it at
        once, as this did before, cost a part's work at the end of every run: a whole
        index run (a quarter of the index) at a million papers."""
        per_unit = self.seconds_here / self.size_here if self.size_here else 0.0
        deadline = time.perf_counter() + per_unit * self.sizes[index] + WAIT_SLACK
        with self.returned:
            while index not in self.results and index not in self.given_up:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                self.returned.wait(left)
            return index in self.results

    def feed(self, worker: subprocess.Popen[bytes]) -> None:
        """In a thread per worker: send it parts from the back, the next one before reading
        the last one's result, so that it is never idle waiting for this thread. Another
        thread writes them: a write into a full pipe waits for the worker to read, and the
        worker may itself be waiting for this thread to read its reply."""
        assert worker.stdin is not None and worker.stdout is not None
        sent: collections.deque[int] = collections.deque()
        outbox: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        threading.Thread(target=_write_all, args=(outbox, worker), daemon=True).start()
        try:
            self._send_next(outbox, sent)
            while sent:
                reply = _receive_bytes(worker.stdout)
                if len(sent) < QUEUED_PER_WORKER:
                    self._send_next(outbox, sent)
                done, result = pickle.loads(reply)
                # Not held while the next reply is awaited: a run of a million papers' index
                # sent back is a pickle of 200 MB.
                del reply
                if not done:
                    return  # this process does its parts
                if self.receive is not None:
                    result = self.receive(result)
                with self.returned:
                    index = sent.popleft()
                    self.results.setdefault(index, result)
                    self.parts[index] = ()
                    self.returned.notify_all()
                self._send_next(outbox, sent)
        except Exception:
            return  # (a worker that died or failed: this process does its parts)
        finally:
            outbox.put(None)
            with self.returned:
                self.given_up.update(sent)
                self.returned.notify_all()

    def _send_next(
        self, outbox: queue.SimpleQueue[tuple[Any, ...] | None], sent: collections.deque[int]
    ) -> None:
        """Claim and send the worker another part while it holds fewer than it may; a
        second part only while every process could still have two more, so that no part
        waits in a worker's pipe at the end while this process has nothing left to do."""
        while len(sent) < QUEUED_PER_WORKER:
            index = self.claim(from_front=False, leave=len(sent) * 2 * (self.workers + 1))
            if index is None:
                return
            sent.append(index)
            outbox.put((self.work, self.parts[index]))

    def report(self) -> None:
        if self.progress is not None:
            with self.lock:
                done = list(self.results)
            self.progress(sum(self.sizes[index] for index in done))


# Workers started ahead of this thread's next ``run_parts`` (``workers_ahead``).
_ahead = threading.local()


@contextlib.contextmanager
def workers_ahead(work: Callable[..., object]) -> Iterator[None]:
    """Workers started now, importing ``work``'s module, for this thread's next
    ``run_parts``: they start (0.2-0.3 s) while this process reads and cuts the file
    (0.3 s for 84 MB of JSON Lines) rather than after. Those not taken are stopped on
    leaving, whatever happened meanwhile."""
    count = worker_count()
    _ahead.workers = _start_workers(count, work.__module__) if count > 0 else []
    try:
        yield
    finally:
        left, _ahead.workers = getattr(_ahead, "workers", []), []
        for worker in left:
            _stop(worker)


def _taken_early(count: int) -> list[subprocess.Popen[bytes]]:
    """Up to ``count`` of the workers started ahead (``workers_ahead``); the rest stay for
    it to stop."""
    ahead: list[subprocess.Popen[bytes]] = getattr(_ahead, "workers", [])
    taken, _ahead.workers = ahead[:count], ahead[count:]
    return taken


def _start_workers(count: int, preload: str = "") -> list[subprocess.Popen[bytes]]:
    """``count`` workers (fewer when no more start), each importing ``preload`` (a module)
    as soon as it runs."""
    workers: list[subprocess.Popen[bytes]] = []
    if not sys.executable:
        return workers  # an embedded interpreter: no Python to start
    for _ in range(count):
        try:
            worker = subprocess.Popen(
                [sys.executable, "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # never on the app's screen
            )
        except (OSError, ValueError):
            break  # no more processes, or no memory for one: fewer workers then
        _widen(worker.stdin)
        _widen(worker.stdout)
        try:
            assert worker.stdin is not None
            pickle.dump(sys.path, worker.stdin, _PROTOCOL)  # the same paperbrowse as here
            pickle.dump(preload, worker.stdin, _PROTOCOL)
            worker.stdin.flush()
        except OSError:  # it died at once
            _stop(worker)
            break
        workers.append(worker)
    return workers


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """End a worker at once: all its parts are in, or nobody will read them (Ctrl+C, an
    error). Its feeding thread then reads the end of its output and ends too."""
    with contextlib.suppress(OSError):
        worker.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=5)
    for stream in (worker.stdin, worker.stdout):
        with contextlib.suppress(OSError):
            if stream is not None:
                stream.close()


def serve() -> None:
    """A worker's life: run each ``(function, arguments)`` read, send back ``(True,
    result)`` or ``(False, None)`` when it raised; stop at the end of the input."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # As the parent's load does (``memory.gc_paused``): a worker lives for one file, its
    # parts free themselves, and collector passes over their papers would find nothing.
    gc.disable()
    requests: IO[bytes] = sys.stdin.buffer
    replies: IO[bytes] = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the replies
    preload = pickle.load(requests)
    if preload:
        with contextlib.suppress(Exception):  # (a request needing it then fails, and is redone)
            importlib.import_module(preload)
    while True:
        try:
            work, arguments = _receive(requests)
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, work(*arguments))
        except Exception:
            reply = (False, None)
        _send(reply, replies)


# Messages are a length, then a pickle, read whole: ``pickle.load`` on a pipe reads a frame
# at a time, and the feeding thread then waits for the parsing thread's GIL at every frame
# (5 ms each, ``sys.getswitchinterval``): workers sat idle half the time (measured).
_LENGTH = 8


def _write_all(
    outbox: queue.SimpleQueue[tuple[Any, ...] | None], worker: subprocess.Popen[bytes]
) -> None:
    """In a thread per worker: send what is put in ``outbox`` until None comes. A part that
    cannot be sent (the worker gone, or a part that does not pickle) ends the worker, so
    that its feeding thread sees its output end and gives its parts up at once."""
    assert worker.stdin is not None
    while (message := outbox.get()) is not None:
        try:
            _send(message, worker.stdin)
        except Exception:
            with contextlib.suppress(OSError):
                worker.kill()
            return


def _send(message: object, stream: IO[bytes]) -> None:
    data = pickle.dumps(message, _PROTOCOL)
    # (Written apart: the length joined to the pickle copied it, and a part sent to be
    # indexed holds a quarter of a million papers' text.)
    stream.write(len(data).to_bytes(_LENGTH, "big"))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    return pickle.loads(_receive_bytes(stream))


def _receive_bytes(stream: IO[bytes]) -> bytes:
    """A message's pickle, read whole (reading waits without holding the interpreter)."""
    header = stream.read(_LENGTH)
    if len(header) < _LENGTH:
        raise EOFError
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _widen(pipe: IO[bytes] | None) -> None:
    """Let a pipe hold a whole part or reply (1 MB, Linux's limit for a user), so each
    crosses in one system call after its length rather than 16."""
    if pipe is not None and sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import fcntl

            fcntl.fcntl(pipe.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
