"""What-if: set the changes, run baseline and scenario side by side, save or load the scenario.

Every control is a widget keyed ``whatif_<field of WhatIfForm>``, so a loaded scenario fills
the controls by writing those keys (in a callback, before the widgets are drawn again).
"""

from dataclasses import fields
from pathlib import Path
from typing import Any

import streamlit as st

from app_pages.components import download_buttons, run_with_progress
from app_pages.state import actor, db_url, require_round, version
from matcher.matching import SOLVERS
from matcher.scenarios.errors import ScenarioError
from matcher.scenarios.files import file_name, scenario_from_toml, scenario_toml
from matcher.scenarios.run import RunSettings
from matcher.services.whatif_form import (
    Known,
    WhatIfForm,
    describe,
    form_from_scenario,
    read_file,
    scenario_files,
    scenario_from_form,
)
from matcher.services.whatif_runs import (
    CHART_MONEY,
    CHART_SHARES,
    DEFAULT_TIME_LIMIT,
    WhatIfRun,
    chart_frame,
    headlines,
    kpi_numbers,
    run_and_record,
    side_by_side,
    signal_table,
)

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "data" / "scenarios"
RESULT, BASELINE, LOAD_ERROR = "whatif_result", "whatif_baseline", "whatif_load_error"
FIELDS = [f.name for f in fields(WhatIfForm) if f.name != "extra"]

st.title("What-if")
st.caption(
    "Change the round, match it, and compare with the round as it is. Nothing is written to "
    "the round: only the run record (History page)."
)
round_ = require_round()
policy = round_.effective_policy()
interventions = {i.intervention_id: i for i in round_.interventions}
providers = {p.provider_id: p.name for p in round_.providers}
known = Known(frozenset(providers), frozenset(interventions))
# A select box shows None as an empty box: the choice "none" is the option NONE instead.
NONE = ""
CHOICES = frozenset(
    {"growth_intervention", "capacity_provider", "capacity_intervention", "tariff_intervention"}
)


def widget_value(name: str, value: Any) -> Any:
    """A form field's value as its widget holds it."""
    if isinstance(value, tuple):
        return list(value)
    return NONE if value is None and name in CHOICES else value


def form_value(name: str) -> Any:
    """A widget's value as the form field holds it."""
    value = st.session_state[f"whatif_{name}"]
    if isinstance(value, list):
        return tuple(value)
    return None if value == NONE and name in CHOICES else value


def show(form: WhatIfForm) -> None:
    """Fill the controls with a form (called from a callback, before the widgets draw)."""
    for name in FIELDS:
        st.session_state[f"whatif_{name}"] = widget_value(name, getattr(form, name))
    st.session_state["whatif_extra"] = form.extra
    st.session_state.pop(LOAD_ERROR, None)


for name in FIELDS:
    st.session_state.setdefault(f"whatif_{name}", widget_value(name, getattr(WhatIfForm(), name)))
st.session_state.setdefault("whatif_extra", ())


def load(text: bytes, source: str) -> None:
    try:
        show(form_from_scenario(scenario_from_toml(text, source), known))
    except ScenarioError as exc:
        st.session_state[LOAD_ERROR] = str(exc)


def load_picked() -> None:
    path: Path | None = st.session_state.get("whatif_pick")
    if path is not None:
        load(read_file(path), path.name)


def load_uploaded() -> None:
    upload = st.session_state.get("whatif_upload")
    if upload is not None:
        load(upload.getvalue(), upload.name)


with st.expander("Load a scenario", expanded=False):
    pick, upload = st.columns(2)
    pick.selectbox(
        "A scenario of data/scenarios",
        scenario_files(SCENARIO_DIR),
        format_func=lambda p: p.name,
        key="whatif_pick",
    )
    pick.button("Load this file", on_click=load_picked)
    upload.file_uploader(
        "Or upload a TOML file", type=["toml"], key="whatif_upload", on_change=load_uploaded
    )
if st.session_state.get(LOAD_ERROR):
    st.error(f"The scenario was not loaded: {st.session_state[LOAD_ERROR]}")

st.text_input("Scenario name", key="whatif_name")
demand, market, money = st.columns(3)
with demand:
    st.subheader("Demand")
    st.number_input("Demand growth (%)", -100.0, 1000.0, step=5.0, key="whatif_growth_percent")
    st.selectbox(
        "Growth of",
        [NONE, *interventions],
        format_func=lambda i: f"{i} {interventions[i].name}" if i else "every intervention",
        key="whatif_growth_intervention",
    )
    st.number_input("Sample seed (which requests are copied)", 0, step=1, key="whatif_growth_seed")
with market:
    st.subheader("Providers")
    st.multiselect(
        "Providers leaving",
        list(providers),
        format_func=lambda p: f"{p} {providers[p]}",
        key="whatif_exits",
    )
    st.selectbox(
        "Capacity change for",
        [NONE, *providers],
        format_func=lambda p: f"{p} {providers[p]}" if p else "no provider",
        key="whatif_capacity_provider",
    )
    st.selectbox(
        "Capacity rows",
        [NONE, "*", *interventions],
        format_func=lambda i: {NONE: "every row", "*": "the provider's total (*)"}.get(i, i),
        key="whatif_capacity_intervention",
    )
    st.number_input("Capacity change (%)", -99.0, 1000.0, step=10.0, key="whatif_capacity_percent")
with money:
    st.subheader("Tariffs and budgets")
    tariff_of = st.selectbox(
        "Tariff band of",
        [NONE, *interventions],
        format_func=lambda i: f"{i} {interventions[i].name}" if i else "no intervention",
        key="whatif_tariff_intervention",
    )
    if tariff_of:
        band = interventions[tariff_of]
        st.caption(f"Now € {band.tariff_min} to € {band.tariff_max}: shift it, or set new bounds.")
    st.number_input(
        "Shift the band (%)", -99.0, 1000.0, step=5.0, key="whatif_tariff_shift_percent"
    )
    low, high = st.columns(2)
    low.number_input("New minimum (€)", 0.0, placeholder="as now", key="whatif_tariff_min")
    high.number_input("New maximum (€)", 0.0, placeholder="as now", key="whatif_tariff_max")
    st.number_input(
        "Budget change, every team (%)", -99.0, 1000.0, step=5.0, key="whatif_budget_percent"
    )

st.subheader("Policy")
weights = policy.weights
w1, w2, w3, w4 = st.columns(4)
w1.number_input(
    "€ per km", 0.0, placeholder=f"as now: {weights.distance_per_km}", key="whatif_distance_per_km"
)
w2.number_input(
    "€ per preference rank", 0.0, placeholder=f"as now: {weights.preference_per_rank}",
    key="whatif_preference_per_rank",
)  # fmt: skip
w3.number_input(
    "€ for continuity", 0.0, placeholder=f"as now: {weights.continuity}", key="whatif_continuity"
)
w4.number_input(
    "Market-share cap (0-1)", 0.01, 1.0, placeholder=f"as now: {policy.market_share_cap or 'none'}",
    key="whatif_market_share_cap",
)  # fmt: skip

extra = st.session_state["whatif_extra"]
if extra:
    st.info(
        "The loaded file also makes changes the controls do not show; they are applied "
        "after the controls' changes:\n\n" + "\n".join(f"- {describe(c)}" for c in extra)
    )
    if st.button("Drop these changes"):
        st.session_state["whatif_extra"] = ()
        st.rerun()

form = WhatIfForm(**{name: form_value(name) for name in FIELDS}, extra=extra)
try:
    scenario = scenario_from_form(form)
except ScenarioError as exc:
    st.error("This scenario cannot run:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
    st.stop()
st.caption(
    "Changes: " + ("; ".join(describe(c) for c in scenario.changes) or "none (the baseline)")
)

left, middle, right, save = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
time_limit = left.number_input(
    "Time limit per run (s)", 1.0, 600.0, DEFAULT_TIME_LIMIT, key="whatif_limit"
)
solver = middle.selectbox("Solver", list(SOLVERS), key="whatif_solver")
with_outlook = right.checkbox(
    "Capacity outlook (about 3 s a run)", value=True, key="whatif_outlook"
)
save.download_button(
    "Save scenario (TOML)",
    scenario_toml(scenario).encode("utf-8"),
    file_name(scenario),
    "application/toml",
    key="whatif_save",
)
st.caption(
    f"The baseline and the scenario are each matched within {time_limit:g} s. When a stage is "
    "not proven optimal by then, the result is the best found so far and the page says so."
)

settings = RunSettings(solver=solver, time_limit=float(time_limit), outlook=with_outlook)
baseline_key = (version(), settings)
if st.button("Run what-if", type="primary", disabled=not scenario.changes):
    kept = st.session_state.get(BASELINE)
    try:
        done = run_with_progress(
            "Running the what-if",
            lambda progress: run_and_record(
                db_url(),
                round_,
                scenario,
                settings,
                actor=actor(),
                baseline=kept[1] if kept and kept[0] == baseline_key else None,
                progress=progress,
            ),
        )
    except ScenarioError as exc:
        st.error(
            "The scenario does not fit the round:\n\n" + "\n".join(f"- {p}" for p in exc.problems)
        )
        st.stop()
    st.session_state[BASELINE] = (baseline_key, done.baseline)
    st.session_state[RESULT] = done

run: WhatIfRun | None = st.session_state.get(RESULT)
if run is None:
    st.info("Set one or more changes and press Run what-if.")
    st.stop()

comparison = run.comparison
st.subheader(f"Baseline and '{run.scenario.name}' side by side")
if run.failed:
    st.error(f"No solution within the time limit for: {', '.join(run.failed)}.")
if run.time_limited:
    st.warning(
        f"Time-limited: a stage was not proven optimal within {run.settings.time_limit:g} s "
        "(status 'feasible'). The figures are the best found so far; part of a change may come "
        "from the time limit rather than the scenario. A longer time limit makes them firmer."
    )
notes = [f"Run record #{run.run_id} is on the History page."]
if run.baseline_reused:
    notes.append("The baseline is the one matched before with the same settings.")
st.caption(" ".join(notes))
shown = headlines(comparison)
for column, headline in zip(st.columns(len(shown)), shown, strict=True):
    column.metric(
        headline.label,
        headline.value,
        headline.delta,
        delta_color=headline.colour,
        help=headline.help,
    )

table, charts = st.columns([3, 2])
table.dataframe(side_by_side(comparison), hide_index=True, height=740)
with charts:
    st.caption("Placed and cost / budget (%)")
    st.bar_chart(
        chart_frame(comparison, CHART_SHARES),
        x="KPI",
        y="value",
        color="run",
        stack=False,
        horizontal=True,
        height=260,
    )
    st.caption("Cost and budget (€ a week)")
    st.bar_chart(
        chart_frame(comparison, CHART_MONEY),
        x="KPI",
        y="value",
        color="run",
        stack=False,
        horizontal=True,
        height=260,
    )
download_buttons(kpi_numbers(comparison), "whatif-kpis")

signals = signal_table(comparison)
if not signals.empty:
    with st.expander(f"Capacity signals added and removed ({len(signals):,})"):
        st.dataframe(signals, hide_index=True)
