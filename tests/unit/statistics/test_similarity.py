"""Gram-matrix cosine similarities against a slow reference double loop."""

import time

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators import householder_hamiltonians
from qlens_q.statistics import (
    frobenius_gram,
    mean_pairwise_cosine_similarity,
    pairwise_cosine_similarities,
)
from qlens_q.statistics.baselines import random_householder_vectors

GRAM_ATOL = 1e-12


def _reference_similarities(matrices):
    values = []
    for i in range(len(matrices)):
        for j in range(i + 1, len(matrices)):
            inner = np.trace(matrices[i].conj().T @ matrices[j]).real
            norms = np.linalg.norm(matrices[i]) * np.linalg.norm(matrices[j])
            values.append(inner / norms)
    return np.array(values)


@pytest.mark.parametrize("complex_input", [False, True])
def test_matches_double_loop(rng, complex_input):
    matrices = rng.normal(size=(6, 3, 3))
    if complex_input:
        matrices = matrices + 1j * rng.normal(size=(6, 3, 3))

    similarities = pairwise_cosine_similarities(matrices)

    assert similarities.shape == (15,)
    np.testing.assert_allclose(similarities, _reference_similarities(matrices), atol=GRAM_ATOL)
    assert mean_pairwise_cosine_similarity(matrices) == pytest.approx(similarities.mean())


def test_gram_is_frobenius_for_real(rng):
    matrices = rng.normal(size=(4, 2, 2))

    gram = frobenius_gram(matrices)

    np.testing.assert_allclose(gram[1, 2], np.sum(matrices[1] * matrices[2]), atol=GRAM_ATOL)
    np.testing.assert_allclose(gram, gram.T, atol=GRAM_ATOL)


def test_zero_matrix_raises_or_is_skipped(rng):
    matrices = rng.normal(size=(4, 2, 2))
    matrices[2] = 0.0

    with pytest.raises(InvalidInputError, match="zero matrix at index 2 .* skip_zero=True"):
        pairwise_cosine_similarities(matrices)
    skipped = pairwise_cosine_similarities(matrices, skip_zero=True)

    np.testing.assert_allclose(skipped, _reference_similarities(matrices[[0, 1, 3]]))


def test_too_few_matrices():
    with pytest.raises(InvalidInputError, match="at least 2 non-zero matrices; got 1"):
        mean_pairwise_cosine_similarity(np.ones((1, 2, 2)))


@pytest.mark.parametrize("num_outputs", [2, 16])
def test_study_sized_input_takes_milliseconds(num_outputs, rng):
    reference = rng.normal(size=(214, num_outputs))
    hamiltonians = householder_hamiltonians(random_householder_vectors(reference, seed=0))

    start = time.perf_counter()
    mean_pairwise_cosine_similarity(hamiltonians)
    elapsed = time.perf_counter() - start

    assert elapsed < 0.5, f"214 matrices took {elapsed:.3f} s"


@pytest.mark.parametrize("scale", [1e-6, 1e160, 1e300])
def test_cosine_similarity_is_scale_invariant_without_overflow(rng, scale):
    vectors = random_householder_vectors(rng.normal(size=(6, 4)), seed=0)
    matrices = householder_hamiltonians(vectors)

    scaled = pairwise_cosine_similarities(matrices * scale)

    np.testing.assert_allclose(scaled, pairwise_cosine_similarities(matrices), atol=GRAM_ATOL)
