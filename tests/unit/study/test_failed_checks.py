from qlens_q.study.run import _failed_checks


def report(error=1e-13, dense=1e-13, padding_counts=0, fitted_error=1e-12):
    return {
        "circuits": {
            "statevector_max_abs_error": error,
            "unitary_route_max_abs_error": dense,
            "padding_probability": 0.0,
            "padding_counts": padding_counts,
        },
        "fitted_circuits": {
            "householder": {
                "statevector_vs_operator_max_abs_error": fitted_error,
                "padding_counts": 0,
            }
        },
    }


def test_exact_runs_pass():
    assert _failed_checks(report()) == []


def test_each_broken_check_is_named():
    failures = _failed_checks(report(error=2e-9, padding_counts=3, fitted_error=float("nan")))

    assert len(failures) == 3
    assert failures[0].startswith(
        "per-example circuits vs model (reflection route): max error 2e-09"
    )
    assert "fitted householder circuits vs operator" in failures[1]  # NaN never passes
    assert failures[2] == "per-example circuits: 3 shots on padding states"
