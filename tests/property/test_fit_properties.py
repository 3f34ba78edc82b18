"""Properties of the Householder-product parametrisation, for small random sizes."""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

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
