"""``paperbrowse keys [--json|--markdown]``: every action, the keys in effect, what it does.

The keys are those of the app's registry (app/actions.py) with the user's keymap
from config.json applied; each keymap entry left out is one line on stderr, and
the status is then 1. ``--markdown`` prints the README's key table.
"""

from __future__ import annotations

import argparse
import json
import sys

from paperbrowse.app.actions import (
    ACTIONS,
    FIXED_KEYS,
    described,
    in_help_order,
    key_display,
    key_rows,
    keys_in_effect,
    resolve_keymap,
)
from paperbrowse.app.config import config_path, load_config
from paperbrowse.cli.common import EXIT_OK, EXIT_WARNINGS, safe_streams, writes_unicode


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbrowse keys",
        description='List the app\'s actions with their keys (as rebound by the "keymap" of '
        "config.json) and what they do.",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print a JSON array")
    output.add_argument("--markdown", action="store_true", help="print a Markdown table")
    return parser


def run(args: argparse.Namespace) -> int:
    safe_streams()
    config = load_config()
    problems = [config.problem] if config.problem else []
    keymap, keymap_problems = resolve_keymap(config.keymap, str(config_path()))
    for problem in problems + keymap_problems:
        print(f"paperbrowse: warning: {problem}", file=sys.stderr)
    if args.json:
        json.dump(
            keys_json(keymap), sys.stdout, ensure_ascii=not writes_unicode(sys.stdout), indent=2
        )
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(markdown_table(keymap))
    else:
        sys.stdout.write(plain_table(keymap))
    return EXIT_WARNINGS if problems or keymap_problems else EXIT_OK


def keys_json(keymap: dict[str, str]) -> list[dict[str, object]]:
    return [
        {
            "id": action.id,
            "keys": [key_display(key) for key in keys_in_effect(action, keymap)],
            "where": action.context or None,
            "description": described(action, keymap),
            "group": action.group,
        }
        for action in ACTIONS
    ]


def plain_table(keymap: dict[str, str]) -> str:
    rows = [*key_rows(keymap), *(("-", key, text) for key, text in FIXED_KEYS)]
    id_width = max(len(row[0]) for row in rows)
    key_width = max(len(row[1]) for row in rows)
    lines = [f"{'id':<{id_width}}  {'keys':<{key_width}}  what it does"]
    lines += [f"{i:<{id_width}}  {k:<{key_width}}  {text}" for i, k, text in rows]
    return "\n".join(lines) + "\n"


def markdown_table(keymap: dict[str, str]) -> str:
    """The README's key table: keys in code spans, the context after them."""
    lines = ["| key | id | what it does |", "|---|---|---|"]
    for action in in_help_order():
        keys = " ".join(f"`{key_display(key)}`" for key in keys_in_effect(action, keymap))
        keys = f"{keys} {action.context}" if action.context else keys or "(palette)"
        lines.append(f"| {keys} | `{action.id}` | {described(action, keymap)} |")
    lines += [f"| `{key}` | | {text} |" for key, text in FIXED_KEYS]
    return "\n".join(lines) + "\n"
