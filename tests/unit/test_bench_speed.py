"""scripts/bench/speed.py divides each server run by the bare model's floor measured around that run, and a target's
ratio is the median of the rounds' ratios: a floor slowed by other work in some rounds is not paired with server runs
of other rounds (stop 51's run read 0.72 at one client, its median floor from two rounds a core was taken away)."""

from __future__ import annotations

from scripts.bench.speed import around, bracketed, serving_figures

# stop 51's speed run (the seed corpus, 3 rounds): the floor before each round's runs, and the server's figures
STOP51_FLOORS = {"1": [2.571, 6.449, 6.450], "32": [357.6, 382.6, 733.7]}
STOP51_SERVER = {"1": [4.310, 8.189, 4.632], "32": [299.0, 237.6, 342.8]}


def _run(figure: str, value: float) -> dict[str, float]:
    return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "rate": 0.0, "errors": 0, "requests": 300, figure: value}


def test_the_floor_is_measured_before_and_after_the_run() -> None:
    calls: list[str] = []
    floors = iter([[3.0, 3.2, 3.1], [6.0, 6.4, 6.2]])

    def floor() -> list[float]:
        calls.append("floor")
        return next(floors)

    def run() -> dict[str, float]:
        calls.append("run")
        return _run("p50_ms", 9.0)

    result, floored = around(floor, run)
    assert calls == ["floor", "run", "floor"]
    assert result["p50_ms"] == 9.0
    assert floored.pop("load") >= 0
    assert floored == {"floor": (3.2 + 6.0) / 2, "floor_before": 3.1, "floor_after": 6.2}
    assert bracketed(iter([[2.0], [4.0]]).__next__, run, "p50_ms")["ratio"] == 9.0 / 3.0


def test_a_target_s_ratio_is_the_median_of_the_rounds_ratios() -> None:
    figures = {"1": "p50_ms", "32": "rate"}
    runs = {clients: [{**_run(figures[clients], server), "floor": floor, "floor_before": floor, "floor_after": floor,
                       "ratio": server / floor}
                      for floor, server in zip(STOP51_FLOORS[clients], STOP51_SERVER[clients], strict=True)]
            for clients in figures}
    served = serving_figures(runs)
    # the median server figure over the median floor read 0.72 and 0.78 (both targets held); round by round, no
    # round held the 1-client target but the one whose floor ran in a slower minute than its server run
    assert round(served["latency_1_client"], 2) == round(8.189 / 6.449, 2) == 1.27
    assert round(served["rate_32_clients"], 2) == round(237.6 / 382.6, 2) == 0.62
    assert served["floor_single_ms"] == 6.449 and served["client_1"]["p50_ms"] == 4.632
