"""salesdash: the Streamlit entry point. A router only: language, global filters, navigation.

Run with `make run` (or `streamlit run app.py`). Pages live in pages/ and hold no logic of their own.
"""

import streamlit as st

from salesdash.config import PROJECT_ROOT
from salesdash.i18n import t
from salesdash.ui import setup
from salesdash.ui.icon import app_icon

st.set_page_config(page_title="salesdash", page_icon=app_icon(), layout="wide")

setup()  # language, store, sidebar filters, URL sync, demo notice

# A page is listed only when it works. One line per page: (group, script, title key, icon).
PAGES = [
    ("nav.group.overview", "pages/overview.py", "nav.overview", ":material/dashboard:"),
    ("nav.group.sales", "pages/channels.py", "nav.channels", ":material/storefront:"),
    ("nav.group.sales", "pages/team.py", "nav.team", ":material/groups:"),
    ("nav.group.customers", "pages/crm.py", "nav.crm", ":material/handshake:"),
    ("nav.group.sales", "pages/funnel.py", "nav.funnel", ":material/filter_alt:"),
    ("nav.group.market", "pages/market.py", "nav.market", ":material/travel_explore:"),
    ("nav.group.market", "pages/presale.py", "nav.presale", ":material/event_upcoming:"),
    ("nav.group.customers", "pages/risk.py", "nav.risk", ":material/warning:"),
    ("nav.group.sales", "pages/forecast.py", "nav.forecast", ":material/trending_up:"),
    ("nav.group.market", "pages/segments.py", "nav.segments", ":material/donut_small:"),
    ("nav.group.data", "pages/data.py", "nav.data", ":material/upload_file:"),
]

# URL paths must differ from the file names: Streamlit also registers pages/*.py by file name on the
# first run of a process that has a pages/ folder, and a page whose URL path matches one of those is run
# on its own (without this script, its sidebar and its language) on the next rerun.
URL_PATHS = {
    "pages/overview.py": "executive-overview", "pages/market.py": "market-research",
    "pages/presale.py": "presale-campaigns", "pages/segments.py": "customer-segments",
    "pages/funnel.py": "sales-funnel", "pages/channels.py": "sales-channels", "pages/team.py": "sales-team",
    "pages/forecast.py": "revenue-forecast", "pages/crm.py": "crm-health", "pages/risk.py": "sales-risk",
    "pages/data.py": "data-import",
}
groups: dict[str, list] = {}
for group, script, title, icon in PAGES:
    groups.setdefault(t(group), []).append(
        st.Page(PROJECT_ROOT / script, title=t(title), icon=icon, default=script == "pages/overview.py",
                url_path=URL_PATHS[script])
    )
st.navigation(groups).run()
