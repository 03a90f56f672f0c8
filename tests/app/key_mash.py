"""What a key-masher types: the same keys for the Pilot fuzz test and the tmux soak script.

Each key has its tmux ``send-keys`` name and the bytes a terminal sends for it, so
the fuzz test can feed Textual's own input parser exactly what tmux would write.
Never a quit key: no ctrl+q, no ctrl+c, and no ``q`` (it quits from the list),
not even inside typed or pasted text.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

# Typed text: letters, digits and the search syntax's punctuation; never "q".
TEXT_CHARACTERS = "".join(
    ch for ch in string.ascii_letters + string.digits + " -:\"'/.,_?*()[]éü中" if ch not in "q"
)

# (tmux key name, terminal bytes) of the named keys.
NAMED_KEYS: list[tuple[str, str]] = [
    ("Enter", "\r"),
    ("Escape", "\x1b"),
    ("Tab", "\t"),
    ("BTab", "\x1b[Z"),
    ("BSpace", "\x7f"),
    ("Space", " "),
    ("Up", "\x1b[A"),
    ("Down", "\x1b[B"),
    ("Right", "\x1b[C"),
    ("Left", "\x1b[D"),
    ("Home", "\x1b[H"),
    ("End", "\x1b[F"),
    ("PageUp", "\x1b[5~"),
    ("PageDown", "\x1b[6~"),
    ("IC", "\x1b[2~"),
    ("DC", "\x1b[3~"),
    ("F1", "\x1bOP"),
    ("F5", "\x1b[15~"),
    ("C-Up", "\x1b[1;5A"),
    ("C-Down", "\x1b[1;5B"),
    ("S-Up", "\x1b[1;2A"),
    ("C-Right", "\x1b[1;5C"),
    ("C-Left", "\x1b[1;5D"),
]
# ctrl+letter, except ctrl+q and ctrl+c (quit) and ctrl+m/i/h (enter, tab, backspace again).
CTRL_LETTERS = [ch for ch in string.ascii_lowercase if ch not in "qcmih"]
CTRL_KEYS = [(f"C-{ch}", chr(ord(ch) - 96)) for ch in CTRL_LETTERS]
# alt+letter arrives as escape then the letter.
ALT_KEYS = [(f"M-{ch}", "\x1b" + ch) for ch in "abdefgnprstuwxyz"]
# Keys that open screens or act, weighted up so the screens get visited often.
ACTION_KEYS = [(ch, ch) for ch in "/?abmnrtesSwyYgGjkoO"] + [("C-p", "\x10"), ("C-r", "\x12")]

ALL_KEYS = NAMED_KEYS + CTRL_KEYS + ALT_KEYS + ACTION_KEYS


@dataclass(frozen=True)
class Token:
    """One step of a burst: a key, typed text, a paste, or a mouse action."""

    tmux_args: tuple[str, ...]  # arguments after ``send-keys -t TARGET``
    data: str  # what a terminal writes for it

    def __str__(self) -> str:
        return repr(self.data)


def key(name: str, data: str) -> Token:
    return Token((name,), data)


def text(typed: str) -> Token:
    return Token(("-l", typed), typed)


def raw(data: str) -> Token:
    """Bytes sent as they are (``send-keys -H``): tmux would re-encode an escape given with -l."""
    return Token(("-H", *(f"{byte:02x}" for byte in data.encode())), data)


def paste(pasted: str) -> Token:
    # Bracketed paste, as terminals send it (Textual turns it into one Paste event).
    return raw(f"\x1b[200~{pasted}\x1b[201~")


def click(x: int, y: int, button: int = 0, times: int = 1) -> Token:
    """A mouse click at the 0-based cell (x, y), SGR encoded; button 64/65 is the wheel."""
    press = f"\x1b[<{button};{x + 1};{y + 1}M"
    release = f"\x1b[<{button};{x + 1};{y + 1}m" if button < 64 else ""
    return raw((press + release) * times)


def random_token(rng: random.Random, width: int = 120, height: int = 35) -> Token:
    """One token, drawn as the soak script does (the fuzz test draws with hypothesis)."""
    roll = rng.random()
    if roll < 0.55:
        return key(*rng.choice(ALL_KEYS))
    if roll < 0.85:
        return text("".join(rng.choices(TEXT_CHARACTERS, k=rng.randint(1, 8))))
    if roll < 0.92:
        return paste("".join(rng.choices(TEXT_CHARACTERS + "\n", k=rng.randint(1, 40))))
    button = rng.choice((0, 0, 0, 2, 64, 65))
    return click(rng.randrange(width), rng.randrange(height), button, rng.choice((1, 1, 2)))
