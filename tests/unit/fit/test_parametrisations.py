import numpy as np
import pytest
import torch

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators.parametrisations import (
    PARAMETRISATIONS,
    ExponentialUnitary,
    HouseholderProduct,
    OrthogonalUnitary,
    make_parametrisation,
)
from qlens_q.tolerances import UNITARY_ATOL


def _unitarity_error(matrix: torch.Tensor) -> float:
    identity = torch.eye(matrix.shape[0], dtype=matrix.dtype)
    return float((matrix.conj().T @ matrix - identity).abs().max())


MODULES = [
    ("householder", {"num_reflections": 3, "complex": True}),
    ("householder", {"num_reflections": 7, "complex": False}),
    ("exponential", {}),
    ("orthogonal", {"complex": False}),
]


class TestUnitary:
    @pytest.mark.parametrize(("kind", "options"), MODULES)
    def test_is_unitary_complex128(self, kind, options):
        module = make_parametrisation(kind, 5, **options)

        matrix = module.unitary().detach()

        assert matrix.shape == (5, 5)
        assert matrix.dtype == torch.complex128
        assert _unitarity_error(matrix) < UNITARY_ATOL
        assert module.num_outputs == 5

    @pytest.mark.parametrize(("kind", "options"), MODULES)
    def test_forward_equals_matrix_product(self, kind, options):
        module = make_parametrisation(kind, 5, **options)
        states = torch.randn(7, 5, dtype=torch.complex128)

        outputs = module(states).detach()

        expected = states @ module.unitary().detach().T
        torch.testing.assert_close(outputs, expected, rtol=0, atol=1e-12)

    def test_single_reflection_is_householder_matrix(self):
        module = HouseholderProduct(4, 1, seed=3)
        unit = module.reflection_vectors().detach()[0]

        expected = torch.eye(4, dtype=torch.complex128) - 2 * torch.outer(unit, unit.conj())

        torch.testing.assert_close(module.unitary().detach(), expected, rtol=0, atol=1e-14)

    def test_reflection_vectors_are_unit_rows_applied_in_order(self):
        module = HouseholderProduct(4, 3, seed=1)
        units = module.reflection_vectors().detach()
        expected = torch.eye(4, dtype=torch.complex128)
        for unit in units:
            expected = (torch.eye(4) - 2 * torch.outer(unit, unit.conj())) @ expected

        assert units.shape == (3, 4)
        torch.testing.assert_close(units.norm(dim=1), torch.ones(3, dtype=torch.float64))
        torch.testing.assert_close(module.unitary().detach(), expected, rtol=0, atol=1e-14)

    def test_real_householder_is_real_orthogonal(self):
        module = HouseholderProduct(4, 3, complex=False)

        matrix = module.unitary().detach()

        assert module.imag is None
        assert float(matrix.imag.abs().max()) == 0.0
        assert float(torch.linalg.det(matrix.real)) == pytest.approx(-1.0)

    @pytest.mark.parametrize("determinant", [1, -1])
    def test_orthogonal_determinant(self, determinant):
        module = OrthogonalUnitary(4, determinant=determinant)

        matrix = module.unitary().detach().real

        assert float(torch.linalg.det(matrix)) == pytest.approx(determinant)

    def test_exponential_starts_near_identity(self):
        matrix = ExponentialUnitary(6).unitary().detach()

        assert float((matrix - torch.eye(6)).abs().max()) < 0.1


class TestSeeding:
    @pytest.mark.parametrize(("kind", "options"), MODULES)
    def test_same_seed_same_parameters(self, kind, options):
        first = make_parametrisation(kind, 4, seed=7, **options).unitary().detach()
        second = make_parametrisation(kind, 4, seed=7, **options).unitary().detach()
        other = make_parametrisation(kind, 4, seed=8, **options).unitary().detach()

        assert torch.equal(first, second)
        assert not torch.equal(first, other)


class TestErrors:
    @pytest.mark.parametrize("num_reflections", [0, -1, 9])
    def test_reflections_out_of_range(self, num_reflections):
        with pytest.raises(InvalidInputError, match=r"num_reflections must be .* from 1 to .* 8"):
            HouseholderProduct(4, num_reflections)

    @pytest.mark.parametrize("num_outputs", [1, 0])
    def test_num_outputs_too_small(self, num_outputs):
        with pytest.raises(InvalidInputError, match="num_outputs must be an integer >= 2"):
            ExponentialUnitary(num_outputs)

    def test_unknown_kind_lists_choices(self):
        with pytest.raises(InvalidInputError, match="parametrisation must be one of") as info:
            make_parametrisation("cayley", 4)

        assert all(kind in str(info.value) for kind in PARAMETRISATIONS)
        assert "'cayley'" in str(info.value)

    def test_real_exponential_rejected(self):
        with pytest.raises(InvalidInputError, match="'exponential' must be complex"):
            make_parametrisation("exponential", 4, complex=False)

    def test_complex_orthogonal_rejected(self):
        with pytest.raises(InvalidInputError, match="'orthogonal' must be real"):
            make_parametrisation("orthogonal", 4, complex=True)

    def test_reflections_only_for_householder(self):
        with pytest.raises(InvalidInputError, match="num_reflections applies only"):
            make_parametrisation("exponential", 4, num_reflections=2)

    def test_bad_determinant(self):
        with pytest.raises(InvalidInputError, match="determinant must be 1 or -1; got 2"):
            OrthogonalUnitary(4, determinant=2)


def test_default_reflections_is_num_outputs():
    module = make_parametrisation("householder", 5)

    assert module.num_reflections == 5
    assert np.iscomplexobj(module.reflection_vectors().detach().numpy())


@pytest.mark.parametrize("is_complex", [True, False])
def test_reset_in_subspace_keeps_vectors_in_span(is_complex):
    module = HouseholderProduct(5, 2, complex=is_complex)
    basis = torch.linalg.qr(torch.randn(5, 2, dtype=torch.float64))[0].T

    module.reset_in_subspace(basis, seed=1)

    vectors = module.reflection_vectors().detach().to(torch.complex128)
    projected = vectors @ basis.T.to(torch.complex128) @ basis.to(torch.complex128)
    torch.testing.assert_close(projected, vectors)


def test_reset_in_subspace_rejects_wrong_shape():
    module = HouseholderProduct(5, 2)

    with pytest.raises(InvalidInputError, match=r"basis must have shape \(D, 5\)"):
        module.reset_in_subspace(torch.zeros(2, 4))
