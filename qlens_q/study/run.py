"""The end-to-end study behind ``qlens-q run``.

Steps: load and split Sentihood; train the one-block Transformer on frozen pretrained
embeddings; fit tuned lenses after the embedding and after attention; turn the test split's
lens and model probabilities into states; compute the study's Table 1; run every test
example's layers as circuits on Aer and compare them with the model; fit one operator per
layer across inputs; write report.json, report.md, figures and OpenQASM 3 files.
"""

import dataclasses
import logging
import platform
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from qlens_q.circuits import ReflectionLayer, UnitaryLayer
from qlens_q.data import load_sentihood, prepare_aspect, prepare_sentiment
from qlens_q.exceptions import CheckFailedError, InvalidInputError
from qlens_q.execution import statevector_probabilities
from qlens_q.io import atomic_write_json, atomic_write_text
from qlens_q.lens import TunedLens, evaluate_lens, fit_lens, lens_probabilities
from qlens_q.model import (
    OneBlockTransformer,
    class_probabilities,
    encode_texts,
    evaluate_classifier,
    load_embeddings,
    train_classifier,
)
from qlens_q.states import born_probabilities, num_qubits_for
from qlens_q.statistics import max_abs_error, total_variation_distance
from qlens_q.study import figures
from qlens_q.study.analysis import (
    LAYERS,
    POSITIONS,
    states_from_probabilities,
    table1,
)
from qlens_q.study.circuit_check import check_circuits, export_examples, trajectory_circuits
from qlens_q.study.config import RunConfig
from qlens_q.study.operator_fit import fit_layers
from qlens_q.study.report import render_markdown, summary_table
from qlens_q.tolerances import CIRCUIT_PROBABILITY_ATOL

logger = logging.getLogger(__name__)

#: Dense UnitaryGate compilation is offered up to this many qubits (larger ones are slow).
MAX_DENSE_QUBITS = 6


@dataclass(frozen=True)
class StudyResult:
    """What a run produced: the report dict and the folder it was written to."""

    report: dict[str, Any]
    out_dir: Path


def default_out_dir(config: RunConfig) -> Path:
    """``runs/<timestamp>-sentihood[-aspect]`` under the current directory."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "" if config.task == "sentiment" else f"-{config.task}"
    return Path("runs") / f"{stamp}-sentihood{suffix}"


def _versions() -> dict[str, str]:
    import qiskit
    import qiskit_aer
    import scipy
    import transformers

    import qlens_q

    return {
        "qlens_q": qlens_q.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__,
        "qiskit": qiskit.__version__,
        "qiskit_aer": qiskit_aer.__version__,
        "transformers": transformers.__version__,
    }


@dataclass
class TrainedModel:
    """The trained one-block Transformer with its embeddings and encoded splits."""

    model: OneBlockTransformer
    embeddings: Any
    train_encoded: Any
    test_encoded: Any
    losses: list[float]
    test_accuracy: float
    macro_f1: float


def prepare_task(config: RunConfig, data_dir: str | Path | None = None):
    """Load Sentihood and split it for ``config.task`` exactly as the study does."""
    dataset = load_sentihood(data_dir)
    prepare = prepare_sentiment if config.task == "sentiment" else prepare_aspect
    return prepare(dataset, seed=config.seed)


def train_model(
    config: RunConfig, task, *, embeddings_path: str | Path | None = None, progress: bool = True
) -> TrainedModel:
    """Train the one-block Transformer of ``config.model`` on frozen pretrained embeddings."""
    embeddings = load_embeddings(config.embeddings, path=embeddings_path)
    model_config = dataclasses.replace(config.model, num_classes=len(task.class_names))
    torch.manual_seed(config.seed)
    model = OneBlockTransformer(model_config, embeddings)
    max_length = model_config.max_length
    train_encoded = encode_texts(task.train_texts, embeddings.tokenizer, max_length=max_length)
    test_encoded = encode_texts(task.test_texts, embeddings.tokenizer, max_length=max_length)
    losses = train_classifier(
        model, train_encoded, task.train_labels, config.train, seed=config.seed, progress=progress
    )
    model.eval()
    metrics = evaluate_classifier(model, test_encoded, task.test_labels)
    logger.info("test accuracy %.4f, macro-F1 %.4f", metrics.accuracy, metrics.macro_f1)

    return TrainedModel(
        model=model,
        embeddings=embeddings,
        train_encoded=train_encoded,
        test_encoded=test_encoded,
        losses=list(losses),
        test_accuracy=float(metrics.accuracy),
        macro_f1=float(metrics.macro_f1),
    )


def fit_lenses(
    config: RunConfig, trained: TrainedModel, *, progress: bool = True
) -> tuple[dict[str, TunedLens], dict[str, dict[str, float]]]:
    """Fit the tuned lenses after the embedding and after attention on the train split.

    Returns:
        The lenses by position and, per position, the test split's mean KL(model || lens)
        and argmax agreement with the model.
    """
    lenses, scores = {}, {}
    for position in ("embedding", "attention"):
        torch.manual_seed(config.seed)
        lens = TunedLens(trained.model, position, translator=config.lens_translator)
        fit_lens(lens, trained.train_encoded, config.train, seed=config.seed, progress=progress)
        lens.eval()
        metrics = evaluate_lens(lens, trained.test_encoded)
        lenses[position] = lens
        scores[position] = {"kl": float(metrics.kl), "agreement": float(metrics.agreement)}
        logger.info("%s lens: KL %.4f, agreement %.4f", position, metrics.kl, metrics.agreement)

    return lenses, scores


def position_probabilities(
    trained: TrainedModel, lenses: dict[str, TunedLens], split: str = "test"
) -> dict[str, np.ndarray]:
    """Float64 probabilities at the embedding, attention (lenses) and output (model) positions.

    Args:
        trained: the trained model with its encoded splits.
        lenses: the tuned lenses by position (``"embedding"``, ``"attention"``).
        split: ``"train"`` or ``"test"``.

    Returns:
        ``{"embedding": (M, N), "attention": (M, N), "output": (M, N)}``, rows summing to 1.
    """
    encoded = trained.train_encoded if split == "train" else trained.test_encoded
    with torch.no_grad():
        probabilities = {name: lens_probabilities(lens, encoded) for name, lens in lenses.items()}
        probabilities["output"] = class_probabilities(trained.model, encoded)
    return {position: probabilities[position] for position in POSITIONS}


class _Stopwatch:
    """Wall-clock seconds per named stage."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.stages: dict[str, float] = {}
        self._last = self.start

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = round(now - self._last, 3)
        self._last = now
        logger.info("stage %s done in %.1f s", stage, self.stages[stage])

    def total(self) -> float:
        return round(time.perf_counter() - self.start, 3)


def run_study(
    config: RunConfig,
    *,
    data_dir: str | Path | None = None,
    embeddings_path: str | Path | None = None,
    out_dir: str | Path | None = None,
    export_circuits_dir: str | Path | None = None,
    progress: bool = True,
) -> StudyResult:
    """Run the whole study with ``config`` and write its outputs into ``out_dir``.

    Args:
        config: the run configuration (task, seed, model, analysis, circuits, fit).
        data_dir: folder of the Sentihood JSON files; ``None`` reads ``QLENS_Q_DATA`` or the hub.
        embeddings_path: a saved model folder for ``config.embeddings`` (needed for gpt2 offline).
        out_dir: the run folder; default ``runs/<timestamp>-sentihood``.
        export_circuits_dir: also export the example circuits' OpenQASM 3 here (``circuits/``).
        progress: show tqdm progress bars.

    Returns:
        The report (as written to report.json) and the run folder.
    """
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(config)
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInputError(f"out_dir must be a folder; got the file {out_dir}")
    # The folder is created by the first write, so a run that fails early (missing data or
    # weights) leaves nothing behind.
    logger.info("run folder %s, seed %d, task %s", out_dir, config.seed, config.task)
    clock = _Stopwatch()
    torch.manual_seed(config.seed)

    task = prepare_task(config, data_dir)
    num_outputs = len(task.class_names)
    clock.lap("data")
    trained = train_model(config, task, embeddings_path=embeddings_path, progress=progress)
    clock.lap("model")
    lenses, lens_report = fit_lenses(config, trained, progress=progress)
    clock.lap("lenses")
    test_probabilities = position_probabilities(trained, lenses, "test")
    train_probabilities = position_probabilities(trained, lenses, "train")
    test_states = states_from_probabilities(test_probabilities)
    train_states = states_from_probabilities(train_probabilities)

    # The study's Table 1 on the test split.
    analysis = table1(
        test_states,
        alpha=config.analysis.alpha,
        seed=config.seed,
        num_permutations=config.analysis.num_permutations,
        num_resamples=config.analysis.num_resamples,
    )
    clock.lap("table1")

    # Every test example's per-example layers as circuits on Aer.
    layers = {name: layer_analysis.layer for name, layer_analysis in analysis.layers.items()}
    example_ids = [f"test{i:03d}" for i in range(len(task.test_labels))]
    per_example_layers = [
        [ReflectionLayer(name, layers[name].vectors[i]) for name in LAYERS]
        for i in range(len(example_ids))
    ]
    circuits = trajectory_circuits(
        test_states["embedding"],
        per_example_layers,
        method="reflection",
        example_ids=example_ids,
        progress=progress,
    )
    check = check_circuits(
        circuits,
        test_probabilities["output"],
        shots=config.circuits.shots,
        seed=config.seed,
        chi2_alpha=config.circuits.chi2_alpha,
    )
    dense_circuits = trajectory_circuits(
        test_states["embedding"],
        per_example_layers,
        method="unitary",
        example_ids=example_ids,
        progress=progress,
    )
    dense_probabilities, _ = statevector_probabilities(dense_circuits, num_outputs)
    circuits_report = check.to_report()
    circuits_report["num_qubits"] = num_qubits_for(num_outputs)
    circuits_report["num_outputs"] = num_outputs
    circuits_report["unitary_route_max_abs_error"] = float(
        np.max(max_abs_error(dense_probabilities, test_probabilities["output"]))
    )
    exported = circuits[: config.circuits.num_exported]
    paths = export_examples(exported, out_dir / "circuits")
    if export_circuits_dir is not None:
        export_examples(exported, export_circuits_dir)
    circuits_report["exported"] = [str(p.relative_to(out_dir)) for p in paths]
    clock.lap("circuits")

    # One operator per layer, fitted across the train split and scored on the test split.
    layer_fits = fit_layers(
        train_states,
        test_states,
        parametrisations=config.fit.parametrisations,
        num_reflections=config.fit.num_reflections,
        ks=config.fit.ks,
        max_epochs=config.fit.max_epochs,
        validation_fraction=config.fit.validation_fraction,
        num_restarts=config.fit.num_restarts,
        seed=config.seed,
    )
    fitted_circuits_report = _run_fitted_circuits(
        layer_fits, test_states, test_probabilities["output"], example_ids, config, progress
    )
    clock.lap("fit")

    report: dict[str, Any] = {
        "task": config.task,
        "seed": config.seed,
        "quick": config.quick,
        "config": config.to_dict(),
        "versions": _versions(),
        "data": dict(task.counts),
        "classes": list(task.class_names),
        "model": {
            "test_accuracy": trained.test_accuracy,
            "macro_f1": trained.macro_f1,
            "final_train_loss": trained.losses[-1] if trained.losses else None,
        },
        "lenses": lens_report,
        "table1": analysis.to_report(),
        "circuits": circuits_report,
        "fit": {name: fit.to_report() for name, fit in layer_fits.items()},
        "fitted_circuits": fitted_circuits_report,
    }

    figure_paths = figures.write_all(
        out_dir / "figures",
        analysis=analysis,
        check=check,
        layer_fits=layer_fits,
        class_names=task.class_names,
        example_ids=example_ids,
    )
    report["figures"] = [str(p.relative_to(out_dir)) for p in figure_paths]
    clock.lap("figures")
    failures = _failed_checks(report)
    report["checks"] = {"passed": not failures, "failures": failures}
    report["timing"] = {"stages": clock.stages, "wall_seconds": clock.total()}

    atomic_write_json(out_dir / "report.json", report)
    atomic_write_text(out_dir / "report.md", render_markdown(report))
    logger.info("wrote %s", out_dir / "report.json")
    if failures:
        raise CheckFailedError(f"{'; '.join(failures)} (see {out_dir / 'report.json'})")
    logger.debug("summary\n%s", summary_table(report))

    return StudyResult(report=report, out_dir=out_dir)


def _failed_checks(report: dict[str, Any]) -> list[str]:
    """The exactness checks of the circuit runs that failed, as one-line descriptions.

    Statevector runs must reproduce their reference to CIRCUIT_PROBABILITY_ATOL and no shot
    may land on a padding basis state: either failing means a compilation or bit-order bug,
    not noise.
    """
    atol = CIRCUIT_PROBABILITY_ATOL
    circuits = report["circuits"]
    measured = {
        "per-example circuits vs model (reflection route)": circuits["statevector_max_abs_error"],
        "per-example circuits vs model (dense route)": circuits["unitary_route_max_abs_error"],
        "padding probability": circuits["padding_probability"],
    }
    for name, block in report["fitted_circuits"].items():
        measured[f"fitted {name} circuits vs operator"] = block[
            "statevector_vs_operator_max_abs_error"
        ]
    failures = [
        f"{name}: max error {value:.3g} > {atol:g}"
        for name, value in measured.items()
        if not value <= atol
    ]
    padding = {"per-example circuits": circuits["padding_counts"]}
    padding.update(
        {
            f"fitted {name} circuits": b["padding_counts"]
            for name, b in report["fitted_circuits"].items()
        }
    )
    failures += [
        f"{name}: {count} shots on padding states" for name, count in padding.items() if count
    ]

    return failures


def _run_fitted_circuits(
    layer_fits, test_states, model_output, example_ids, config: RunConfig, progress: bool
) -> dict[str, Any]:
    """Compile the fitted operators of both layers as circuits and run every test example.

    The Householder-product fit compiles as products of reflection circuits; the others as
    dense UnitaryGates (up to MAX_DENSE_QUBITS qubits). Each is compared with the fitted
    operators' own prediction (exact, to 1e-9) and with the model's output probabilities,
    which differ from it by the fit error.
    """
    num_outputs = model_output.shape[1]
    psi0 = test_states["embedding"]
    report: dict[str, Any] = {}
    for parametrisation in config.fit.parametrisations:
        fitted = {name: layer_fits[name].fits[parametrisation].fitted for name in LAYERS}
        if parametrisation == "householder":
            layers = [ReflectionLayer(name, fitted[name].reflection_vectors()) for name in LAYERS]
            method = "reflection"
        elif num_qubits_for(num_outputs) <= MAX_DENSE_QUBITS:
            layers = [UnitaryLayer(name, fitted[name].unitary()) for name in LAYERS]
            method = "unitary"
        else:
            continue
        predicted = psi0.astype(complex)
        for name in LAYERS:
            predicted = predicted @ fitted[name].unitary().T
        operator_probabilities = born_probabilities(predicted)

        circuits = trajectory_circuits(
            psi0, [layers] * len(psi0), method=method, example_ids=example_ids, progress=progress
        )
        check = check_circuits(
            circuits, operator_probabilities, shots=config.circuits.shots, seed=config.seed
        )
        frequencies = check.counts / check.shots
        report[parametrisation] = {
            "method": method,
            "statevector_vs_operator_max_abs_error": check.statevector_max_abs_error,
            "operator_vs_model_mean_tvd": float(
                np.mean(total_variation_distance(operator_probabilities, model_output))
            ),
            "shots_vs_operator_mean_tvd": float(np.mean(check.tvd)),
            "shots_vs_model_mean_tvd": float(
                np.mean(total_variation_distance(frequencies, model_output))
            ),
            "padding_counts": check.padding_counts,
            "chi2_reject_rate_vs_operator": check.chi2_reject_rate,
        }

    return report
