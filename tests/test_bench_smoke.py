"""The benchmark runs end to end at a tiny scale (bench/run --scale 0.001).

Proves that ``bench/run`` creates its database, generates the data and prints one
JSON object with every figure, each either measured against its SPEC target or
reported as not available yet. Timings at this scale mean nothing; SPEC's numbers
are checked by running the benchmark at scale 1.0 (see README, Benchmark).
"""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIGURES = {
    "kpi_report": 1.0,
    "statement_import_xlsx": 10.0,
    "statement_match": 3.0,
    "review_deadlines": 2.0,
    "xlsx_export": 15.0,
}


def _odoo_importable():
    return (
        subprocess.run(
            [sys.executable, "-c", "import odoo.release"], capture_output=True, check=False
        ).returncode
        == 0
    )


@pytest.mark.skipif(not _odoo_importable(), reason="Odoo 18 is not importable: no benchmark")
def test_bench_runs_at_tiny_scale(tmp_path):
    output = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            os.path.join(REPO, "bench", "run"),
            "--scale",
            "0.001",
            "--repeat",
            "1",
            "--db",
            f"business_dept_bench_smoke_{os.getpid()}",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    printed = json.loads(proc.stdout[proc.stdout.index("{") :])
    result = json.loads(output.read_text())
    assert printed == result
    assert result["scale"] == 0.001
    assert result["sizes"]["orders"] == 100
    assert {"nproc", "memory_gb"} <= set(result["machine"])
    for name, target in FIGURES.items():
        figure = result["figures"][name]
        assert figure["status"] in ("ok", "not available"), (name, figure)
        if figure["status"] == "ok":
            assert figure["target_s"] == target
            assert len(figure["runs"]) == 1
            assert figure["median_s"] >= 0
            assert isinstance(figure["met"], bool)
            assert figure["met"] or figure["missed_by_s"] > 0
    kpi = result["figures"]["kpi_report"]
    assert kpi["baseline"]["rows"] > 0, "the baseline found no salesperson in the month"
    if kpi["status"] == "ok":
        assert kpi["equal"], kpi["differences"]
    xlsx = result["figures"]["xlsx_export"]
    assert xlsx["status"] == "ok" and xlsx["rows"] == 100 and xlsx["memory_flat"]
