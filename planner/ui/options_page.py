"""Options (negotiators): SLA options defined as scenario changes, each a full plan on the plan's
forecast, compared in a table and a cost-against-service chart (:mod:`planner.sweep`); then the contract
term's team size, hiring and cost by month (:mod:`planner.ui.term`)."""

from __future__ import annotations

import streamlit as st

from planner.ui import charts, engine, term
from planner.ui.common import guarded, lang, need_record, table, tr

EXAMPLE = "v80:channels.voice.service_level=0.8\nv90:channels.voice.service_level=0.9"


def render() -> None:
    from planner.io.cache import default_cache
    from planner.scenario import option_scenarios, parse_option
    from planner.sweep import OptionJob, compare, run_options
    from planner.sweep import table as flat_table

    st.title(tr("page_options"))
    rec = need_record()
    if rec is None:
        return
    lg = lang()

    shipped = engine.shipped_option_files()

    def load_example() -> None:  # a callback runs outside the page's guard: it must not raise
        name = st.session_state.get("options_example")
        if name in shipped:
            st.session_state["options_text"] = engine.shipped_option_lines(name)

    # the blank choice's label is the same in both languages: a label that changed with the language would
    # come back from the browser as the widget's value
    st.selectbox(tr("options_example"), ["—", *shipped], key="options_example", on_change=load_example)
    text_in = st.text_area(tr("options_text"), EXAMPLE, help=tr("options_help"), key="options_text")
    lines = [x.strip() for x in text_in.splitlines() if x.strip() and not x.strip().startswith("#")]
    run = st.button(tr("run_options"), key="options_run", type="primary")
    if run and not lines:
        st.info(tr("options_first"))
    elif run:
        options = [parse_option(x) for x in lines]
        scenarios = option_scenarios(rec["data"], options, rec["source"], engine.SCENARIO_DIR)
        jobs = [OptionJob(o.name, o.label(), sc, rec["part"], cache=default_cache())
                for o, sc in zip(options, scenarios, strict=True)]
        bar = st.progress(0.0, text=tr("running_options", n=len(jobs)))
        done = [0]

        def say(message: str) -> None:
            done[0] += 1
            bar.progress(min(1.0, done[0] / len(jobs)), text=message)

        rows = compare(run_options(jobs, workers=1, progress=say))
        st.session_state["options_rows"] = (rec["key"], rows)
    got = st.session_state.get("options_rows")
    if got is not None and got[0] == rec["key"]:
        rows = got[1]
        st.altair_chart(charts.options_chart(rows, lg), width="stretch")
        table(flat_table(rows), "options", "options_table")
    term.render(rec)


page = guarded(render)
