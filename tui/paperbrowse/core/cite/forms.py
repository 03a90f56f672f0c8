"""Citation keys as a writer types them: ``\\cite{a,b}``, ``[@a; @b]`` and the like."""

from __future__ import annotations

from collections.abc import Callable, Sequence

KeyForm = Callable[[Sequence[str]], str]

KEY_FORMS: dict[str, KeyForm] = {
    "latex": lambda keys: "\\cite{" + ",".join(keys) + "}",
    "natbib-p": lambda keys: "\\citep{" + ",".join(keys) + "}",
    "natbib-t": lambda keys: "\\citet{" + ",".join(keys) + "}",
    "pandoc": lambda keys: "[" + "; ".join(f"@{key}" for key in keys) + "]",
    "pandoc-t": lambda keys: "; ".join(f"@{key}" for key in keys),
    "keys": lambda keys: ", ".join(keys),
}
# Forms that are a formatted reference list rather than keys (``references``).
REFERENCE_FORMS = ("text", "markdown", "html")
FORMS = (*REFERENCE_FORMS, *KEY_FORMS)


def cite_keys(keys: Sequence[str], form: str) -> str:
    """The keys in one of ``KEY_FORMS`` (``\\citep{a,b}``, ``[@a; @b]`` ...)."""
    return KEY_FORMS[form](keys)
