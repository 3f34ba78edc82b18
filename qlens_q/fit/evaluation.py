"""Score an operator on held-out pairs of layer states, and the baselines to compare it with.

Every score compares, example by example, the operator's output ``y = U x`` with the target
state ``t`` and the model's probabilities ``p`` at that layer (default ``|t|^2``):

- fidelity ``|<t|y>|^2``;
- ``KL(p || |y|^2)``, with ``|y|^2`` clamped below at
  :data:`~qlens_q.fit._validation.PROBABILITY_FLOOR`;
- total variation distance between ``p`` and ``|y|^2``;
- agreement: whether ``argmax p`` equals ``argmax |y|^2``.

:class:`OperatorScores` holds their means over examples.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import xlogy

from qlens_q.exceptions import InvalidInputError
from qlens_q.fit._validation import (
    PROBABILITY_FLOOR,
    as_probabilities,
    as_statevectors,
    check_same_shape,
)
from qlens_q.fit.fitting import fit_unitary
from qlens_q.fit.result import FittedUnitary
from qlens_q.operators.householder import delta_psi, householder_vectors
from qlens_q.operators.spectral import check_unitary
from qlens_q.statistics.comparison import total_variation_distance
from qlens_q.tolerances import IDENTITY_NORM_ATOL, UNITARY_ATOL

logger = logging.getLogger(__name__)

#: What :func:`score_operator` accepts as an operator.
Operator = np.ndarray | FittedUnitary | Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class OperatorScores:
    """Means over examples of how well an operator reproduces a layer.

    Attributes:
        fidelity: Mean ``|<t|U x>|^2``, in ``[0, 1]``.
        kl: Mean ``KL(p || |U x|^2)`` in nats, ``p`` the model's probabilities at the layer.
        tvd: Mean total variation distance between ``p`` and ``|U x|^2``, in ``[0, 1]``.
        agreement: Fraction of examples with ``argmax p == argmax |U x|^2``.
    """

    fidelity: float
    kl: float
    tvd: float
    agreement: float


def score_operator(
    operator: Operator,
    inputs: np.ndarray,
    targets: np.ndarray,
    target_probabilities: np.ndarray | None = None,
) -> OperatorScores:
    """Score one operator on pairs ``(x_m, t_m)``.

    Args:
        operator: A unitary of shape ``(N, N)``, a :class:`FittedUnitary`, or a callable
            mapping statevectors ``(M, N)`` to output statevectors ``(M, N)``.
        inputs: Statevectors ``|Psi_{l-1}>``, shape ``(M, N)``, unit norm.
        targets: Statevectors ``|Psi_l>``, same shape.
        target_probabilities: The model's probabilities at the layer, shape ``(M, N)``;
            default ``|targets|^2``.

    Returns:
        The mean scores.

    Raises:
        InvalidInputError: If the states are malformed, the matrix has the wrong shape or is
            not unitary (within :data:`~qlens_q.tolerances.UNITARY_ATOL`), or the callable's
            outputs are not unit-norm statevectors of the inputs' shape.
    """
    inputs_np, targets_np, probabilities = _check_pairs(inputs, targets, target_probabilities)
    num_outputs = inputs_np.shape[1]
    if isinstance(operator, FittedUnitary):
        operator = operator.unitary()
    if isinstance(operator, np.ndarray):
        if operator.shape != (num_outputs, num_outputs):
            raise InvalidInputError(
                f"operator must be an (N, N) = ({num_outputs}, {num_outputs}) matrix for "
                f"N={num_outputs} amplitudes; got shape {operator.shape}."
            )
        check_unitary(operator, name="operator", atol=UNITARY_ATOL)
        outputs = inputs_np @ operator.T
    elif callable(operator):
        outputs = as_statevectors(operator(inputs_np), name="operator(inputs)")
        check_same_shape(outputs, inputs_np, names=("operator(inputs)", "inputs"))
    else:
        raise InvalidInputError(
            "operator must be an (N, N) unitary, a FittedUnitary or a callable on statevectors; "
            f"got {type(operator).__name__}."
        )

    return _score_outputs(outputs, targets_np, probabilities)


def identity_scores(
    inputs: np.ndarray, targets: np.ndarray, target_probabilities: np.ndarray | None = None
) -> OperatorScores:
    """Scores of the identity, the "layer does nothing" baseline.

    Arguments as for :func:`score_operator`.
    """
    inputs_np, targets_np, probabilities = _check_pairs(inputs, targets, target_probabilities)

    return _score_outputs(inputs_np, targets_np, probabilities)


def per_example_reflections(inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The QLENS per-example Householder vectors, one reflection per pair.

    Each target is first multiplied by the global phase that makes ``<x|t>`` real and
    non-negative (this changes neither fidelity nor probabilities, and nothing for real
    amplitude-encoded states); then
    :func:`~qlens_q.operators.householder.householder_vectors` gives
    ``v = (t - x) / ||t - x||``, so ``R(v) = I - 2 v v^dagger`` maps ``x`` exactly onto that
    target. Rows with ``||t - x|| < IDENTITY_NORM_ATOL`` get ``v = 0`` (the identity).

    Args:
        inputs: Statevectors, shape ``(M, N)``, unit norm.
        targets: Statevectors, same shape.

    Returns:
        complex128 array of shape ``(M, N)``, unit rows or zero rows.

    Raises:
        InvalidInputError: If the states are malformed.
    """
    inputs_np, targets_np, _ = _check_pairs(inputs, targets, None)
    overlaps = np.sum(inputs_np.conj() * targets_np, axis=1)
    aligned_targets = targets_np * np.exp(-1j * np.angle(overlaps))[:, None]

    return householder_vectors(inputs_np, aligned_targets, atol=IDENTITY_NORM_ATOL)


def per_example_scores(
    inputs: np.ndarray, targets: np.ndarray, target_probabilities: np.ndarray | None = None
) -> OperatorScores:
    """Scores of the per-example Householder reflections (QLENS's own construction).

    Each example gets its own reflection from :func:`per_example_reflections`, applied to its
    input as ``x + delta_psi(v, x)``; by construction this reaches fidelity 1 and KL 0 (up to
    rounding), the ceiling any single shared operator is compared against. Arguments as for
    :func:`score_operator`.
    """
    inputs_np, targets_np, probabilities = _check_pairs(inputs, targets, target_probabilities)
    vectors = per_example_reflections(inputs_np, targets_np)
    outputs = inputs_np + delta_psi(vectors, inputs_np)

    return _score_outputs(outputs, targets_np, probabilities)


def single_reflection_scores(
    train_inputs: np.ndarray,
    train_targets: np.ndarray,
    test_inputs: np.ndarray,
    test_targets: np.ndarray,
    test_target_probabilities: np.ndarray | None = None,
    *,
    complex: bool = True,
    seed: int = 0,
    **fit_kwargs: Any,
) -> OperatorScores:
    """Scores on the test pairs of the best single reflection fitted on the train pairs.

    The fit is ``fit_unitary(..., parametrisation="householder", num_reflections=1)``;
    ``fit_kwargs`` are passed on to :func:`~qlens_q.fit.fitting.fit_unitary`.
    """
    fitted = fit_unitary(
        train_inputs,
        train_targets,
        parametrisation="householder",
        num_reflections=1,
        complex=complex,
        seed=seed,
        **fit_kwargs,
    )

    return score_operator(fitted, test_inputs, test_targets, test_target_probabilities)


def fidelity_vs_k(
    train_inputs: np.ndarray,
    train_targets: np.ndarray,
    test_inputs: np.ndarray,
    test_targets: np.ndarray,
    ks: Sequence[int],
    *,
    complex: bool = True,
    seed: int = 0,
    **fit_kwargs: Any,
) -> list[dict[str, float]]:
    """Mean train and test fidelity of Householder products with ``K`` reflections, per ``K``.

    Args:
        train_inputs: Statevectors to fit on, shape ``(M, N)``.
        train_targets: Their targets, same shape.
        test_inputs: Held-out statevectors, shape ``(M', N)``.
        test_targets: Their targets, same shape.
        ks: The numbers of reflections to try, each from 1 to ``2N``.
        complex: Complex (``True``) or real reflection vectors.
        seed: Seed of every fit.
        **fit_kwargs: Passed on to :func:`~qlens_q.fit.fitting.fit_unitary`.

    Returns:
        One dict per ``K``, in the order given: ``k``, ``train_fidelity`` (on all train
        pairs, validation slice included), ``test_fidelity`` and ``seconds`` (fit time).
    """
    rows = []
    for k in ks:
        fitted = fit_unitary(
            train_inputs,
            train_targets,
            parametrisation="householder",
            num_reflections=k,
            complex=complex,
            seed=seed,
            **fit_kwargs,
        )
        train = score_operator(fitted, train_inputs, train_targets)
        test = score_operator(fitted, test_inputs, test_targets)
        logger.info(
            "K=%d: train fidelity %.4f, test fidelity %.4f", k, train.fidelity, test.fidelity
        )
        rows.append(
            {
                "k": k,
                "train_fidelity": train.fidelity,
                "test_fidelity": test.fidelity,
                "seconds": fitted.seconds,
            }
        )

    return rows


def _check_pairs(
    inputs: np.ndarray, targets: np.ndarray, target_probabilities: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a set of pairs; return complex inputs, targets and float probabilities."""
    inputs_np = as_statevectors(inputs, name="inputs")
    targets_np = as_statevectors(targets, name="targets")
    check_same_shape(inputs_np, targets_np, names=("inputs", "targets"))
    if inputs_np.shape[0] == 0:
        raise InvalidInputError("inputs must hold at least one statevector; got shape (0, N).")
    probabilities = as_probabilities(target_probabilities, targets_np, name="target_probabilities")

    return inputs_np, targets_np, probabilities


def _score_outputs(
    outputs: np.ndarray, targets: np.ndarray, probabilities: np.ndarray
) -> OperatorScores:
    """Mean fidelity, KL, TVD and argmax agreement of outputs against targets."""
    fidelities = np.abs(np.sum(targets.conj() * outputs, axis=1)) ** 2
    output_probabilities = np.abs(outputs) ** 2
    clamped = np.maximum(output_probabilities, PROBABILITY_FLOOR)
    kl = np.sum(xlogy(probabilities, probabilities) - probabilities * np.log(clamped), axis=1)
    # KL and 1 - fidelity are non-negative; where the distributions agree, rounding can
    # leave them at -1e-17, which a report should not show.
    kl = np.maximum(kl, 0.0)
    fidelities = np.minimum(fidelities, 1.0)
    tvd = np.asarray(total_variation_distance(probabilities, output_probabilities))
    agreement = np.argmax(probabilities, axis=1) == np.argmax(output_probabilities, axis=1)

    return OperatorScores(
        fidelity=float(np.mean(fidelities)),
        kl=float(np.mean(kl)),
        tvd=float(np.mean(tvd)),
        agreement=float(np.mean(agreement)),
    )
