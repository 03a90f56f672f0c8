"""Page counts and text of PDFs, read with pypdfium2 in a separate process.

A PDF can be built to make a reader loop, eat memory or crash. So PDFium runs in a
child process (``python -m paperbrowse.core.pdf.worker``, its output kept off the
screen) whose address space is capped (``MEMORY_CAP_BYTES``), and each file gets
``TIME_LIMIT_S`` seconds: a file that takes longer, or kills the child, is skipped with
one line saying why and the next file gets a fresh child. Files that are not regular
PDFs (``check``) never reach PDFium at all.

Nothing in a PDF is run: documents are opened for their page count and text only;
forms (``init_forms``), and with them JavaScript, are never initialised, and
attachments and launch actions are never looked at.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from paperbrowse.core.pdf.check import file_problem

TIME_LIMIT_S = 10.0
MEMORY_CAP_BYTES = 2 * 1024**3
MAX_PAGES_READ = 5000  # text of a longer PDF stops here (the page count is still exact)
ENCRYPTED = "encrypted: not searchable"
_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
# The folder holding the ``paperbrowse`` package, so the child imports this same copy.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


@dataclass(frozen=True)
class PdfFacts:
    """What was learned about one PDF: its page count and text, or why not."""

    pages: int | None = None
    problem: str | None = None
    texts: tuple[str, ...] = field(default=(), repr=False)  # one per page, when asked for
    stored: bool = False  # the text was written to the cache entry asked for, not sent


class PdfWorker:
    """One child process reading PDFs one at a time; thread-safe (calls take turns)."""

    def __init__(
        self,
        time_limit: float = TIME_LIMIT_S,
        memory_cap: int = MEMORY_CAP_BYTES,
        nice: int = 0,
    ) -> None:
        self.time_limit = time_limit
        self.memory_cap = memory_cap
        self.nice = nice  # how much lower the child's CPU priority is (background work)
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._answers: queue.Queue[bytes | None] = queue.Queue()

    def count_pages(self, path: Path) -> PdfFacts:
        return self._ask("pages", path)

    def extract_text(self, path: Path) -> PdfFacts:
        return self._ask("text", path)

    def extract_to_cache(self, path: Path, entry: Path) -> PdfFacts:
        """The text written by the child straight to the cache ``entry`` (``stored``):
        cleaning, tokenising and compressing it are done in the low-priority child, not
        in the app's process where they would hold up the user's keys. When the entry
        cannot be written the text comes back in ``texts`` as from ``extract_text``."""
        return self._ask("cache", path, entry)

    def close(self) -> None:
        self.kill()  # a file being read now is not waited for
        with self._lock:
            self._stop()

    def kill(self) -> None:
        """End the child now, from any thread: a call waiting on it returns at once."""
        process = self._process
        if process is not None:
            process.kill()

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _ask(self, task: str, path: Path, entry: Path | None = None) -> PdfFacts:
        problem = file_problem(path)
        if problem is not None:
            return PdfFacts(problem=problem)
        with self._lock:
            try:
                process = self._start()
                assert process.stdin is not None
                request = {"task": task, "path": str(path)}
                if entry is not None:
                    request["entry"] = str(entry)
                process.stdin.write(json.dumps(request).encode() + b"\n")
                process.stdin.flush()
                answer = self._answers.get(timeout=self.time_limit)
            except queue.Empty:
                self._stop()
                return PdfFacts(problem=f"took longer than {self.time_limit:g} s; skipped")
            except OSError:
                answer = None
            if answer is None:
                self._stop()
                return PdfFacts(problem="the PDF reader stopped on it (out of memory?); skipped")
            return _facts(answer)

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            [_PACKAGE_ROOT, *filter(None, [environment.get("PYTHONPATH")])]
        )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "paperbrowse.core.pdf.worker",
                str(self.memory_cap),
                str(self.nice),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment,
            close_fds=True,
        )
        self._answers = queue.Queue()
        threading.Thread(
            target=_read_answers,
            args=(process.stdout, self._answers),
            daemon=True,
            name="paperbrowse-pdf-answers",
        ).start()
        self._process = process
        return process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait(timeout=5)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def _read_answers(stream: IO[bytes] | None, answers: queue.Queue[bytes | None]) -> None:
    """Each line the child writes, then None when it is gone."""
    if stream is not None:
        try:
            for line in stream:
                answers.put(line)
        except (OSError, ValueError):
            pass
    answers.put(None)


def _facts(line: bytes) -> PdfFacts:
    try:
        data: Any = json.loads(line)
        return PdfFacts(
            pages=data.get("pages"),
            problem=data.get("problem"),
            texts=tuple(str(text) for text in data.get("texts") or ()),
            stored=data.get("stored") is True,
        )
    except (ValueError, AttributeError, TypeError):
        return PdfFacts(problem="the PDF reader gave an unreadable answer; skipped")


# --- in the child ---------------------------------------------------------------------


def serve(memory_cap: int, nice: int = 0) -> None:  # pragma: no cover (runs in the child)
    """Answer one JSON request a line on stdin with one JSON answer a line on stdout."""
    _cap_memory(memory_cap)
    if nice and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)  # background extraction yields the CPU to the app
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            task = str(request["task"])
            facts = read_pdf("text" if task == "cache" else task, str(request["path"]))
            if task == "cache":
                facts = _store_text(facts, Path(str(request["entry"])))
        except (ValueError, KeyError, TypeError):
            facts = PdfFacts(problem="bad request")
        answer = {
            "pages": facts.pages,
            "problem": facts.problem,
            "texts": list(facts.texts),
            "stored": facts.stored,
        }
        sys.stdout.buffer.write(json.dumps(answer).encode() + b"\n")
        sys.stdout.buffer.flush()


def _store_text(facts: PdfFacts, entry: Path) -> PdfFacts:  # pragma: no cover (the child)
    from paperbrowse.core.pdf.body_text import BodyText, clean_pages, write_entry

    body = BodyText.of(clean_pages(facts.texts))
    if not write_entry(entry, body, facts.problem):
        return facts
    return PdfFacts(pages=facts.pages, problem=facts.problem, stored=True)


def _cap_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the time limit still holds
        return
    # A lower hard limit already set caps us anyway.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def read_pdf(task: str, path: str) -> PdfFacts:
    """``task`` ("pages" or "text") done on one file; every failure becomes a problem."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == _PASSWORD_ERROR:
            return PdfFacts(problem=ENCRYPTED)
        return PdfFacts(problem=f"broken PDF ({_reason(error)})")
    except MemoryError:
        return PdfFacts(problem="too large to read within the memory cap; skipped")
    except Exception as error:
        return PdfFacts(problem=f"cannot be read ({type(error).__name__})")
    try:
        pages = len(document)
        if task != "text":
            return PdfFacts(pages=pages)
        return PdfFacts(pages=pages, texts=tuple(_page_texts(document, pages)))
    except MemoryError:
        return PdfFacts(problem="too large to read within the memory cap; skipped")
    except Exception as error:
        return PdfFacts(problem=f"cannot be read ({type(error).__name__}: {_reason(error)})")
    finally:
        document.close()


def _page_texts(document: object, pages: int) -> list[str]:
    texts = []
    for number in range(min(pages, MAX_PAGES_READ)):
        page = document[number]  # type: ignore[index]
        try:
            textpage = page.get_textpage()
            texts.append(str(textpage.get_text_range()))
            textpage.close()
        finally:
            page.close()
    return texts


def _reason(error: BaseException) -> str:
    text = str(error)
    # "Failed to load document (PDFium: Data format error)." -> "data format error"
    if "PDFium:" in text:
        text = text.split("PDFium:", 1)[1].strip(" ).")
    return text[:100] or type(error).__name__


if __name__ == "__main__":  # pragma: no cover
    serve(
        int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_CAP_BYTES,
        int(sys.argv[2]) if len(sys.argv) > 2 else 0,
    )
