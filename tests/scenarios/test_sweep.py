"""A sweep on a local Dask cluster gives exactly the KPIs of the same sweep run serially."""

from matcher.scenarios.run import BASELINE, RunSettings, run_on_dask, run_serial
from matcher.scenarios.sweep import sweep_scenarios
from matcher.services.scenarios import whatif_cluster
from tests.scenarios.rounds import small_round


def test_sweep_on_two_dask_workers_equals_the_serial_sweep() -> None:
    round_ = small_round()
    scenarios = [BASELINE, *sweep_scenarios(["growth=0:100:20", "exit=none,P1,P2,P3"])]
    assert len(scenarios) == 25
    settings = RunSettings()
    serial = run_serial(round_, scenarios, settings)
    seen: list[int] = []
    with whatif_cluster(None, workers=2) as (client, ran_on):
        assert ran_on == "local cluster, 2 workers"
        parallel = run_on_dask(
            client,
            round_,
            scenarios,
            settings,
            progress=lambda done, total, name: seen.append(done),
        )
    assert [r.name for r in parallel] == [s.name for s in scenarios]
    assert [r.kpis for r in parallel] == [r.kpis for r in serial]
    assert seen == list(range(1, 26))
    # The sweep really varies: growth adds open requests, an exit lowers what is placed.
    n_open = {r.kpis.n_open for r in serial}
    assert len(n_open) > 1
    by_name = {r.name: r.kpis for r in serial}
    assert by_name["growth=0% exit=P1"].n_placed < by_name["growth=0% exit=none"].n_placed
    assert all(r.kpis.status == "optimal" for r in serial)
