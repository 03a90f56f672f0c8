"""Run an app as bench_keys.py types into it, logging when each key reached it and when
each frame was written to the terminal (``bench_keys.py --inside``).

    python tests/bench/keys_inside.py LOG COMMAND [ARGS...]

COMMAND is a Python script (``paperbrowse``'s console script, or bare_input.py), run as
``__main__`` in this process once two of Textual's (8.2.8) internals are wrapped: the
Linux driver's ``process_message`` (a ``Key`` event, in its input thread, as soon as
the terminal's bytes are parsed) and the writer thread's loop (each time it has written
all it was given and flushed it to the terminal: a frame, or the frames queued
together). LOG gets a line for each:
``key <perf_counter>`` and ``frame <perf_counter>``. ``time.perf_counter`` is the
system's monotonic clock on Linux, the same clock in every process, so bench_keys.py
can set these times beside its own (when it sent the key, when tmux reported the
frame) and split a key's time into tmux handing the key over, the app, and tmux
taking the frame in.
"""

from __future__ import annotations

import runpy
import shutil
import sys
import time
from queue import Queue
from typing import IO, Any

from textual.drivers import _writer_thread, linux_driver


def logging_into(log: IO[str]) -> None:
    process_message = linux_driver.LinuxDriver.process_message

    def logged_process_message(self: Any, message: Any) -> None:
        if type(message).__name__ == "Key":
            log.write(f"key {time.perf_counter():.6f}\n")
        process_message(self, message)

    def logged_run(self: Any) -> None:
        # As WriterThread.run (8.2.8), each write's end logged.
        file, get = self._file, self._queue.get
        queue: Queue[str | None] = self._queue
        while (text := get()) is not None:
            file.write(text)
            if queue.qsize() == 0:
                file.flush()
                log.write(f"frame {time.perf_counter():.6f}\n")
        file.flush()

    linux_driver.LinuxDriver.process_message = logged_process_message  # type: ignore[method-assign]
    _writer_thread.WriterThread.run = logged_run  # type: ignore[method-assign]


def main() -> None:
    log_path, command, *args = sys.argv[1:]
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 (open for the app's whole life)
    logging_into(log)
    script = shutil.which(command) or command
    sys.argv = [script, *args]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
