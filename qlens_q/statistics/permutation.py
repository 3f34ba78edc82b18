"""Two-sample permutation tests: model layers against a random baseline.

Both tests pool the two samples, permute the group labels ``num_permutations`` times (seeded)
and recompute the statistic for every relabelling at once (indicator matrices, no Python loop
over permutations). The one-sided p-value uses add-one smoothing,
``(#{permuted statistic at least as extreme as observed} + 1) / (num_permutations + 1)``, so it
is never 0 and equals ``1 / (num_permutations + 1)`` when no relabelling is as extreme.

- :func:`similarity_permutation_test`: mean pairwise cosine similarity within group A minus
  within group B (one Gram matrix of the pooled set).
- :func:`delta_psi_permutation_test`: ``||mean Delta Psi_A|| - ||mean Delta Psi_B||``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.states.validation import check_int, check_seed
from qlens_q.statistics.similarity import _flatten, _scaled_rows, cosine_matrix
from qlens_q.tolerances import RESAMPLING_TIE_RTOL, ZERO_MATRIX_NORM_ATOL

logger = logging.getLogger(__name__)

Alternative = Literal["greater", "less"]
_ALTERNATIVES = ("greater", "less")
#: Permutations evaluated per vectorised block (bounds memory at block x M floats).
_BLOCK_SIZE = 1024


@dataclass(frozen=True)
class PermutationTestResult:
    """Outcome of a two-sample permutation test.

    Attributes:
        statistic: ``observed - baseline``.
        observed: Group statistic of the first sample (e.g. its mean pairwise similarity).
        baseline: Group statistic of the baseline sample.
        p_value: One-sided p-value with add-one smoothing.
        num_permutations: Number of random relabellings.
        alternative: ``"greater"`` (observed exceeds baseline) or ``"less"``.
    """

    statistic: float
    observed: float
    baseline: float
    p_value: float
    num_permutations: int
    alternative: str


def _check_options(num_permutations: int, seed: int, alternative: str) -> None:
    check_int(num_permutations, name="num_permutations", minimum=1)
    check_seed(seed)
    if alternative not in _ALTERNATIVES:
        raise InvalidInputError(f"alternative must be one of {_ALTERNATIVES}; got {alternative!r}")


def _run(
    group_statistics: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    num_pooled: int,
    num_first: int,
    num_permutations: int,
    seed: int,
    alternative: str,
) -> PermutationTestResult:
    """Shared machinery: ``group_statistics(indicators (P, M)) -> (stat_A (P,), stat_B (P,))``."""
    observed_indicator = np.zeros((1, num_pooled))
    observed_indicator[0, :num_first] = 1.0
    observed_a, observed_b = group_statistics(observed_indicator)
    observed = float(observed_a[0] - observed_b[0])
    if not np.isfinite(observed):
        raise InvalidInputError(
            f"the observed statistic must be finite; got {observed} (group A {observed_a[0]}, "
            f"group B {observed_b[0]}); check the inputs for overflow (entries near 1e308)"
        )
    tolerance = RESAMPLING_TIE_RTOL * max(1.0, abs(observed))

    rng = np.random.default_rng(seed)
    logger.debug("permutation test: seed %s, %d permutations", seed, num_permutations)
    count = 0
    for start in range(0, num_permutations, _BLOCK_SIZE):
        size = min(_BLOCK_SIZE, num_permutations - start)
        order = rng.permuted(np.tile(np.arange(num_pooled), (size, 1)), axis=1)
        indicators = np.zeros((size, num_pooled))
        np.put_along_axis(indicators, order[:, :num_first], 1.0, axis=1)
        stat_a, stat_b = group_statistics(indicators)
        permuted = stat_a - stat_b
        if alternative == "greater":
            count += int(np.sum(permuted >= observed - tolerance))
        else:
            count += int(np.sum(permuted <= observed + tolerance))

    return PermutationTestResult(
        statistic=observed,
        observed=float(observed_a[0]),
        baseline=float(observed_b[0]),
        p_value=(count + 1) / (num_permutations + 1),
        num_permutations=int(num_permutations),
        alternative=alternative,
    )


def similarity_permutation_test(
    matrices: np.ndarray,
    baseline_matrices: np.ndarray,
    *,
    num_permutations: int = 1000,
    seed: int = 0,
    alternative: Alternative = "greater",
    skip_zero: bool = False,
) -> PermutationTestResult:
    """Is the mean pairwise cosine similarity of ``matrices`` above that of the baseline?

    Args:
        matrices: Group A, shape ``(M_A, N, N)`` (e.g. one layer's Hamiltonians), ``M_A >= 2``.
        baseline_matrices: Group B, shape ``(M_B, N, N)``, ``M_B >= 2``.
        num_permutations: Number of random relabellings of the pooled set.
        seed: Seed of the numpy generator that draws the relabellings.
        alternative: ``"greater"`` tests A > B, ``"less"`` tests A < B.
        skip_zero: Drop zero matrices (identity layers) instead of raising.

    Returns:
        :class:`PermutationTestResult` with ``observed``/``baseline`` the two groups' mean
        pairwise similarities.

    Raises:
        InvalidInputError: On mismatched matrix shapes, NaN or infinite entries, zero matrices
            (unless skipped), fewer than 2 matrices in a group, a non-finite observed
            statistic, or bad options (``seed`` must be an int in ``[0, 2**63)``).
    """
    _check_options(num_permutations, seed, alternative)
    first, second = np.asarray(matrices), np.asarray(baseline_matrices)
    if first.ndim < 2 or first.shape[1:] != second.shape[1:]:
        raise InvalidInputError(
            "matrices and baseline_matrices must be stacks of equal-shape matrices; got "
            f"matrices {first.shape} and baseline_matrices {second.shape}"
        )
    # Finiteness is checked before zero matrices are dropped (NaN rows are not "zero").
    flat_first, flat_second = _flatten(first, "matrices"), _flatten(second, "baseline_matrices")
    if skip_zero:
        first = first[_scaled_rows(flat_first)[1] >= ZERO_MATRIX_NORM_ATOL]
        second = second[_scaled_rows(flat_second)[1] >= ZERO_MATRIX_NORM_ATOL]
    num_first, num_second = len(first), len(second)
    if num_first < 2 or num_second < 2:
        raise InvalidInputError(
            "each group needs at least 2 matrices; got "
            f"matrices {num_first} and baseline_matrices {num_second}"
        )

    # One cosine matrix of the pooled set, diagonal removed: sum_ij x_i C_ij x_j over i != j.
    cosine = cosine_matrix(np.concatenate([first, second]), skip_zero=False)
    np.fill_diagonal(cosine, 0.0)
    row_sums = cosine.sum(axis=1)
    total = row_sums.sum()

    def group_statistics(indicators: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        within_a = np.einsum("pi,ij,pj->p", indicators, cosine, indicators, optimize=True)
        within_b = total - 2.0 * indicators @ row_sums + within_a
        pairs_a, pairs_b = num_first * (num_first - 1), num_second * (num_second - 1)
        return within_a / pairs_a, within_b / pairs_b

    return _run(
        group_statistics, num_first + num_second, num_first, num_permutations, seed, alternative
    )


def mean_delta_psi(delta_psi: np.ndarray) -> tuple[np.ndarray, float]:
    """Mean state change over examples and its 2-norm.

    Args:
        delta_psi: Shape ``(M, N)``.

    Returns:
        ``(mean vector (N,), ||mean||_2)``.

    Raises:
        InvalidInputError: If the array is not a finite, non-empty ``(M, N)`` stack.
    """
    array = np.asarray(delta_psi)
    if array.ndim != 2 or array.shape[0] == 0 or not np.all(np.isfinite(array)):
        raise InvalidInputError(
            f"delta_psi must be a finite non-empty array of shape (M, N); got shape {array.shape}"
        )
    mean = array.mean(axis=0)

    return mean, float(np.linalg.norm(mean))


def delta_psi_permutation_test(
    delta_psi: np.ndarray,
    baseline_delta_psi: np.ndarray,
    *,
    num_permutations: int = 1000,
    seed: int = 0,
    alternative: Alternative = "greater",
) -> PermutationTestResult:
    """Is the mean state change of the model more coherent (longer) than the baseline's?

    Args:
        delta_psi: Group A state changes, shape ``(M_A, N)``.
        baseline_delta_psi: Group B state changes, shape ``(M_B, N)``.
        num_permutations: Number of random relabellings of the pooled set.
        seed: Seed of the numpy generator that draws the relabellings.
        alternative: ``"greater"`` tests A > B, ``"less"`` tests A < B.

    Returns:
        :class:`PermutationTestResult` with ``observed``/``baseline`` the two norms
        ``||mean Delta Psi||``.

    Raises:
        InvalidInputError: On mismatched ``N``, empty groups, a non-finite observed statistic
            or bad options (``seed`` must be an int in ``[0, 2**63)``).
    """
    _check_options(num_permutations, seed, alternative)
    first, _ = mean_delta_psi(delta_psi)
    second, _ = mean_delta_psi(baseline_delta_psi)
    if first.shape != second.shape:
        raise InvalidInputError(
            "delta_psi and baseline_delta_psi must have the same N; got delta_psi "
            f"{np.shape(delta_psi)} and baseline_delta_psi {np.shape(baseline_delta_psi)}"
        )
    pooled = np.concatenate([np.asarray(delta_psi), np.asarray(baseline_delta_psi)])
    num_first = len(delta_psi)
    num_second = len(pooled) - num_first
    column_sums = pooled.sum(axis=0)

    def group_statistics(indicators: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sums_a = indicators @ pooled
        norms_a = np.linalg.norm(sums_a / num_first, axis=1)
        norms_b = np.linalg.norm((column_sums - sums_a) / num_second, axis=1)
        return norms_a, norms_b

    return _run(group_statistics, len(pooled), num_first, num_permutations, seed, alternative)
