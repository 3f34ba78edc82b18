import numpy as np
import pytest
import scipy.linalg
from conftest import (
    amplitude_states,
    mean_fidelity,
    random_unitary,
    reflection_product,
    unitarity_error,
)

from qlens_q.exceptions import InvalidInputError
from qlens_q.fit import FittedUnitary, fit_unitary, score_operator
from qlens_q.tolerances import EXPM_ATOL, HERMITIAN_ATOL, UNITARY_ATOL

RECOVERY_FIDELITY = 0.999


def _recovery(fitted: FittedUnitary, test_inputs, test_targets) -> float:
    return mean_fidelity(fitted.apply(test_inputs), test_targets)


class TestRecovery:
    def test_householder_with_true_num_reflections(self, rng, layer_data):
        vectors = rng.normal(size=(3, 6)) + 1j * rng.normal(size=(3, 6))
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            reflection_product(vectors)
        )

        fitted = fit_unitary(train_inputs, train_targets, num_reflections=3)

        assert _recovery(fitted, test_inputs, test_targets) >= RECOVERY_FIDELITY
        assert unitarity_error(fitted.unitary()) < UNITARY_ATOL
        assert fitted.reflection_vectors().shape == (3, 6)

    def test_householder_with_num_outputs_reflections_on_haar_unitary(self, layer_data):
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            random_unitary("complex", 5, seed=11), states="complex"
        )

        fitted = fit_unitary(train_inputs, train_targets)

        assert fitted.num_reflections == 5
        assert _recovery(fitted, test_inputs, test_targets) >= RECOVERY_FIDELITY
        assert unitarity_error(fitted.unitary()) < UNITARY_ATOL

    def test_exponential(self, layer_data):
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            random_unitary("complex", 6, seed=12)
        )

        fitted = fit_unitary(train_inputs, train_targets, parametrisation="exponential")

        assert fitted.num_reflections is None
        assert fitted.reflection_vectors() is None
        assert _recovery(fitted, test_inputs, test_targets) >= RECOVERY_FIDELITY
        assert unitarity_error(fitted.unitary()) < UNITARY_ATOL

    @pytest.mark.parametrize("determinant", [1, -1])
    def test_orthogonal_real(self, layer_data, determinant):
        unitary = random_unitary("real", 6, seed=13)
        if np.sign(np.linalg.det(unitary).real) != determinant:
            unitary[:, 0] *= -1
        train_inputs, train_targets, test_inputs, test_targets = layer_data(unitary)

        fitted = fit_unitary(
            train_inputs, train_targets, parametrisation="orthogonal", complex=False
        )

        assert _recovery(fitted, test_inputs, test_targets) >= RECOVERY_FIDELITY
        assert np.abs(fitted.unitary().imag).max() == 0.0
        assert unitarity_error(fitted.unitary()) < UNITARY_ATOL

    def test_real_householder(self, layer_data):
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            random_unitary("real", 5, seed=14)
        )

        unitary = random_unitary("real", 5, seed=14)
        num_reflections = 5 if np.linalg.det(unitary).real < 0 else 6  # det U = (-1)^K

        fitted = fit_unitary(
            train_inputs,
            train_targets,
            num_reflections=num_reflections,
            complex=False,
            num_restarts=4,
        )

        assert _recovery(fitted, test_inputs, test_targets) >= RECOVERY_FIDELITY
        assert not np.iscomplexobj(fitted.reflection_vectors())
        assert 0 <= fitted.restart < 4

    def test_lbfgs_minibatch(self, layer_data):
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            random_unitary("complex", 4, seed=15)
        )

        fitted = fit_unitary(
            train_inputs, train_targets, optimizer="lbfgs", max_epochs=30, patience=5
        )

        assert _recovery(fitted, test_inputs, test_targets) >= RECOVERY_FIDELITY

    def test_adam_minibatch(self, layer_data):
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            random_unitary("complex", 4, seed=16)
        )

        fitted = fit_unitary(train_inputs, train_targets, batch_size=64, max_epochs=200)

        assert _recovery(fitted, test_inputs, test_targets) >= RECOVERY_FIDELITY

    def test_kl_objective_reproduces_probabilities(self, layer_data):
        train_inputs, train_targets, test_inputs, test_targets = layer_data(
            random_unitary("complex", 4, seed=17)
        )
        train_probabilities = np.abs(train_targets) ** 2

        fitted = fit_unitary(
            train_inputs,
            train_targets,
            parametrisation="exponential",
            objective="kl",
            target_probabilities=train_probabilities,
        )
        scores = score_operator(fitted, test_inputs, test_targets)

        assert fitted.objective == "kl"
        assert scores.kl < 1e-3
        assert scores.tvd < 0.02


class TestHistory:
    def test_history_and_best_epoch(self, layer_data):
        train_inputs, train_targets, _, _ = layer_data(random_unitary("complex", 4, seed=1))

        fitted = fit_unitary(train_inputs, train_targets, max_epochs=40, patience=100)

        assert fitted.num_epochs == 40
        assert set(fitted.history) == {
            "train_loss",
            "train_fidelity",
            "validation_loss",
            "validation_fidelity",
        }
        assert all(len(values) == 40 for values in fitted.history.values())
        assert fitted.best_epoch == int(np.argmin(fitted.history["validation_loss"]))
        assert fitted.seconds > 0

    def test_early_stopping_keeps_best_parameters(self, layer_data):
        train_inputs, train_targets, _, _ = layer_data(random_unitary("complex", 4, seed=2))
        validation_rows = np.random.default_rng(0).permutation(300)[:30]

        fitted = fit_unitary(train_inputs, train_targets, learning_rate=0.3, patience=3)
        validation_fidelity = mean_fidelity(
            fitted.apply(train_inputs[validation_rows]), train_targets[validation_rows]
        )

        assert fitted.num_epochs < 1000
        assert fitted.num_epochs - fitted.best_epoch - 1 == 3
        assert validation_fidelity == pytest.approx(
            fitted.history["validation_fidelity"][fitted.best_epoch], abs=1e-12
        )

    @pytest.mark.parametrize(
        ("num_states", "options"),
        [
            (1, {"validation_fraction": 0.1}),
            (3, {"validation_fraction": 0.1}),
            (3, {"validation_fraction": 0.1, "objective": "kl"}),
            (40, {"validation_fraction": 0.0}),
            (40, {"validation_fraction": 0.0, "batch_size": 16}),
            (40, {"validation_fraction": 0.0, "optimizer": "lbfgs", "max_epochs": 5}),
        ],
    )
    def test_without_validation_slice_returns_the_best_recorded_parameters(
        self, rng, num_states, options
    ):
        # Regression: with no validation rows (0.1 * M rounds to 0 for M <= 4) each epoch
        # was judged by the training loss before its optimiser step, but the parameters
        # after the step were kept, so the returned fit did not have the best loss.
        inputs = amplitude_states(rng, num_states, 4)
        targets = amplitude_states(rng, num_states, 4)
        options = {"max_epochs": 30, "patience": 100, "min_improvement": 0.0, **options}

        fitted = fit_unitary(inputs, targets, **options)
        outputs = fitted.apply(inputs)
        if options.get("objective") == "kl":
            loss = score_operator(fitted, inputs, targets).kl
        else:
            loss = 1.0 - mean_fidelity(outputs, targets)

        losses = fitted.history["train_loss"]
        assert fitted.history["validation_loss"] == []
        assert fitted.best_epoch == int(np.argmin(losses))
        assert loss == pytest.approx(losses[fitted.best_epoch], abs=1e-12)
        assert mean_fidelity(outputs, targets) == pytest.approx(
            fitted.history["train_fidelity"][fitted.best_epoch], abs=1e-12
        )

    def test_without_validation_slice(self, layer_data):
        train_inputs, train_targets, _, _ = layer_data(random_unitary("complex", 3, seed=3))

        fitted = fit_unitary(train_inputs, train_targets, validation_fraction=0.0, max_epochs=5)

        assert fitted.history["validation_loss"] == []
        assert len(fitted.history["train_loss"]) == 5


class TestDeterminism:
    @pytest.mark.parametrize("parametrisation", ["householder", "exponential"])
    def test_same_seed_same_unitary(self, layer_data, parametrisation):
        train_inputs, train_targets, _, _ = layer_data(random_unitary("complex", 4, seed=4))
        options = {"parametrisation": parametrisation, "max_epochs": 30, "batch_size": 50}

        first = fit_unitary(train_inputs, train_targets, seed=5, **options)
        second = fit_unitary(train_inputs, train_targets, seed=5, **options)
        other = fit_unitary(train_inputs, train_targets, seed=6, **options)

        np.testing.assert_array_equal(first.unitary(), second.unitary())
        assert first.history == second.history
        assert not np.array_equal(first.unitary(), other.unitary())


class TestHamiltonian:
    @pytest.mark.parametrize("alpha", [0.25, 1.0, 2.0, 7.5])
    @pytest.mark.parametrize("parametrisation", ["householder", "exponential"])
    def test_logm_expm_round_trip(self, layer_data, alpha, parametrisation):
        train_inputs, train_targets, _, _ = layer_data(random_unitary("complex", 4, seed=8))
        fitted = fit_unitary(
            train_inputs, train_targets, parametrisation=parametrisation, max_epochs=20
        )

        hamiltonian = fitted.hamiltonian(alpha)

        assert np.abs(hamiltonian - hamiltonian.conj().T).max() < HERMITIAN_ATOL
        reconstructed = scipy.linalg.expm(-1j * alpha * hamiltonian)
        assert np.abs(reconstructed - fitted.unitary()).max() < EXPM_ATOL
        energies = fitted.spectrum(alpha)
        assert energies.shape == (4,)
        assert np.all(np.abs(energies) <= np.pi / alpha + 1e-12)

    @pytest.mark.parametrize("alpha", [0.0, -1.0, float("nan")])
    def test_bad_alpha(self, layer_data, alpha):
        train_inputs, train_targets, _, _ = layer_data(random_unitary("complex", 3, seed=9))
        fitted = fit_unitary(train_inputs, train_targets, max_epochs=2)

        with pytest.raises(InvalidInputError, match="alpha must be a finite number > 0"):
            fitted.hamiltonian(alpha)
        with pytest.raises(InvalidInputError, match="alpha must be a finite number > 0"):
            fitted.spectrum(alpha)


class TestErrors:
    @pytest.fixture
    def states(self, rng):
        return amplitude_states(rng, 20, 4)

    @pytest.mark.parametrize("num_reflections", [0, 9])
    def test_num_reflections_out_of_range(self, states, num_reflections):
        with pytest.raises(InvalidInputError, match=r"num_reflections must be .*got -?\d"):
            fit_unitary(states, states, num_reflections=num_reflections)

    def test_empty_inputs(self):
        empty = np.zeros((0, 4))

        with pytest.raises(InvalidInputError, match="training split must not be empty; got 0"):
            fit_unitary(empty, empty)

    def test_validation_fraction_leaves_no_training_rows(self, states):
        with pytest.raises(InvalidInputError, match="training split must not be empty"):
            fit_unitary(states[:1], states[:1], validation_fraction=0.9)

    @pytest.mark.parametrize("argument", ["inputs", "targets"])
    def test_nan_states(self, states, argument):
        bad = states.copy()
        bad[3, 1] = np.nan
        arguments = {"inputs": states, "targets": states, argument: bad}

        with pytest.raises(InvalidInputError, match=f"{argument} must be finite; got NaN"):
            fit_unitary(**arguments)

    def test_infinite_states(self, states):
        bad = states.copy()
        bad[0, 0] = np.inf

        with pytest.raises(InvalidInputError, match="inputs must be finite"):
            fit_unitary(bad, states)

    def test_shape_mismatch(self, states):
        with pytest.raises(InvalidInputError, match=r"must have the same shape.*\(20, 4\).*\(19"):
            fit_unitary(states, states[:19])

    def test_one_amplitude(self):
        ones = np.ones((5, 1))

        with pytest.raises(InvalidInputError, match="at least N=2 amplitudes"):
            fit_unitary(ones, ones)

    def test_not_unit_norm(self, states):
        with pytest.raises(InvalidInputError, match="targets rows must be unit-norm.*Normalise"):
            fit_unitary(states, 2 * states)

    def test_one_dimensional(self, states):
        with pytest.raises(InvalidInputError, match=r"inputs must have shape \(M, N\)"):
            fit_unitary(states[0], states[0])

    @pytest.mark.parametrize(
        ("option", "value", "choices"),
        [
            ("parametrisation", "cayley", "'householder', 'exponential', 'orthogonal'"),
            ("objective", "mse", "'fidelity', 'kl'"),
            ("optimizer", "sgd", "'adam', 'lbfgs'"),
        ],
    )
    def test_unknown_option_lists_choices(self, states, option, value, choices):
        with pytest.raises(InvalidInputError, match=f"{option} must be one of {choices}; got"):
            fit_unitary(states, states, **{option: value})

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [
            ("max_epochs", 0, "max_epochs must be an integer >= 1; got 0"),
            ("max_epochs", 2.5, "max_epochs must be an integer >= 1; got 2.5"),
            ("max_epochs", True, "max_epochs must be an integer >= 1; got True"),
            ("patience", 0, "patience must be an integer >= 1; got 0"),
            ("patience", -4, "patience must be an integer >= 1; got -4"),
            ("num_restarts", 0, "num_restarts must be an integer >= 1; got 0"),
            ("batch_size", 0, "batch_size must be an integer >= 1; got 0. Pass None"),
            ("batch_size", -3, "batch_size must be an integer >= 1; got -3"),
            ("num_threads", 0, "num_threads must be an integer >= 1; got 0. Pass None"),
            ("seed", -1, r"seed must be an integer from 0 to \d+; got -1"),
            ("seed", 2**64, r"seed must be an integer from 0 to \d+; got 18446744073709551616"),
            ("seed", None, r"seed must be an integer from 0 to \d+; got None"),
            ("seed", 1.5, r"seed must be an integer from 0 to \d+; got 1.5"),
            ("validation_fraction", 1.0, r"validation_fraction must be a number in \[0, 1\)"),
            ("validation_fraction", -0.1, r"validation_fraction must be .*; got -0.1. Pass 0"),
            ("validation_fraction", float("nan"), "validation_fraction must be .*; got nan"),
            ("validation_fraction", None, "validation_fraction must be .*; got None"),
            ("validation_fraction", "0.1", "validation_fraction must be .*; got '0.1'"),
            ("learning_rate", -0.1, "learning_rate must be a finite number > 0; got -0.1"),
            ("learning_rate", 0, "learning_rate must be a finite number > 0; got 0"),
            ("learning_rate", "a", "learning_rate must be a finite number > 0; got 'a'"),
            ("learning_rate", float("inf"), "learning_rate must be a finite number > 0; got inf"),
            ("min_improvement", -1e-3, "min_improvement must be a finite number >= 0"),
            ("min_improvement", "a", "min_improvement must be a finite number >= 0; got 'a'"),
        ],
    )
    def test_numbers_out_of_range(self, states, option, value, message):
        # Regression: strings, None and out-of-range seeds used to escape as raw TypeError
        # or NumPy ValueError instead of an InvalidInputError naming the argument.
        with pytest.raises(InvalidInputError, match=message):
            fit_unitary(states, states, **{option: value})

    def test_largest_seed_is_bounded_by_the_restarts(self, states):
        with pytest.raises(InvalidInputError, match=f"seed must be .* to {2**64 - 2}; got"):
            fit_unitary(states, states, seed=2**64 - 1, num_restarts=2)

        fitted = fit_unitary(states, states, seed=2**64 - 2, num_restarts=2, max_epochs=1)

        assert fitted.seed == 2**64 - 2

    def test_numpy_integers_are_accepted_as_python_ints(self, states, tmp_path):
        fitted = fit_unitary(
            states,
            states,
            num_reflections=np.int64(3),
            max_epochs=np.int64(2),
            batch_size=np.int32(8),
            seed=np.int64(4),
        )

        assert type(fitted.seed) is int and fitted.seed == 4
        assert type(fitted.num_reflections) is int and fitted.num_reflections == 3
        assert fitted.num_epochs == 2
        assert FittedUnitary.load(fitted.save(tmp_path / "fit.safetensors")).seed == 4

    def test_bad_num_reflections_for_a_real_fit(self, states):
        # Regression: the parity check ran before num_reflections was validated.
        with pytest.raises(InvalidInputError, match="num_reflections must be an integer"):
            fit_unitary(states, states, complex=False, num_reflections="3")

    def test_target_probabilities_shape(self, states):
        with pytest.raises(InvalidInputError, match="target_probabilities must have the targets'"):
            fit_unitary(states, states, objective="kl", target_probabilities=np.ones((20, 3)) / 3)

    def test_real_householder_parity_warning(self, states, caplog):
        unitary = random_unitary("real", 4, seed=0)
        if np.linalg.det(unitary).real < 0:
            unitary[:, 0] *= -1

        fit_unitary(states, states @ unitary.T.real, num_reflections=3, complex=False, max_epochs=1)

        assert "3 real reflections give det -1" in caplog.text
        assert "Use num_reflections=4" in caplog.text

    def test_complex_orthogonal(self, states):
        with pytest.raises(InvalidInputError, match="Pass complex=False"):
            fit_unitary(states, states, parametrisation="orthogonal")
