"""End to end: ``qlens-q run --quick`` on the real Sentihood files, through the CLI."""

import json

import pytest

REQUIRED_KEYS = {
    "seed": None,
    "config": None,
    "versions": None,
    "data": ("single_opinion", "positive", "negative", "balanced", "train", "test"),
    "model": ("test_accuracy",),
    "timing": ("wall_seconds",),
    "circuits": (
        "examples",
        "num_qubits",
        "statevector_max_abs_error",
        "shots",
        "mean_tvd",
        "chi2_reject_rate",
    ),
}
TABLE1_LAYER_KEYS = (
    "unitary_similarity",
    "unitary_p",
    "hamiltonian_similarity",
    "hamiltonian_p",
    "mean_delta_psi",
    "mean_delta_psi_norm",
    "delta_psi_p",
)
FIT_KEYS = ("k", "train_fidelity", "test_fidelity", "test_kl", "test_tvd", "seconds")


@pytest.fixture(scope="module")
def quick_run(sentihood_dir, tmp_path_factory, qlens_cli):
    out = tmp_path_factory.mktemp("run")
    qasm_dir = tmp_path_factory.mktemp("qasm")
    result = qlens_cli(
        "run",
        "--quick",
        "--no-progress",
        "--data",
        sentihood_dir,
        "--out",
        out,
        "--seed",
        "0",
        "--export-circuits",
        qasm_dir,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    return out, qasm_dir, report, result


def test_data_counts_are_the_studys(quick_run):
    _, _, report, _ = quick_run

    assert report["data"] == {
        "single_opinion": 1864,
        "positive": 1329,
        "negative": 535,
        "balanced": 1070,
        "train": 856,
        "test": 214,
    }


def test_accuracy_is_above_chance(quick_run):
    _, _, report, _ = quick_run

    # Balanced binary test split of 214: chance is 0.5 with a standard deviation of 0.034, so
    # 0.6 is about three standard deviations above it.
    assert report["model"]["test_accuracy"] > 0.6


def test_every_test_example_runs_as_a_circuit_matching_the_model(quick_run):
    _, _, report, _ = quick_run
    circuits = report["circuits"]

    assert circuits["examples"] == 214
    assert circuits["num_qubits"] == 1
    assert circuits["statevector_max_abs_error"] <= 1e-9
    assert circuits["unitary_route_max_abs_error"] <= 1e-9
    assert circuits["padding_counts"] == 0
    assert 0 <= circuits["chi2_reject_rate"] <= 1
    # With 2048 shots per binary outcome, the TVD of a correct sampler is about 0.01 at most.
    assert circuits["mean_tvd"] < 0.02


def test_report_has_the_keys_later_tools_rely_on(quick_run):
    _, _, report, _ = quick_run

    for key, sub in REQUIRED_KEYS.items():
        assert key in report
        for name in sub or ():
            assert name in report[key], f"{key}.{name}"
    for position in ("embedding", "attention"):
        assert set(report["lenses"][position]) >= {"kl", "agreement"}
    for layer in ("attention", "mlp"):
        for name in TABLE1_LAYER_KEYS:
            assert name in report["table1"][layer], f"table1.{layer}.{name}"
        for parametrisation in ("householder", "exponential", "orthogonal"):
            for name in FIT_KEYS:
                assert name in report["fit"][layer][parametrisation]
        for baseline in ("identity", "single_reflection", "per_example"):
            assert "test_fidelity" in report["fit"][layer]["baselines"][baseline]
        assert report["fit"][layer]["baselines"]["per_example"]["test_fidelity"] > 1 - 1e-9
    assert "distance_correlation" in report["table1"]
    assert "distance_correlation_p" in report["table1"]
    for name, block in report["fitted_circuits"].items():
        assert block["statevector_vs_operator_max_abs_error"] <= 1e-9, name


def test_run_folder_has_report_figures_and_qasm(quick_run):
    out, qasm_dir, report, result = quick_run

    markdown = (out / "report.md").read_text()
    assert "Table 1" in markdown and "0.8398" in markdown
    assert len(report["figures"]) == 5
    for figure in report["figures"]:
        assert (out / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    qasm = sorted((out / "circuits").glob("*.qasm"))
    assert len(qasm) == 3
    assert "OPENQASM 3" in qasm[0].read_text()
    assert sorted(p.name for p in qasm_dir.glob("*.qasm")) == [p.name for p in qasm]
    assert "test accuracy" in result.stdout
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_same_seed_gives_the_same_report(quick_run, sentihood_dir, tmp_path):
    out, _, report, _ = quick_run
    from qlens_q.study import load_config
    from qlens_q.study.run import run_study

    again = run_study(
        load_config(quick=True, seed=0), data_dir=sentihood_dir, out_dir=tmp_path, progress=False
    ).report

    def strip(r):
        r = json.loads(json.dumps(r))
        r.pop("timing")
        for layer in ("attention", "mlp"):
            for block in r["fit"][layer].values():
                if isinstance(block, dict):
                    block.pop("seconds", None)
            for row in r["fit"][layer]["fidelity_vs_k"]:
                row.pop("seconds", None)
        return r

    assert strip(again) == strip(report)


def test_exactness_checks_pass_and_are_reported(quick_run):
    out, _, report, _ = quick_run

    assert report["checks"] == {"passed": True, "failures": []}
    assert "Checks passed" in (out / "report.md").read_text()
