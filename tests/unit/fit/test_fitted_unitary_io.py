import json

import numpy as np
import pytest
import torch
from conftest import random_unitary
from safetensors.torch import save_file

from qlens_q.exceptions import InvalidInputError
from qlens_q.fit import FittedUnitary, fit_unitary
from qlens_q.fit.result import METADATA_KEY, SCHEMA_VERSION


@pytest.fixture(params=["householder", "exponential", "orthogonal"])
def fitted(request, layer_data) -> FittedUnitary:
    train_inputs, train_targets, _, _ = layer_data(random_unitary("real", 4, seed=1))
    return fit_unitary(
        train_inputs,
        train_targets,
        parametrisation=request.param,
        complex=request.param != "orthogonal",
        max_epochs=10,
    )


def test_round_trip(fitted, tmp_path):
    path = tmp_path / "layer_3.safetensors"

    written = fitted.save(path)
    loaded = FittedUnitary.load(path, num_outputs=4)

    assert written == path
    assert loaded.parameters.keys() == fitted.parameters.keys()
    for name, tensor in fitted.parameters.items():
        assert torch.equal(loaded.parameters[name], tensor)
    np.testing.assert_array_equal(loaded.unitary(), fitted.unitary())
    for name in ["num_outputs", "parametrisation", "num_reflections", "complex", "objective"]:
        assert getattr(loaded, name) == getattr(fitted, name)
    for name in ["seed", "history", "best_epoch", "num_epochs", "seconds", "learning_rate"]:
        assert getattr(loaded, name) == getattr(fitted, name)
    assert [p.name for p in tmp_path.iterdir()] == ["layer_3.safetensors"]


def test_wrong_num_outputs(fitted, tmp_path):
    path = fitted.save(tmp_path / "op.safetensors")

    with pytest.raises(
        InvalidInputError, match="num_outputs of the saved operator must be 5; got 4"
    ):
        FittedUnitary.load(path, num_outputs=5)


def test_wrong_schema_version(fitted, tmp_path):
    path = tmp_path / "old.safetensors"
    fields = {"schema_version": SCHEMA_VERSION + 1, "num_outputs": 4}
    tensors = {name: tensor.contiguous() for name, tensor in fitted.parameters.items()}
    save_file(tensors, str(path), metadata={METADATA_KEY: json.dumps(fields)})

    with pytest.raises(
        InvalidInputError, match=f"schema_version .* must be 1; got {SCHEMA_VERSION + 1}"
    ):
        FittedUnitary.load(path)


def test_not_a_fitted_unitary(tmp_path):
    path = tmp_path / "other.safetensors"
    save_file({"weight": torch.zeros(2)}, str(path))

    with pytest.raises(InvalidInputError, match="must be a fitted unitary written by"):
        FittedUnitary.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No fitted unitary at"):
        FittedUnitary.load(tmp_path / "absent.safetensors")


def test_apply_single_and_batch(fitted, rng):
    states = np.sqrt(rng.dirichlet(np.ones(4), size=3))

    batch = fitted.apply(states)
    single = fitted.apply(states[0])

    np.testing.assert_allclose(batch, states @ fitted.unitary().T, atol=1e-14)
    np.testing.assert_allclose(single, batch[0], atol=1e-14)


def test_apply_wrong_dimension(fitted):
    with pytest.raises(InvalidInputError, match="statevectors must have N=4 amplitudes"):
        fitted.apply(np.ones((2, 3)) / np.sqrt(3))
