"""Data: upload a round (zip of CSV files, or a workbook), see every error by file, row and
column; nothing is imported when there is one. Download a template or the stored round."""

import tempfile
from pathlib import Path

import streamlit as st

from app_pages.state import actor, current_round, db_url, forget_round
from matcher.services.access import Actor
from matcher.services.downloads import EXCEL_MIME
from matcher.services.rounds import export_round
from matcher.services.uploads import UploadError, import_upload, template_workbook

st.title("Data")

st.subheader("Upload a round")
st.caption(
    "A zip of the round's CSV files, or one Excel workbook with a sheet per file. The upload "
    "replaces the stored round only when it has no error."
)
upload = st.file_uploader("Round", type=["zip", "xlsx"], key="data_upload")
drop_awards = st.checkbox(
    "Drop the awards made since the last import",
    help="Without it, an upload that lacks awards made in the app since the last import is "
    "refused, so no award is lost without a word.",
)
if upload is not None and st.button("Validate and import", type="primary"):
    with st.spinner("Checking every file ..."):
        try:
            outcome = import_upload(
                upload.name, upload.getvalue(), db_url(), actor=actor(), drop_awards=drop_awards
            )
        except UploadError as exc:
            st.error(str(exc))
            st.stop()
    if outcome.imported is None:
        st.error(f"Nothing was imported: {outcome.n_errors:,} problem(s) found.")
        st.dataframe(outcome.errors, hide_index=True)
        if outcome.more_errors:
            st.caption(outcome.more_errors + ". Fix these and upload again to see the rest.")
    else:
        forget_round()
        counts = outcome.imported.record.counts
        st.success("Imported: " + ", ".join(f"{n:,} {name}" for name, n in counts.items() if n))
        if not outcome.warnings.empty:
            st.warning(f"{outcome.n_warnings:,} warning(s) worth reading:")
            st.dataframe(outcome.warnings, hide_index=True)
            if outcome.more_warnings:
                st.caption(outcome.more_warnings)

st.subheader("Downloads")
left, right = st.columns(2)


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        return template_workbook(Path(scratch) / "template.xlsx").read_bytes()


left.download_button("Template workbook", template_bytes, "matcher-round-template.xlsx", EXCEL_MIME)


def stored_round_bytes(url: str, who: Actor) -> bytes:
    """The stored round as a workbook, written when the button is clicked."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "round.xlsx"
        export_round(path, url, actor=who)
        return path.read_bytes()


if current_round() is not None:
    url, who = db_url(), actor()  # read now: the callable runs outside this script's session
    right.download_button(
        "Download the stored round",
        lambda: stored_round_bytes(url, who),
        "matcher-round.xlsx",
        EXCEL_MIME,
    )
