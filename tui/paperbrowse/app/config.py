"""The user's settings (the theme, the keymap, how to cite, where PDFs are, the email
address Unpaywall is asked with), in a small
JSON file in the config folder.

``Config`` holds the settings the app knows, typed, and every other key of the
file as it was, so a setting written by a later version survives a save by this
one. A missing file gives the defaults; a damaged one gives the defaults and one
line saying what is wrong, and is never written over: a choice made in the app then
lasts until it quits, and ``save_config`` says why it was not kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from paperbrowse.core.cite.forms import KEY_FORMS
from paperbrowse.core.errors import printable
from paperbrowse.core.locations import config_file as config_path

__all__ = ["Config", "config_path", "load_config", "not_kept", "save_config"]

TEXT_SETTINGS = ("cite_form", "csl_style", "email")  # settings that are one string each
KNOWN = ("theme", "keymap", "pdf_folders", *TEXT_SETTINGS)


@dataclass(frozen=True)
class Config:
    theme: str | None = None  # a Textual theme's name
    # Action id -> keys ("down,j,ctrl+n"), as written: checked when applied (app/actions.py).
    keymap: dict[str, object] = field(default_factory=dict)
    # What ``c`` copies: a form of core/cite/forms.py's KEY_FORMS ("natbib-p"), chosen in
    # the app the first time; an unknown one is asked again.
    cite_form: str | None = None
    # What ``C`` formats in: a bundled CSL style's name or a .csl file (None: APA).
    csl_style: str | None = None
    # Folders of PDFs named by citation key, DOI or arXiv id (``core.pdf.locate``).
    pdf_folders: tuple[str, ...] = ()
    # The user's email address, which Unpaywall's API asks every request to carry
    # (``core.pdf.fetch``: a PDF downloaded for a DOI). None: no DOI is looked up there.
    # Crossref's lookups carry it too, for its polite pool (``core.lookup.client``).
    email: str | None = None
    others: dict[str, Any] = field(default_factory=dict)  # settings this version does not know
    problem: str | None = None  # why the file could not be used, in one line
    # Why the file is never written over, after its path ("is not valid JSON (...)"):
    # it holds no settings this version can read, and the user may want what is in it.
    damage: str | None = None

    @classmethod
    def from_json(cls, data: object, where: str) -> Config:
        if not isinstance(data, dict):
            return cls(
                problem=f"{where}: not a JSON object; using the default settings",
                damage="is not a JSON object",
            )
        others = {key: value for key, value in data.items() if key not in KNOWN}
        ignored: list[str] = []  # what is wrong, each setting kept in the file as written
        texts = {name: data.get(name) for name in ("theme", *TEXT_SETTINGS)}
        for name, value in texts.items():
            if value is not None and not isinstance(value, str):
                ignored.append(f'"{name}" is not text')
                others[name] = value
                texts[name] = None
        form = texts["cite_form"]
        if form is not None and form not in KEY_FORMS:  # c asks again, as for no form
            ignored.append(f'"cite_form" {json.dumps(form)} is not one of {", ".join(KEY_FORMS)}')
            others["cite_form"] = form
            texts["cite_form"] = None
        theme = texts["theme"]
        keymap = data.get("keymap", {})
        if not isinstance(keymap, dict):
            ignored.append('"keymap" is not an object of action ids and keys')
            others["keymap"] = keymap
            keymap = {}
        folders = data.get("pdf_folders", [])
        if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
            ignored.append('"pdf_folders" is not a list of folders')
            others["pdf_folders"] = folders
            folders = []
        problem = f"{where}: {'; '.join(ignored)}; ignored" if ignored else None
        return cls(
            theme=theme,
            keymap=keymap,
            pdf_folders=tuple(folders),
            others=others,
            problem=problem,
            cite_form=texts["cite_form"],
            csl_style=texts["csl_style"],
            email=texts["email"],
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.others)
        if self.theme is not None:
            data["theme"] = self.theme
        if self.keymap:
            data["keymap"] = self.keymap
        for name in TEXT_SETTINGS:
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.pdf_folders:
            data["pdf_folders"] = list(self.pdf_folders)
        return data


def load_config(path: Path | None = None) -> Config:
    """Settings saved earlier; a missing file gives defaults, a damaged one says why."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        return Config(
            problem=f"{path}: cannot be read ({error}); using the default settings",
            damage=f"cannot be read ({error})",
        )
    try:
        data = json.loads(text)
    except ValueError as error:
        return Config(
            problem=f"{path}: not valid JSON ({error}); using the default settings "
            "and leaving the file as it is",
            damage=f"is not valid JSON ({error})",
        )
    return Config.from_json(data, str(path))


def save_config(**changes: Any) -> str | None:
    """Change settings in the file, written atomically; None when saved, else why not in
    one line naming the file (the caller says so: ``not_kept``).

    A damaged file is left as it is: the user may want what is in it.
    """
    path = config_path()
    config = load_config(path)
    if config.damage is not None:
        return f"{path} {config.damage}"
    config = replace(config, **changes)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(config.to_json(), indent=2), encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        return f"{path} cannot be written ({error.strerror or error})"
    return None


def not_kept(what: str, why: str) -> str:
    """The line saying a choice made in the app lasts only until it quits, and why (a
    path's control characters escaped: it is shown)."""
    return f"{what} used until paperbrowse quits, not kept: {printable(why)}."
