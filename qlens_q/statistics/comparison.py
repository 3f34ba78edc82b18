"""Compare distributions: exact (statevector) probabilities against model ones or shot counts.

Distances work row-wise on ``(N,)`` or ``(batch, N)`` probability vectors. Shot-based checks
(chi-square goodness of fit, binomial intervals, the shot count for a target total variation
distance) come with exact or bound-based guarantees rather than guessed tolerances.
"""

import logging
import math
from dataclasses import dataclass

import numpy as np
import scipy.stats

from qlens_q.exceptions import InvalidInputError
from qlens_q.states.encoding import validate_probabilities
from qlens_q.states.validation import check_int, check_real, check_seed
from qlens_q.tolerances import RESAMPLING_TIE_RTOL

logger = logging.getLogger(__name__)

#: Expected counts below this make the chi-square asymptotics unreliable (Cochran's rule).
MIN_EXPECTED_COUNT = 5.0


def _pair(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate two probability arrays of equal shape."""
    first = validate_probabilities(p, name="p")
    second = validate_probabilities(q, name="q")
    if first.shape != second.shape:
        raise InvalidInputError(
            f"p and q must have the same shape; got p {first.shape} and q {second.shape}"
        )
    return first, second


def _scalar_or_array(values: np.ndarray) -> float | np.ndarray:
    return float(values) if values.ndim == 0 else values


def max_abs_error(p: np.ndarray, q: np.ndarray) -> float | np.ndarray:
    """Row-wise ``max_i |p_i - q_i|``: a float for ``(N,)`` inputs, ``(batch,)`` otherwise."""
    first, second = _pair(p, q)
    return _scalar_or_array(np.abs(first - second).max(axis=-1))


def total_variation_distance(p: np.ndarray, q: np.ndarray) -> float | np.ndarray:
    """Row-wise ``TVD = 0.5 sum_i |p_i - q_i|`` in ``[0, 1]``."""
    first, second = _pair(p, q)
    return _scalar_or_array(0.5 * np.abs(first - second).sum(axis=-1))


def hellinger_fidelity(p: np.ndarray, q: np.ndarray) -> float | np.ndarray:
    """Row-wise ``(sum_i sqrt(p_i q_i))**2`` in ``[0, 1]`` (1 for identical distributions)."""
    first, second = _pair(p, q)
    fidelity = np.sqrt(first * second).sum(axis=-1) ** 2
    return _scalar_or_array(np.clip(fidelity, 0.0, 1.0))


@dataclass(frozen=True)
class ChiSquareResult:
    """Chi-square goodness of fit of observed counts to expected probabilities.

    Attributes:
        statistic: Pearson statistic ``sum (O - E)**2 / E`` (inf if a count falls where the
            expected probability is 0).
        p_value: P-value of the fit.
        dof: Degrees of freedom, the number of categories kept minus one.
        method: ``"asymptotic"`` (scipy chisquare), ``"monte-carlo"`` (some expected count
            below 5; seeded multinomial simulation), ``"zero-expected"`` (counts where the
            probability is 0, so ``p_value = 0``) or ``"single-category"`` (all counts in the
            only category with non-zero probability, ``p_value = 1``).
    """

    statistic: float
    p_value: float
    dof: int
    method: str


@dataclass(frozen=True)
class ChiSquareResults:
    """Row-wise :class:`ChiSquareResult` fields for a batch: arrays of shape ``(batch,)``."""

    statistic: np.ndarray
    p_value: np.ndarray
    dof: np.ndarray
    method: tuple[str, ...]


def _counts(counts: np.ndarray) -> np.ndarray:
    try:
        array = np.asarray(counts)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"counts must be an array of non-negative integers; got a ragged "
            f"{type(counts).__name__}; give every row the same length"
        ) from error
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise InvalidInputError(
            f"counts must be non-negative integers; got an array of dtype {array.dtype}; pass "
            "integer shot counts"
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.round(array)):
        raise InvalidInputError("counts must be non-negative integers; got other values")
    return array.astype(np.int64)


def _chi_square_one(
    counts: np.ndarray, probabilities: np.ndarray, rng: np.random.Generator, num_simulations: int
) -> ChiSquareResult:
    """Chi-square test of one row; inputs already validated."""
    shots = int(counts.sum())
    if shots <= 0:
        raise InvalidInputError(f"counts must hold at least one shot; got a total of {shots}")
    impossible = (probabilities == 0) & (counts > 0)
    if np.any(impossible):
        return ChiSquareResult(np.inf, 0.0, int(np.sum(probabilities > 0)) - 1, "zero-expected")

    keep = probabilities > 0
    observed, probs = counts[keep], probabilities[keep]
    probs = probs / probs.sum()
    if observed.size == 1:
        return ChiSquareResult(0.0, 1.0, 0, "single-category")
    expected = shots * probs
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    dof = observed.size - 1

    if np.all(expected >= MIN_EXPECTED_COUNT):
        p_value = float(scipy.stats.chisquare(observed, expected).pvalue)
        return ChiSquareResult(statistic, p_value, dof, "asymptotic")
    simulated = rng.multinomial(shots, probs, size=num_simulations)
    simulated_statistics = np.sum((simulated - expected) ** 2 / expected, axis=1)
    tolerance = RESAMPLING_TIE_RTOL * max(1.0, statistic)
    exceed = int(np.sum(simulated_statistics >= statistic - tolerance))

    return ChiSquareResult(statistic, (exceed + 1) / (num_simulations + 1), dof, "monte-carlo")


def _check_options(num_simulations: int, seed: int) -> tuple[int, int]:
    return check_int(num_simulations, name="num_simulations", minimum=1), check_seed(seed)


def chi_square_test(
    counts: np.ndarray,
    probabilities: np.ndarray,
    *,
    seed: int = 0,
    num_simulations: int = 10000,
) -> ChiSquareResult:
    """Goodness of fit of shot counts to the expected probabilities.

    Categories with probability 0 and no counts are dropped; a count where the probability is
    0 gives ``p_value = 0``. If every expected count ``shots * p_i`` is at least 5 the
    asymptotic chi-square distribution is used (``scipy.stats.chisquare``); otherwise the
    p-value is the add-one-smoothed fraction of ``num_simulations`` seeded multinomial draws
    whose statistic reaches the observed one.

    Args:
        counts: Non-negative integer counts, shape ``(N,)``, positive total.
        probabilities: Expected probabilities, shape ``(N,)``.
        seed: Seed of the Monte Carlo simulation.
        num_simulations: Multinomial draws for the Monte Carlo p-value.

    Returns:
        :class:`ChiSquareResult`.

    Raises:
        InvalidInputError: On mismatched shapes, invalid probabilities, negative, non-integer
            or non-numeric counts, no shots, or a ``seed`` that is not an int in
            ``[0, 2**63)``.
    """
    num_simulations, seed = _check_options(num_simulations, seed)
    observed = _counts(counts)
    probs = validate_probabilities(probabilities)
    if observed.shape != probs.shape or probs.ndim != 1:
        raise InvalidInputError(
            f"counts and probabilities must both have shape (N,); got counts {observed.shape} "
            f"and probabilities {probs.shape}; use chi_square_tests for batches"
        )
    logger.debug("chi_square_test: seed %s, %d simulations", seed, num_simulations)

    return _chi_square_one(observed, probs, np.random.default_rng(seed), num_simulations)


def chi_square_tests(
    counts: np.ndarray,
    probabilities: np.ndarray,
    *,
    seed: int = 0,
    num_simulations: int = 10000,
) -> ChiSquareResults:
    """Row-wise :func:`chi_square_test` for ``(batch, N)`` counts and probabilities.

    Row ``i`` draws its Monte Carlo samples from the ``i``-th child of
    ``numpy.random.SeedSequence(seed)``, so rows are independent and reproducible.

    Returns:
        :class:`ChiSquareResults` with arrays of shape ``(batch,)``.

    Raises:
        InvalidInputError: As :func:`chi_square_test`, for any row.
    """
    num_simulations, seed = _check_options(num_simulations, seed)
    observed = _counts(counts)
    probs = validate_probabilities(probabilities)
    if observed.shape != probs.shape or probs.ndim != 2:
        raise InvalidInputError(
            "counts and probabilities must both have shape (batch, N); got counts "
            f"{observed.shape} and probabilities {probs.shape}"
        )
    children = np.random.SeedSequence(seed).spawn(len(observed))
    results = [
        _chi_square_one(row, row_probs, np.random.default_rng(child), num_simulations)
        for row, row_probs, child in zip(observed, probs, children, strict=True)
    ]

    return ChiSquareResults(
        statistic=np.array([result.statistic for result in results], dtype=np.float64),
        p_value=np.array([result.p_value for result in results], dtype=np.float64),
        dof=np.array([result.dof for result in results], dtype=np.int64),
        method=tuple(result.method for result in results),
    )


def shots_for_tvd(num_outputs: int, tvd: float, confidence: float = 0.95) -> int:
    """Shots so that ``TVD(empirical, true) <= tvd`` with probability at least ``confidence``.

    Uses the L1 deviation bound of Weissman et al. (2003), "Inequalities for the L1 deviation
    of the empirical distribution", HP Labs HPL-2003-97:

        P(||p_hat - p||_1 >= eps) <= (2**N - 2) exp(-n eps**2 / 2),   eps = 2 tvd,

    solved for the smallest ``n`` with right-hand side at most ``1 - confidence``:
    ``n = ceil(2 (ln(2**N - 2) - ln(1 - confidence)) / eps**2)``.

    Args:
        num_outputs: Number of outcomes ``N >= 2``.
        tvd: Target total variation distance in ``(0, 1]``.
        confidence: Probability in ``(0, 1)``.

    Returns:
        The number of shots (at least 1).

    Raises:
        InvalidInputError: If ``num_outputs`` is not an int ``>= 2``, or ``tvd`` or
            ``confidence`` is not a real number in range.
    """
    num_outputs = check_int(num_outputs, name="num_outputs", minimum=2)
    tvd = check_real(tvd, name="tvd")
    confidence = check_real(confidence, name="confidence")
    if not 0 < tvd <= 1:
        raise InvalidInputError(f"tvd must lie in (0, 1]; got {tvd}")
    if not 0 < confidence < 1:
        raise InvalidInputError(f"confidence must lie in (0, 1); got {confidence}")

    # ln(2**N - 2) without overflow: N ln 2 + ln(1 - 2**(1 - N)).
    log_outcomes = num_outputs * math.log(2.0) + math.log1p(-(2.0 ** (1 - num_outputs)))
    epsilon = 2.0 * tvd
    shots = 2.0 * (log_outcomes - math.log(1.0 - confidence)) / epsilon**2

    return max(1, math.ceil(shots))


def binomial_confidence_interval(
    successes: int, trials: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval of a binomial proportion.

    Uses ``scipy.stats.binomtest(successes, trials).proportion_ci``.

    Raises:
        InvalidInputError: If ``trials`` is not an int ``>= 1``, ``successes`` is not an int
            in ``[0, trials]`` or ``confidence`` is not a real number in ``(0, 1)``.
    """
    trials = check_int(trials, name="trials", minimum=1)
    successes = check_int(successes, name="successes", minimum=0)
    confidence = check_real(confidence, name="confidence")
    if successes > trials:
        raise InvalidInputError(f"successes must lie in [0, trials={trials}]; got {successes}")
    if not 0 < confidence < 1:
        raise InvalidInputError(f"confidence must lie in (0, 1); got {confidence}")
    interval = scipy.stats.binomtest(successes, trials).proportion_ci(confidence)

    return float(interval.low), float(interval.high)
