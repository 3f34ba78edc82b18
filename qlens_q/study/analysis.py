"""The study's per-example analysis (its Table 1) on the states of one split.

Given the lens and model probabilities at the three residual positions (after the embedding,
after attention, at the output), this builds the attention and MLP Householder layers, their
Hamiltonians and state changes, and tests each against a random Householder baseline of the
same size and dimension.
"""

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators import (
    HouseholderLayer,
    delta_psi,
    householder_hamiltonians,
    householder_unitaries,
)
from qlens_q.states import amplitudes
from qlens_q.statistics import (
    delta_psi_permutation_test,
    distance_correlation_test,
    mean_delta_psi,
    pairwise_cosine_similarities,
    random_householder_vectors,
    similarity_permutation_test,
)

logger = logging.getLogger(__name__)

#: Residual positions read by the lenses and the model, in the order the state passes them.
POSITIONS: tuple[str, ...] = ("embedding", "attention", "output")
#: Layers between consecutive positions: attention maps embedding -> attention, and so on.
LAYERS: dict[str, tuple[str, str]] = {
    "attention": ("embedding", "attention"),
    "mlp": ("attention", "output"),
}


@dataclass(frozen=True)
class LayerAnalysis:
    """Table 1's numbers for one layer plus the arrays the figures need."""

    layer: HouseholderLayer
    baseline_vectors: np.ndarray
    unitary_similarity: float
    unitary_baseline_similarity: float
    unitary_p: float
    hamiltonian_similarity: float
    hamiltonian_baseline_similarity: float
    hamiltonian_p: float
    delta_psi: np.ndarray
    baseline_delta_psi: np.ndarray
    mean_delta_psi: np.ndarray
    mean_delta_psi_norm: float
    baseline_mean_delta_psi_norm: float
    delta_psi_p: float
    unitary_similarities: np.ndarray
    baseline_unitary_similarities: np.ndarray
    hamiltonian_similarities: np.ndarray
    baseline_hamiltonian_similarities: np.ndarray

    def to_report(self) -> dict[str, Any]:
        """The JSON-ready numbers for ``report.json``'s ``table1.<layer>``."""
        return {
            "unitary_similarity": self.unitary_similarity,
            "unitary_baseline_similarity": self.unitary_baseline_similarity,
            "unitary_p": self.unitary_p,
            "hamiltonian_similarity": self.hamiltonian_similarity,
            "hamiltonian_baseline_similarity": self.hamiltonian_baseline_similarity,
            "hamiltonian_p": self.hamiltonian_p,
            "mean_delta_psi": self.mean_delta_psi.tolist(),
            "mean_delta_psi_norm": self.mean_delta_psi_norm,
            "baseline_mean_delta_psi_norm": self.baseline_mean_delta_psi_norm,
            "delta_psi_p": self.delta_psi_p,
            "identity_examples": int(self.layer.identity_mask.sum()),
        }


@dataclass(frozen=True)
class Table1:
    """The study's Table 1: both layers plus the distance correlation between them."""

    layers: dict[str, LayerAnalysis]
    distance_correlation: float
    distance_correlation_p: float
    num_permutations: int

    def to_report(self) -> dict[str, Any]:
        """The JSON-ready ``table1`` block of ``report.json``."""
        report: dict[str, Any] = {name: a.to_report() for name, a in self.layers.items()}
        report["distance_correlation"] = self.distance_correlation
        report["distance_correlation_p"] = self.distance_correlation_p
        report["num_permutations"] = self.num_permutations
        return report


def states_from_probabilities(probabilities: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Amplitude-encode each position's probabilities: ``psi = sqrt(p)`` row by row."""
    return {position: amplitudes(probabilities[position]) for position in POSITIONS}


def householder_layers(
    states: dict[str, np.ndarray], *, alpha: float = 1.0
) -> dict[str, HouseholderLayer]:
    """The per-example attention and MLP Householder layers between consecutive states."""
    return {
        name: HouseholderLayer.from_states(name, states[before], states[after], alpha=alpha)
        for name, (before, after) in LAYERS.items()
    }


def analyse_layer(
    layer: HouseholderLayer,
    psi_in: np.ndarray,
    *,
    seed: int,
    num_permutations: int,
) -> LayerAnalysis:
    """Similarity and Delta Psi tests of one layer against its random Householder baseline.

    The baseline draws as many random Householder vectors as the layer has examples (same
    dimension; for N = 2 from the same quadrants as the layer's vectors), and its state
    changes are those its reflections cause on the same input states.
    """
    rng = np.random.default_rng(seed)
    baseline_vectors = random_householder_vectors(layer.vectors, seed=int(rng.integers(2**31)))

    # Identity layers (input state equal to the output) have a zero Hamiltonian with no
    # direction; they are left out of the similarity statistics and counted in the report.
    active = ~layer.identity_mask
    if active.sum() < 2:
        raise InvalidInputError(
            f"layer {layer.name!r} must change at least 2 states for a pairwise similarity; "
            f"got {int(active.sum())} (the lens states before and after it are identical)"
        )
    vectors = layer.vectors[active]
    unitaries = householder_unitaries(vectors)
    baseline_unitaries = householder_unitaries(baseline_vectors[active])
    hamiltonians = householder_hamiltonians(vectors, alpha=layer.alpha)
    baseline_hamiltonians = householder_hamiltonians(baseline_vectors[active], alpha=layer.alpha)

    unitary_test = similarity_permutation_test(
        unitaries,
        baseline_unitaries,
        num_permutations=num_permutations,
        seed=int(rng.integers(2**31)),
    )
    hamiltonian_test = similarity_permutation_test(
        hamiltonians,
        baseline_hamiltonians,
        num_permutations=num_permutations,
        seed=int(rng.integers(2**31)),
    )

    delta = layer.delta_psi(psi_in)
    baseline_delta = delta_psi(baseline_vectors, psi_in, alpha=layer.alpha)
    delta_test = delta_psi_permutation_test(
        delta, baseline_delta, num_permutations=num_permutations, seed=int(rng.integers(2**31))
    )
    mean_vector, mean_norm = mean_delta_psi(delta)
    logger.info(
        "%s: unitary similarity %.4f (baseline %.4f, p=%.4g), hamiltonian %.4f (p=%.4g), "
        "|mean dPsi| %.4f (p=%.4g)",
        layer.name,
        unitary_test.observed,
        unitary_test.baseline,
        unitary_test.p_value,
        hamiltonian_test.observed,
        hamiltonian_test.p_value,
        mean_norm,
        delta_test.p_value,
    )

    return LayerAnalysis(
        layer=layer,
        baseline_vectors=baseline_vectors,
        unitary_similarity=float(unitary_test.observed),
        unitary_baseline_similarity=float(unitary_test.baseline),
        unitary_p=float(unitary_test.p_value),
        hamiltonian_similarity=float(hamiltonian_test.observed),
        hamiltonian_baseline_similarity=float(hamiltonian_test.baseline),
        hamiltonian_p=float(hamiltonian_test.p_value),
        delta_psi=delta,
        baseline_delta_psi=baseline_delta,
        mean_delta_psi=np.asarray(mean_vector, dtype=float),
        mean_delta_psi_norm=float(mean_norm),
        baseline_mean_delta_psi_norm=float(delta_test.baseline),
        delta_psi_p=float(delta_test.p_value),
        unitary_similarities=pairwise_cosine_similarities(unitaries),
        baseline_unitary_similarities=pairwise_cosine_similarities(baseline_unitaries),
        hamiltonian_similarities=pairwise_cosine_similarities(hamiltonians),
        baseline_hamiltonian_similarities=pairwise_cosine_similarities(baseline_hamiltonians),
    )


def table1(
    states: dict[str, np.ndarray],
    *,
    alpha: float = 1.0,
    seed: int = 0,
    num_permutations: int = 9999,
    num_resamples: int = 1000,
) -> Table1:
    """Compute the study's Table 1 from the states at the three positions of one split."""
    layers = householder_layers(states, alpha=alpha)
    seeds = np.random.SeedSequence(seed).generate_state(len(layers) + 1)
    analyses = {
        name: analyse_layer(
            layer,
            states[LAYERS[name][0]],
            seed=int(layer_seed),
            num_permutations=num_permutations,
        )
        for (name, layer), layer_seed in zip(layers.items(), seeds[:-1], strict=True)
    }
    dependence = distance_correlation_test(
        layers["attention"].vectors,
        layers["mlp"].vectors,
        num_resamples=num_resamples,
        seed=int(seeds[-1]),
    )

    return Table1(
        layers=analyses,
        distance_correlation=float(dependence.statistic),
        distance_correlation_p=float(dependence.p_value),
        num_permutations=num_permutations,
    )
