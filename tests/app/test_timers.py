"""A timer whose delay has already run out neither hangs the app nor is lost.

Textual 8.2.8 loops forever on a negative interval, and a toast made just after its
notification expired asks for one (``app/timers.py``). The app then sat at 100% CPU,
deaf to SIGTERM. Each case runs in its own process with a deadline, since a hang would
hang pytest too.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    import paperbrowse.app.app  # noqa: F401  (the app's guard, as the app has it)
    from textual.app import App

    fired = []

    class Late(App):
        def on_mount(self):
            self.set_timer(float(sys.argv[1]), lambda: fired.append(True))
            self.set_timer(0.5, self.exit)

    asyncio.run(Late().run_async(headless=True))
    print("fired" if fired else "not fired")
""")


@pytest.mark.parametrize("delay", ["-0.000087", "0", "-5"])
def test_a_timer_already_due_fires_and_the_app_still_exits(delay: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, delay], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "fired"
