"""Run each test example's trajectory as a circuit on Aer and compare it with the model.

The circuit amplitude-encodes the embedding-lens state and applies the layers; its Born
probabilities must match the Transformer's own softmax output (statevector run) and its shot
counts must be consistent with them (sampling run).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from tqdm.auto import tqdm

from qlens_q.circuits import ReflectionLayer, UnitaryLayer, compile_trajectory, export_qasm3
from qlens_q.execution import run_shots, statevector_probabilities
from qlens_q.states import num_qubits_for
from qlens_q.statistics import (
    binomial_confidence_interval,
    chi_square_tests,
    hellinger_fidelity,
    max_abs_error,
    total_variation_distance,
)

logger = logging.getLogger(__name__)

Layer = ReflectionLayer | UnitaryLayer


@dataclass(frozen=True)
class CircuitCheck:
    """Statevector and shot comparison of a batch of circuits against reference probabilities.

    Attributes:
        circuit_probabilities: exact Born probabilities of the circuits, (examples, N).
        reference_probabilities: what they are compared with, (examples, N).
        counts: shot counts per output unit, (examples, N).
        padding_probability: largest Born probability on padding basis states (ideal: 0).
        padding_counts: total shots that landed on padding basis states (ideal: 0).
        tvd: per-example total variation distance of the shot frequencies from the reference.
        hellinger: per-example Hellinger fidelity of the shot frequencies with the reference.
        chi2_p: per-example chi-square goodness-of-fit p-values.
    """

    circuit_probabilities: np.ndarray
    reference_probabilities: np.ndarray
    counts: np.ndarray
    padding_probability: float
    padding_counts: int
    shots: int
    seed: int
    tvd: np.ndarray
    hellinger: np.ndarray
    chi2_p: np.ndarray
    chi2_alpha: float

    @property
    def statevector_max_abs_error(self) -> float:
        """Max over examples and units of |p_circuit - p_reference|."""
        return float(
            np.max(max_abs_error(self.circuit_probabilities, self.reference_probabilities))
        )

    @property
    def chi2_reject_rate(self) -> float:
        """Share of examples whose chi-square test rejects at ``chi2_alpha``."""
        return float(np.mean(self.chi2_p < self.chi2_alpha))

    def to_report(self) -> dict[str, Any]:
        """JSON-ready summary."""
        rejections = int(np.sum(self.chi2_p < self.chi2_alpha))
        low, high = binomial_confidence_interval(rejections, len(self.chi2_p), confidence=0.95)
        return {
            "examples": int(len(self.chi2_p)),
            "statevector_max_abs_error": self.statevector_max_abs_error,
            "padding_probability": self.padding_probability,
            "padding_counts": self.padding_counts,
            "shots": self.shots,
            "seed": self.seed,
            "mean_tvd": float(np.mean(self.tvd)),
            "max_tvd": float(np.max(self.tvd)),
            "mean_hellinger_fidelity": float(np.mean(self.hellinger)),
            "chi2_alpha": self.chi2_alpha,
            "chi2_rejections": rejections,
            "chi2_reject_rate": self.chi2_reject_rate,
            "chi2_reject_rate_ci95": [float(low), float(high)],
        }


def trajectory_circuits(
    initial_states: np.ndarray,
    layers: Sequence[Sequence[Layer]],
    *,
    method: str = "reflection",
    example_ids: Sequence[Any] | None = None,
    measure: bool = True,
    progress: bool = False,
) -> list[QuantumCircuit]:
    """One circuit per example: encode ``initial_states[i]``, then apply ``layers[i]``."""
    if example_ids is None:
        example_ids = range(len(initial_states))
    circuits = []
    for psi, example_layers, example_id in tqdm(
        zip(initial_states, layers, example_ids, strict=True),
        total=len(initial_states),
        desc=f"compile ({method})",
        disable=not progress,
    ):
        circuits.append(
            compile_trajectory(
                psi,
                example_layers,
                method=method,
                measure=measure,
                metadata={"example_id": example_id},
            )
        )

    return circuits


def check_circuits(
    circuits: Sequence[QuantumCircuit],
    reference_probabilities: np.ndarray,
    *,
    shots: int,
    seed: int,
    chi2_alpha: float = 0.01,
) -> CircuitCheck:
    """Run ``circuits`` on Aer (statevector, then shots) and compare with the reference.

    All circuits go to Aer in one call per method.
    """
    num_outputs = reference_probabilities.shape[1]
    probabilities, padding = statevector_probabilities(circuits, num_outputs)
    shot_result = run_shots(circuits, shots=shots, seed=seed)
    frequencies = shot_result.counts / shots
    chi2_p = chi_square_tests(shot_result.counts, reference_probabilities, seed=seed).p_value
    logger.info(
        "%d circuits on %d qubit(s): max |p_circuit - p_ref| = %.3g",
        len(circuits),
        num_qubits_for(num_outputs),
        np.max(max_abs_error(probabilities, reference_probabilities)),
    )

    return CircuitCheck(
        circuit_probabilities=probabilities,
        reference_probabilities=reference_probabilities,
        counts=shot_result.counts,
        padding_probability=float(np.max(padding)),
        padding_counts=int(np.sum(shot_result.padding_counts)),
        shots=shots,
        seed=seed,
        tvd=np.asarray(total_variation_distance(frequencies, reference_probabilities)),
        hellinger=np.asarray(hellinger_fidelity(frequencies, reference_probabilities)),
        chi2_p=np.asarray(chi2_p, dtype=float),
        chi2_alpha=chi2_alpha,
    )


def export_examples(
    circuits: Sequence[QuantumCircuit], folder: str | Path, *, prefix: str = ""
) -> list[Path]:
    """Write each circuit as OpenQASM 3 into ``folder``; returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for circuit in circuits:
        path = folder / f"{prefix}{circuit.name}.qasm"
        export_qasm3(circuit, path)
        paths.append(path)

    return paths
