"""Properties of the Householder-product parametrisation and of fits, for small random sizes."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from qlens_q.fit import fit_unitary
from qlens_q.operators.parametrisations import HouseholderProduct
from qlens_q.tolerances import UNITARY_ATOL


@st.composite
def householder_products(draw) -> HouseholderProduct:
    num_outputs = draw(st.integers(min_value=2, max_value=8))
    num_reflections = draw(st.integers(min_value=1, max_value=2 * num_outputs))
    is_complex = draw(st.booleans())
    seed = draw(st.integers(min_value=0, max_value=2**31 - 1))
    return HouseholderProduct(num_outputs, num_reflections, complex=is_complex, seed=seed)


@settings(max_examples=40, deadline=None)
@given(module=householder_products())
def test_unitary_is_unitary(module):
    matrix = module.unitary().detach()

    identity = torch.eye(module.num_outputs, dtype=torch.complex128)
    assert float((matrix.conj().T @ matrix - identity).abs().max()) < UNITARY_ATOL


@settings(max_examples=40, deadline=None)
@given(
    module=householder_products(),
    num_states=st.integers(min_value=1, max_value=20),
    state_seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_batched_apply_equals_matrix_product(module, num_states, state_seed):
    generator = torch.Generator().manual_seed(state_seed)
    states = torch.randn(
        num_states, module.num_outputs, 2, generator=generator, dtype=torch.float64
    )
    states = torch.view_as_complex(states)
    states = states / states.norm(dim=1, keepdim=True)
    expected = states @ module.unitary().detach().T

    # Both routes of forward: reflecting the batch directly and through the matrix.
    direct = module._reflect_rows(states).detach()
    dispatched = module(states).detach()

    torch.testing.assert_close(direct, expected, rtol=0, atol=1e-12)
    torch.testing.assert_close(dispatched, expected, rtol=0, atol=1e-12)
    torch.testing.assert_close(direct.norm(dim=1), torch.ones(num_states, dtype=torch.float64))


@settings(max_examples=25, deadline=None)
@given(
    num_states=st.integers(min_value=1, max_value=30),
    num_outputs=st.integers(min_value=2, max_value=5),
    validation_fraction=st.sampled_from([0.0, 0.1, 0.3]),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_returned_fit_has_the_best_recorded_loss(
    num_states, num_outputs, validation_fraction, seed
):
    # The monitored loss is the validation loss, or the training loss when the validation
    # slice is empty; either way the returned parameters are the ones it was measured on.
    rng = np.random.default_rng(seed)
    inputs = np.sqrt(rng.dirichlet(np.ones(num_outputs), size=num_states))
    targets = np.sqrt(rng.dirichlet(np.ones(num_outputs), size=num_states))
    num_validation = int(round(validation_fraction * num_states))
    if num_validation == num_states:
        return
    validation_rows = np.random.default_rng(seed).permutation(num_states)[:num_validation]
    rows = validation_rows if num_validation else np.arange(num_states)

    fitted = fit_unitary(
        inputs,
        targets,
        validation_fraction=validation_fraction,
        max_epochs=15,
        patience=100,
        seed=seed,
    )

    overlaps = np.sum(targets[rows].conj() * fitted.apply(inputs[rows]), axis=1)
    loss = 1.0 - np.mean(np.abs(overlaps) ** 2)
    monitored = fitted.history["validation_loss" if num_validation else "train_loss"]
    assert abs(loss - monitored[fitted.best_epoch]) < 1e-12
