"""The opinion package stands alone: usable without the web app, the themes pipeline or the exports."""

from __future__ import annotations

import subprocess
import sys


def test_opinions_imports_nothing_from_the_rest_of_the_project() -> None:
    code = (
        "import sys, opinions, opinions.evaluate; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'crowd', 'clustering', 'exports'}); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
