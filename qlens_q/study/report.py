"""Human-readable views of a run's report: ``report.md`` and the summary printed at the end."""

from typing import Any

#: Published values of the QLENS study (arXiv 2510.11963, Table 1 and text); None = not given.
STUDY_VALUES: dict[str, Any] = {
    "test_accuracy": 0.7944,
    "embedding_lens_agreement": 0.8458,
    "attention": {
        "unitary_similarity": 0.8398,
        "unitary_p": 0.0001,
        "hamiltonian_similarity": 0.9193,
        "hamiltonian_p": 0.0001,
    },
    "mlp": {
        "unitary_similarity": 0.4901,
        "unitary_p": 0.0001,
        "hamiltonian_similarity": 0.7445,
        "hamiltonian_p": 0.0001,
    },
}


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != 0 and abs(value) < 10 ** (-digits):
            return f"{value:.2e}"
        return f"{value:.{digits}f}"
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _table1_rows(report: dict[str, Any]) -> list[list[Any]]:
    t1 = report["table1"]
    sentiment = report.get("task", "sentiment") == "sentiment"
    rows = []
    for layer in ("attention", "mlp"):
        study = STUDY_VALUES[layer] if sentiment else {}
        ours = t1[layer]
        for quantity, label in (("unitary", "Unitary"), ("hamiltonian", "Hamiltonian")):
            rows.append(
                [
                    f"{label} ({layer})",
                    ours[f"{quantity}_similarity"],
                    ours[f"{quantity}_baseline_similarity"],
                    ours[f"{quantity}_p"],
                    study.get(f"{quantity}_similarity"),
                    study.get(f"{quantity}_p"),
                ]
            )
    return rows


def _checks_line(report: dict[str, Any]) -> str:
    checks = report.get("checks")
    if checks is None:
        return ""
    if checks["passed"]:
        return (
            "**Checks passed:** every statevector run matches its reference to 1e-9 and no "
            "shot landed on a padding state."
        )
    return "**CHECKS FAILED:** " + "; ".join(checks["failures"])


def render_markdown(report: dict[str, Any]) -> str:
    """The run's ``report.md``: Table 1 beside the study, circuit checks, lenses and fits."""
    data, model, lenses = report["data"], report["model"], report["lenses"]
    circuits, t1 = report["circuits"], report["table1"]
    sentiment = report.get("task", "sentiment") == "sentiment"
    parts = [
        f"# qlens-q run: Sentihood {report.get('task', 'sentiment')}"
        + (" (quick mode)" if report.get("quick") else ""),
        "",
        f"Seed {report['seed']}; wall time {report['timing']['wall_seconds']:.1f} s. "
        f"Data: {data['train']} train / {data['test']} test sentences "
        f"({data['single_opinion']} with exactly one opinion).",
        "",
        _checks_line(report),
        "",
        "## Model and lenses",
        "",
        _table(
            ["quantity", "this run", "study"],
            [
                [
                    "test accuracy",
                    model["test_accuracy"],
                    STUDY_VALUES["test_accuracy"] if sentiment else None,
                ],
                ["test macro-F1", model["macro_f1"], None],
                [
                    "embedding lens agreement",
                    lenses["embedding"]["agreement"],
                    STUDY_VALUES["embedding_lens_agreement"] if sentiment else None,
                ],
                ["embedding lens KL(model ‖ lens)", lenses["embedding"]["kl"], None],
                ["attention lens agreement", lenses["attention"]["agreement"], None],
                ["attention lens KL(model ‖ lens)", lenses["attention"]["kl"], None],
            ],
        ),
        "",
        "## Table 1: mean pairwise Frobenius cosine similarity (test split)",
        "",
        f"One-sided permutation tests against random Householder baselines of the same size, "
        f"{t1['num_permutations']} permutations (smallest possible p = "
        f"{1 / (t1['num_permutations'] + 1):.2g}).",
        "",
        _table(
            ["operator", "similarity", "baseline similarity", "p", "study similarity", "study p"],
            _table1_rows(report),
        ),
        "",
        _table(
            [
                "layer",
                "‖mean ΔΨ‖",
                "baseline ‖mean ΔΨ‖",
                "p",
                "mean ΔΨ",
                "identity examples",
            ],
            [
                [
                    layer,
                    t1[layer]["mean_delta_psi_norm"],
                    t1[layer]["baseline_mean_delta_psi_norm"],
                    t1[layer]["delta_psi_p"],
                    "(" + ", ".join(f"{x:.4f}" for x in t1[layer]["mean_delta_psi"]) + ")",
                    t1[layer]["identity_examples"],
                ]
                for layer in ("attention", "mlp")
            ],
        ),
        "",
        "ΔΨ = UΨ − Ψ per example; the baseline applies random Householder reflections to the "
        "same input states. The one-sided test asks whether the layer's mean state change is "
        "larger than the baseline's (a p near 1 means it is smaller).",
        "",
        f"Distance correlation between the attention and MLP Householder vectors: "
        f"{t1['distance_correlation']:.4f} (independence test p = "
        f"{t1['distance_correlation_p']:.4g}).",
        "",
        "## Circuit check (every test example on Aer)",
        "",
        f"Embedding-lens state → attention reflection → MLP reflection on "
        f"{circuits['num_qubits']} qubit(s), compared with the Transformer's own softmax.",
        "",
        _table(
            ["check", "value"],
            [
                ["examples", circuits["examples"]],
                [
                    "statevector max \\|p_circuit − p_model\\| (reflection route)",
                    circuits["statevector_max_abs_error"],
                ],
                [
                    "statevector max \\|p_circuit − p_model\\| (dense UnitaryGate route)",
                    circuits["unitary_route_max_abs_error"],
                ],
                ["shots per example", circuits["shots"]],
                ["mean TVD(shots, model)", circuits["mean_tvd"]],
                ["mean Hellinger fidelity", circuits["mean_hellinger_fidelity"]],
                [
                    f"χ² rejections at α = {circuits['chi2_alpha']}",
                    f"{circuits['chi2_rejections']} / {circuits['examples']} = "
                    f"{circuits['chi2_reject_rate']:.4f} (95% CI "
                    f"{circuits['chi2_reject_rate_ci95'][0]:.4f}–"
                    f"{circuits['chi2_reject_rate_ci95'][1]:.4f})",
                ],
                ["shots on padding states", circuits["padding_counts"]],
            ],
        ),
        "",
    ]
    parts += _fit_sections(report)
    if report.get("figures"):
        parts += ["## Figures", ""] + [f"![{p}]({p})" for p in report["figures"]] + [""]
    return "\n".join(parts)


def _fit_sections(report: dict[str, Any]) -> list[str]:
    fit = report.get("fit")
    if not fit:
        return []
    rows = []
    for layer in ("attention", "mlp"):
        block = fit[layer]
        for name, values in block.items():
            if name in ("baselines", "shared_fraction", "fidelity_vs_k"):
                continue
            rows.append(
                [
                    layer,
                    name,
                    values["k"],
                    values["train_fidelity"],
                    values["test_fidelity"],
                    values["test_kl"],
                    values["test_tvd"],
                    values["test_agreement"],
                    block["shared_fraction"][name],
                ]
            )
        for name, values in block["baselines"].items():
            rows.append(
                [
                    layer,
                    f"baseline: {name}",
                    None,
                    None,
                    values["test_fidelity"],
                    values["test_kl"],
                    values["test_tvd"],
                    values["test_agreement"],
                    None,
                ]
            )
    parts = [
        "## Fitted operators: one unitary per layer, shared by all inputs",
        "",
        "Fitted on the train split's states, scored on the held-out test split. Shared fraction ="
        " (F_fit − F_identity) / (F_per-example − F_identity): how much of the layer's effect"
        " one operator shared across inputs captures (0: no better than no layer; 1: as good as"
        " a separate reflection per example).",
        "",
        _table(
            [
                "layer",
                "operator",
                "K",
                "train fidelity",
                "test fidelity",
                "test KL",
                "test TVD",
                "test agreement",
                "shared fraction",
            ],
            rows,
        ),
        "",
    ]
    answer = []
    for layer in ("attention", "mlp"):
        shares = fit[layer]["shared_fraction"]
        best = max(shares, key=shares.get)
        floor = fit[layer]["baselines"]["identity"]["test_fidelity"]
        answer.append(
            f"- **{layer}**: the best shared operator ({best}) reaches test fidelity "
            f"{fit[layer][best]['test_fidelity']:.4f} against {floor:.4f}"
            f" for no layer, i.e. {100 * shares[best]:.1f}% of the per-example effect."
        )
    parts += ["How much of each layer is one operator:", ""] + answer + [""]
    fitted = report.get("fitted_circuits", {})
    if fitted:
        parts += [
            "Fitted operators run as circuits on Aer (every test example): the embedding-lens "
            "state, then the fitted attention operator, then the fitted MLP operator, compared "
            "with the fitted operators' own prediction and with the model's output.",
            "",
            _table(
                [
                    "operator",
                    "route",
                    "max \\|p_circuit − p_operator\\|",
                    "mean TVD(operator, model)",
                    "mean TVD(shots, operator)",
                    "mean TVD(shots, model)",
                ],
                [
                    [
                        name,
                        v["method"],
                        v["statevector_vs_operator_max_abs_error"],
                        v["operator_vs_model_mean_tvd"],
                        v["shots_vs_operator_mean_tvd"],
                        v["shots_vs_model_mean_tvd"],
                    ]
                    for name, v in fitted.items()
                ],
            ),
            "",
        ]
    return parts


def summary_table(report: dict[str, Any]) -> str:
    """A compact plain-text summary of the headline numbers, printed at the end of a run."""
    t1, circuits = report["table1"], report["circuits"]
    rows = [
        ("test accuracy", report["model"]["test_accuracy"]),
        ("embedding lens agreement", report["lenses"]["embedding"]["agreement"]),
        ("attention lens agreement", report["lenses"]["attention"]["agreement"]),
    ]
    for layer in ("attention", "mlp"):
        rows += [
            (
                f"{layer} unitary similarity (p)",
                f"{t1[layer]['unitary_similarity']:.4f} ({t1[layer]['unitary_p']:.2g})",
            ),
            (
                f"{layer} Hamiltonian similarity (p)",
                f"{t1[layer]['hamiltonian_similarity']:.4f} ({t1[layer]['hamiltonian_p']:.2g})",
            ),
            (
                f"{layer} |mean dPsi| (p)",
                f"{t1[layer]['mean_delta_psi_norm']:.4f} ({t1[layer]['delta_psi_p']:.2g})",
            ),
        ]
    rows += [
        (
            "distance correlation (p)",
            f"{t1['distance_correlation']:.4f} ({t1['distance_correlation_p']:.2g})",
        ),
        ("circuits: statevector max abs error", f"{circuits['statevector_max_abs_error']:.2e}"),
        ("circuits: mean TVD (shots vs model)", circuits["mean_tvd"]),
        ("circuits: chi2 reject rate", circuits["chi2_reject_rate"]),
    ]
    for layer, block in report.get("fit", {}).items():
        for name, share in block["shared_fraction"].items():
            rows.append(
                (
                    f"fit {layer} {name}: test fidelity, shared fraction",
                    f"{block[name]['test_fidelity']:.4f}, {share:.2f}",
                )
            )
    rows.append(("wall time (s)", report["timing"]["wall_seconds"]))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {_fmt(value)}" for name, value in rows)
