import subprocess
import sys

import numpy as np
import pytest
from conftest import amplitude_states, complex_states, random_unitary, reflection_product

from qlens_q.exceptions import InvalidInputError, NotUnitaryError
from qlens_q.fit import (
    OperatorScores,
    fidelity_vs_k,
    fit_unitary,
    identity_scores,
    per_example_reflections,
    per_example_scores,
    score_operator,
    single_reflection_scores,
)


class TestScoreOperator:
    def test_true_unitary_is_perfect(self, layer_data):
        unitary = random_unitary("complex", 5, seed=1)
        _, _, test_inputs, test_targets = layer_data(unitary)

        scores = score_operator(unitary, test_inputs, test_targets)

        assert scores.fidelity == pytest.approx(1.0, abs=1e-12)
        assert scores.kl == pytest.approx(0.0, abs=1e-10)
        assert scores.tvd == pytest.approx(0.0, abs=1e-12)
        assert scores.agreement == 1.0

    def test_matches_hand_computation(self, rng):
        inputs = amplitude_states(rng, 50, 4)
        targets = amplitude_states(rng, 50, 4)
        probabilities = rng.dirichlet(np.ones(4), size=50)
        unitary = random_unitary("real", 4, seed=2)
        outputs = inputs @ unitary.T
        model = np.abs(outputs) ** 2

        scores = score_operator(unitary, inputs, targets, probabilities)

        kl = np.sum(probabilities * np.log(probabilities / np.maximum(model, 1e-12)), axis=1)
        assert scores.fidelity == pytest.approx(np.mean(np.abs((targets * outputs).sum(1)) ** 2))
        assert scores.kl == pytest.approx(np.mean(kl))
        assert scores.tvd == pytest.approx(np.mean(0.5 * np.abs(probabilities - model).sum(1)))
        assert scores.agreement == np.mean(probabilities.argmax(1) == model.argmax(1))

    def test_callable_and_fitted_unitary(self, layer_data):
        unitary = random_unitary("complex", 4, seed=3)
        train_inputs, train_targets, test_inputs, test_targets = layer_data(unitary)
        fitted = fit_unitary(train_inputs, train_targets, max_epochs=5)

        from_fitted = score_operator(fitted, test_inputs, test_targets)
        from_callable = score_operator(fitted.apply, test_inputs, test_targets)
        from_matrix = score_operator(fitted.unitary(), test_inputs, test_targets)

        assert from_fitted == from_callable == from_matrix
        assert isinstance(from_fitted, OperatorScores)

    def test_rejects_non_unitary_matrix(self, rng):
        states = amplitude_states(rng, 10, 3)

        with pytest.raises(NotUnitaryError, match="operator must be unitary"):
            score_operator(2 * np.eye(3), states, states)

    def test_rejects_wrong_matrix_shape(self, rng):
        states = amplitude_states(rng, 10, 3)

        with pytest.raises(InvalidInputError, match=r"operator must be an \(N, N\) = \(3, 3\)"):
            score_operator(np.eye(4), states, states)

    def test_rejects_non_normalised_callable_output(self, rng):
        states = amplitude_states(rng, 10, 3)

        with pytest.raises(InvalidInputError, match=r"operator\(inputs\) rows must be unit-norm"):
            score_operator(lambda x: 2 * x, states, states)

    def test_rejects_unknown_operator(self, rng):
        states = amplitude_states(rng, 10, 3)

        with pytest.raises(InvalidInputError, match="operator must be an .* got str"):
            score_operator("identity", states, states)


class TestBaselines:
    def test_identity_scores(self, rng):
        inputs = amplitude_states(rng, 40, 4)
        targets = amplitude_states(rng, 40, 4)

        scores = identity_scores(inputs, targets)

        assert scores == score_operator(np.eye(4), inputs, targets)
        assert scores.fidelity < 1.0

    @pytest.mark.parametrize("draw", [amplitude_states, complex_states])
    def test_per_example_reflections_reach_every_target(self, rng, draw):
        inputs = draw(rng, 40, 5)
        targets = draw(rng, 40, 5)
        targets[0] = inputs[0]

        scores = per_example_scores(inputs, targets)
        vectors = per_example_reflections(inputs, targets)

        assert scores.fidelity == pytest.approx(1.0, abs=1e-12)
        assert scores.kl == pytest.approx(0.0, abs=1e-10)
        assert scores.tvd == pytest.approx(0.0, abs=1e-12)
        assert scores.agreement == 1.0
        assert np.all(vectors[0] == 0)
        np.testing.assert_allclose(np.linalg.norm(vectors[1:], axis=1), 1.0)

    def test_single_reflection_recovers_a_reflection(self, layer_data):
        unitary = reflection_product(np.array([[0.3, -0.5, 0.2, 0.7]]))
        train_inputs, train_targets, test_inputs, test_targets = layer_data(unitary)

        scores = single_reflection_scores(train_inputs, train_targets, test_inputs, test_targets)

        assert scores.fidelity >= 0.999

    def test_fidelity_vs_k(self, layer_data, rng):
        vectors = rng.normal(size=(2, 4)) + 1j * rng.normal(size=(2, 4))
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            reflection_product(vectors), num_train=200
        )

        rows = fidelity_vs_k(
            train_inputs, train_targets, test_inputs, test_targets, [1, 2], max_epochs=300
        )

        assert [row["k"] for row in rows] == [1, 2]
        assert set(rows[0]) == {"k", "train_fidelity", "test_fidelity", "seconds"}
        assert rows[1]["test_fidelity"] >= 0.999
        assert rows[0]["test_fidelity"] < rows[1]["test_fidelity"]
        assert all(row["seconds"] > 0 for row in rows)

    def test_mismatched_pairs(self, rng):
        with pytest.raises(InvalidInputError, match="inputs and targets must have the same shape"):
            identity_scores(amplitude_states(rng, 4, 3), amplitude_states(rng, 5, 3))


# Scores of Dirichlet-sampled amplitude states, as in the study (M = 214 test examples).
SCORES_SCRIPT = """
import numpy as np
from scipy.stats import unitary_group
from qlens_q.fit import per_example_scores, score_operator
for num_outputs in (2, 12):
    rng = np.random.default_rng(num_outputs)
    inputs = np.sqrt(rng.dirichlet(np.ones(num_outputs), size=214))
    targets = np.sqrt(rng.dirichlet(np.ones(num_outputs), size=214))
    unitary = unitary_group.rvs(num_outputs, random_state=num_outputs)
    print(repr(per_example_scores(inputs, targets)))
    print(repr(score_operator(unitary, inputs, targets)))
"""


class TestDeterminism:
    def test_scores_are_bitwise_equal_across_processes(self):
        # Regression for a report whose per_example test_kl read 1.1e-17 in one run and 7.4e-17
        # in the next: the runs straddled the change that clamps each row's KL at 0 before the
        # mean, not run-to-run noise. Two fresh processes must print identical reprs.
        def run() -> str:
            result = subprocess.run(
                [sys.executable, "-c", SCORES_SCRIPT],
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            return result.stdout

        first, second = run(), run()

        assert first.count("OperatorScores(") == 4
        assert first == second

    def test_kl_is_the_mean_of_rows_clamped_at_zero(self, rng):
        inputs = amplitude_states(rng, 214, 2)
        targets = amplitude_states(rng, 214, 2)

        kl = per_example_scores(inputs, targets).kl
        row_kls = [per_example_scores(inputs[m : m + 1], targets[m : m + 1]).kl for m in range(214)]

        assert kl >= 0.0
        assert kl == pytest.approx(np.mean(row_kls), rel=1e-12, abs=0.0)
