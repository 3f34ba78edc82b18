"""End to end: the 12-class aspect task on 4 qubits (``qlens-q run --task aspect --quick``)."""

import json

import pytest

ASPECT_COUNTS = {
    "general": 724,
    "transit-location": 250,
    "safety": 224,
    "price": 215,
    "live": 128,
    "multicultural": 78,
    "shopping": 69,
    "nightlife": 57,
    "green-nature": 46,
    "touristy": 42,
    "dining": 20,
    "quiet": 11,
}


@pytest.fixture(scope="module")
def aspect_report(sentihood_dir, tmp_path_factory, qlens_cli):
    out = tmp_path_factory.mktemp("aspect")
    result = qlens_cli(
        "run",
        "--task",
        "aspect",
        "--quick",
        "--no-progress",
        "--data",
        sentihood_dir,
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "report.json").read_text()), out


def test_aspect_run_reports_twelve_classes_on_four_qubits(aspect_report):
    report, _ = aspect_report

    assert report["task"] == "aspect"
    assert report["classes"] == list(ASPECT_COUNTS)
    assert report["data"]["single_opinion"] == 1864
    assert report["data"]["per_class"] == ASPECT_COUNTS
    assert report["data"]["train"] + report["data"]["test"] == 1864
    assert report["circuits"]["num_qubits"] == 4
    assert 0 <= report["model"]["macro_f1"] <= 1
    # The majority class ("general") is 724 / 1864 = 0.388 of the data.
    assert report["model"]["test_accuracy"] > 0.45


def test_padding_states_stay_empty_and_circuits_match(aspect_report):
    report, _ = aspect_report
    circuits = report["circuits"]

    assert circuits["padding_counts"] == 0
    assert circuits["padding_probability"] <= 1e-9
    assert circuits["statevector_max_abs_error"] <= 1e-9
    for name, block in report["fitted_circuits"].items():
        assert block["padding_counts"] == 0, name
        assert block["statevector_vs_operator_max_abs_error"] <= 1e-9, name
    assert report["checks"]["passed"]


def test_fitted_operator_table_and_figure(aspect_report):
    report, out = aspect_report

    for layer in ("attention", "mlp"):
        block = report["fit"][layer]
        assert block["householder"]["k"] == 12
        ceiling = block["baselines"]["per_example"]["test_fidelity"]
        for name in ("householder", "exponential", "orthogonal"):
            assert 0 <= block[name]["test_fidelity"] <= ceiling + 1e-12
        assert [row["k"] for row in block["fidelity_vs_k"]] == [1, 2]
    assert (out / "figures" / "fidelity_vs_k.png").is_file()
    assert "Fitted operators" in (out / "report.md").read_text()
