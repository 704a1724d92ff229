"""salesdash: the Streamlit entry point. A router only: language, global filters, navigation.

Run with `make run` (or `streamlit run app.py`). Pages live in pages/ and hold no logic of their own.
"""

import streamlit as st

from salesdash.i18n import t
from salesdash.ui import setup

st.set_page_config(page_title="salesdash", page_icon=":material/monitoring:", layout="wide")

setup()  # language, store, sidebar filters, URL sync, demo notice

# A page is listed only when it works. One line per page: (group, script, title key, icon).
PAGES = [
    ("nav.group.overview", "pages/overview.py", "nav.overview", ":material/dashboard:"),
]

groups: dict[str, list] = {}
for group, script, title, icon in PAGES:
    groups.setdefault(t(group), []).append(
        st.Page(script, title=t(title), icon=icon, default=script == "pages/overview.py")
    )
st.navigation(groups).run()
