"""Small reusable widgets."""

import re
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from matcher.services.catalogue import words
from matcher.services.downloads import EXCEL_MIME, csv_download, excel_download

# crisis, high, normal: alarm red, amber, calm blue, in the order of the urgency columns
# (typed loosely: st.bar_chart wants a list of its own colour union)
URGENCY_COLOURS: list[Any] = ["#c0392b", "#f39c12", "#5d8aa8"]


# The words for the weighted terms, wherever a score stands beside euros.
SCORE_HELP = (
    "Cost plus the policy-weighted distance, client preference and continuity terms: how the "
    "solver ranks the providers, not what is paid."
)


def money_column(label: str | None = None) -> Any:
    """A column of euros with two decimals."""
    return st.column_config.NumberColumn(label, format="€ %,.2f")  # thousands grouped: € 2,409.75


def score_column() -> Any:
    """A column of objective (score) figures, said not to be euros paid."""
    return st.column_config.NumberColumn(format="%,.2f", help=SCORE_HELP)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def escape_markdown(text: object) -> str:
    """text shown as typed inside Markdown: a name like `*P*` or `:red[x]` is not styled."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def download_buttons(frame: pd.DataFrame, name: str) -> None:
    """CSV and Excel downloads of a table, side by side, written only when clicked."""
    left, right, _ = st.columns([1, 1, 6])
    left.download_button("CSV", csv_download(frame), f"{name}.csv", "text/csv", key=f"{name}-csv")
    right.download_button(
        "Excel", excel_download(frame, name), f"{name}.xlsx", EXCEL_MIME, key=f"{name}-xlsx"
    )


T = TypeVar("T")


def run_with_progress(label: str, work: Callable[[Callable[[str, float], None]], T]) -> T:
    """Run long work inside a status box with a progress bar the work advances."""
    with st.status(f"{label} ...", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def progress(text: str, fraction: float) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=text)

        result = work(progress)
        status.update(label=f"{label}: done", state="complete", expanded=False)
    return result


def show_run_summary(summary: dict[str, Any]) -> None:
    """Status, placements, cost and gap of a solve, said honestly."""
    status = summary["status"]
    # Four metrics, the words and euros wider: with five equal columns "Proven best" was cut to
    # "Proven b…" in a 1,400-pixel window; these fit from about 1,100 pixels (the browser test
    # checks 1,280, Playwright's default).
    columns = st.columns([4, 3, 4, 2])
    columns[0].metric("Status", words("status", status), help=f"solver status: {status}")
    columns[1].metric("Placed", f"{summary['n_assigned']:,} of {summary['n_requests']:,}")
    columns[2].metric("Cost a week", f"€ {summary['total_cost']:,.2f}")
    gap = summary.get("gap") or 0.0
    known = summary.get("gap_known", True)
    columns[3].metric("Gap", f"{gap:.2%}" if known else "unknown")
    st.caption(f"Solved in {summary['seconds']:.1f} s.")
    if status == "feasible":
        proven = ", ".join(words("stage", s) for s in summary.get("proven") or []) or "none"
        st.warning(
            "The time limit ended the search: this is the best solution found, not proven "
            f"optimal. Stages proven optimal: {proven}."
            + ("" if known else " The solver gave no bound for the others, so the gap is unknown.")
            + " A longer time limit may place more or cost less."
        )
