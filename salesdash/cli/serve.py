"""``python -m salesdash serve [STREAMLIT OPTIONS]``: start the app (what ``make run`` runs).

Everything after ``serve`` goes to ``streamlit run app.py``; the server runs in this process.

Why not plain ``streamlit run app.py``: Streamlit decides once per process, on the first session,
whether the app is a legacy multipage app, by looking for a ``pages/`` folder beside the main script. Our
pages do live in ``pages/``, but app.py routes with ``st.navigation``, so that first session would run in
legacy mode: a link straight to a page (``/sales-risk?region=east``) opened on a freshly started server
shows "Page not found" and lands on the Overview (streamlit/streamlit#9992, #8860). Deciding it here,
before the server starts, makes every session, the first included, a plain ``st.navigation`` app.
(``ui.state._leave_legacy_pages_mode`` still covers a server started by hand with ``streamlit run``.)

This is the one module outside the UI layer that imports streamlit: it starts the server and must not
import ``salesdash.ui`` (whose caches need the server's runtime to exist first).
"""

from __future__ import annotations

import argparse
import sys

from salesdash.config import PROJECT_ROOT


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the app in Streamlit (options after it go to `streamlit run`)")
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER,
                   help="options for `streamlit run`, e.g. --server.port 8502")
    p.set_defaults(func=run)


#: Options set unless given: the toolbar offers a viewer's menu (no "Deploy" button), and no usage
#: statistics leave the machine (the app serves company data, often on machines without internet).
DEFAULTS = {"--client.toolbarMode": "viewer", "--browser.gatherUsageStats": "false"}


def streamlit_options(given: list[str]) -> list[str]:
    """`given` plus each default it does not set (as ``--opt value`` or ``--opt=value``): :data:`DEFAULTS`,
    and an upload limit equal to the import limit (SALESDASH_MAX_IMPORT_MB; Streamlit's own is 200 MB)."""
    from salesdash.config import settings

    defaults = {**DEFAULTS, "--server.maxUploadSize": str(int(settings().max_import_mb))}
    named = {a.split("=", 1)[0] for a in given if a.startswith("--")}
    extra = [part for opt, value in defaults.items() if opt not in named for part in (opt, value)]
    return [*given, *extra]


def run(args: argparse.Namespace) -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli as streamlit_cli

    PagesManager.uses_pages_directory = False   # internal flag (Streamlit 1.67): see the module docstring
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "app.py"), *streamlit_options(list(args.streamlit_args))]
    try:
        streamlit_cli.main()
    except SystemExit as e:   # click ends with SystemExit; hand its status back
        return int(e.code or 0)
    return 0
