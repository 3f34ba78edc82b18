"""Trainable parametrisations of an ``N x N`` unitary, as PyTorch modules.

Each module holds unconstrained float64 parameters and maps them onto the unitary (or real
orthogonal) group, so a plain gradient optimiser never leaves the group:

- :class:`HouseholderProduct`: ``U = R(v_K) ... R(v_1)`` with ``R(v) = I - 2 v v^dagger /
  (v^dagger v)``, the operator form of the per-example Householder layers of QLENS
  (https://arxiv.org/abs/2510.11963), now shared across inputs.
- :class:`ExponentialUnitary`: ``U = exp(A)`` with ``A`` skew-Hermitian, the whole of ``U(N)``.
- :class:`OrthogonalUnitary`: a real orthogonal matrix through
  :func:`torch.nn.utils.parametrizations.orthogonal`.

Every module exposes ``num_outputs``, ``is_complex``, ``unitary()`` (shape ``(N, N)``, complex128)
and ``forward(statevectors)``, which applies ``U`` to a batch of row statevectors of shape
``(B, N)`` and returns ``(B, N)`` complex128, i.e. row ``b`` of the result is ``U @ x_b``.
Initialisation is seeded through an explicit ``seed`` (a private :class:`torch.Generator`, so the
global torch RNG is never touched).
"""

import logging
import numbers
from abc import ABC, abstractmethod
from typing import Literal, get_args

import torch
from torch import nn

from qlens_q.exceptions import InvalidInputError

logger = logging.getLogger(__name__)

ParametrisationKind = Literal["householder", "exponential", "orthogonal"]

#: The parametrisation names accepted by :func:`make_parametrisation`.
PARAMETRISATIONS: tuple[str, ...] = get_args(ParametrisationKind)

#: How many times slower one multiply-add of the reflect-the-batch route of
#: :meth:`HouseholderProduct.forward` is than one of a matrix product (measured, torch 2.13 CPU).
HOUSEHOLDER_DIRECT_COST_RATIO = 16

#: Relative size of the perturbation between the two vectors of a near-identity pair.
HOUSEHOLDER_PAIR_NOISE = 0.1

#: Standard deviation of the entries of ``X`` (``A = (X - X^dagger) / 2``) at initialisation.
EXPONENTIAL_INIT_SCALE = 1e-2

#: Standard deviation of the perturbation of the starting orthogonal matrix at initialisation.
ORTHOGONAL_INIT_SCALE = 1e-2


def _check_num_outputs(num_outputs: int) -> None:
    """Reject a dimension that is not an integer of at least 2."""
    is_integer = isinstance(num_outputs, numbers.Integral) and not isinstance(num_outputs, bool)
    if not is_integer or num_outputs < 2:
        raise InvalidInputError(
            f"num_outputs must be an integer >= 2 (the number of amplitudes); got {num_outputs!r}. "
            "Pass the statevector length N."
        )


def _generator(seed: int) -> torch.Generator:
    """A private CPU generator seeded with ``seed``."""
    generator = torch.Generator()
    generator.manual_seed(int(seed))

    return generator


class UnitaryParametrisation(nn.Module, ABC):
    """Base class: a module whose parameters define one ``N x N`` unitary.

    Attributes:
        num_outputs: The dimension ``N`` of the statevectors the unitary acts on.
        is_complex: Whether the unitary may have complex entries (``False``: real orthogonal).
    """

    def __init__(self, num_outputs: int, *, is_complex: bool) -> None:
        super().__init__()
        _check_num_outputs(num_outputs)
        self.num_outputs = int(num_outputs)
        self.is_complex = bool(is_complex)

    @abstractmethod
    def unitary(self) -> torch.Tensor:
        """The unitary, shape ``(N, N)``, complex128, differentiable in the parameters."""

    def forward(self, statevectors: torch.Tensor) -> torch.Tensor:
        """Apply the unitary to each row of ``statevectors`` (shape ``(B, N)``); complex128."""
        statevectors = statevectors.to(torch.complex128)

        return statevectors @ self.unitary().transpose(0, 1)


class HouseholderProduct(UnitaryParametrisation):
    """A product of ``K`` Householder reflections, ``U = R(v_K) ... R(v_1)``.

    ``R(v) = I - 2 v v^dagger / (v^dagger v)`` is unitary and Hermitian with determinant -1,
    so ``det U = (-1)^K``; global phases do not matter to fidelities or probabilities. ``v_1``
    is applied first. The vectors are stored unnormalised (their scale is irrelevant), as
    float64 real and, when ``complex=True``, imaginary parts.

    Initialisation (seeded): near the identity, by :meth:`reset_in_subspace` with the
    standard basis: near-equal pairs of random vectors, whose reflections nearly cancel,
    plus for odd ``K`` one reflection near ``R(e_0)``. :func:`~qlens_q.fit.fit_unitary` then
    restarts the vectors inside the principal directions of the data's state changes.

    Args:
        num_outputs: The dimension ``N`` (at least 2).
        num_reflections: The number ``K`` of reflections, from 1 to ``2 N``.
        complex: Whether the vectors are complex (``U`` in ``U(N)`` up to phase) or real
            (``U`` real orthogonal).
        seed: Seed of the initial vectors.

    Raises:
        InvalidInputError: If ``num_outputs < 2`` or ``num_reflections`` is outside ``[1, 2N]``.
    """

    def __init__(
        self, num_outputs: int, num_reflections: int, *, complex: bool = True, seed: int = 0
    ) -> None:
        super().__init__(num_outputs, is_complex=complex)
        max_reflections = 2 * num_outputs
        if (
            isinstance(num_reflections, bool)
            or not isinstance(num_reflections, numbers.Integral)
            or not 1 <= num_reflections <= max_reflections
        ):
            raise InvalidInputError(
                "num_reflections must be an integer from 1 to 2 * num_outputs = "
                f"{max_reflections}; got {num_reflections!r}. Pass K in [1, {max_reflections}]."
            )
        self.num_reflections = int(num_reflections)

        shape = (num_reflections, num_outputs)
        self.real = nn.Parameter(torch.zeros(shape, dtype=torch.float64))
        if complex:
            self.imag = nn.Parameter(torch.zeros(shape, dtype=torch.float64))
        else:
            self.register_parameter("imag", None)
        self.reset_in_subspace(torch.eye(num_outputs, dtype=torch.float64), seed=seed)

    @torch.no_grad()
    def reset_in_subspace(self, basis: torch.Tensor, *, seed: int = 0) -> None:
        """Restart near the identity, with every vector inside the span of ``basis``.

        The reflections come in near-equal pairs, ``v_{2j+1} = v_{2j} + e`` with
        ``v_{2j} = sum_i g_i b_i`` (``g_i`` i.i.d. standard normal, complex when
        ``complex=True``) and ``e`` a perturbation of relative size
        :data:`HOUSEHOLDER_PAIR_NOISE`, so each pair ``R(v_{2j+1}) R(v_{2j})`` starts close
        to ``I``. For odd ``K`` the last vector starts near ``b_0``, the first row of ``basis``
        (the leading direction of change when ``basis`` comes from principal components), so
        ``U`` starts near the single reflection ``R(b_0)``.

        Args:
            basis: Orthonormal rows ``b_i``, shape ``(D, N)`` with ``D >= 1``, most important
                first; real or complex (only the real part is used when ``complex=False``).
            seed: Seed of the coefficients and perturbations.

        Raises:
            InvalidInputError: If ``basis`` is not ``(D, N)`` with ``D >= 1``.
        """
        if basis.ndim != 2 or basis.shape[0] < 1 or basis.shape[1] != self.num_outputs:
            raise InvalidInputError(
                f"basis must have shape (D, {self.num_outputs}) with D >= 1; got "
                f"{tuple(basis.shape)}."
            )
        generator = _generator(seed)
        num_basis = basis.shape[0]

        def normal(*shape: int) -> torch.Tensor:
            values = torch.randn(shape, generator=generator, dtype=torch.float64)
            if self.imag is None:
                return values
            imag = torch.randn(shape, generator=generator, dtype=torch.float64)
            return torch.complex(values, imag) / 2**0.5

        coefficients = normal(self.num_reflections, num_basis)
        scale = HOUSEHOLDER_PAIR_NOISE / num_basis**0.5
        for first in range(0, self.num_reflections - 1, 2):
            noise = scale * normal(num_basis) * coefficients[first].abs().square().sum().sqrt()
            coefficients[first + 1] = coefficients[first] + noise
        if self.num_reflections % 2:
            coefficients[-1] = scale * normal(num_basis)
            coefficients[-1, 0] = 1.0

        if self.imag is None:
            self.real.copy_(coefficients @ basis.real.to(torch.float64))
            return
        vectors = coefficients @ basis.to(torch.complex128)
        self.real.copy_(vectors.real)
        self.imag.copy_(vectors.imag)

    def reflection_vectors(self) -> torch.Tensor:
        """The unit vectors ``v_k / ||v_k||``, shape ``(K, N)``, row 0 applied first.

        complex128 when ``complex=True``, float64 otherwise.
        """
        vectors = self.real if self.imag is None else torch.complex(self.real, self.imag)
        norms = torch.linalg.vector_norm(vectors, dim=1, keepdim=True)

        return vectors / norms

    def unitary(self) -> torch.Tensor:
        """The unitary ``R(v_K) ... R(v_1)``, shape ``(N, N)``, complex128."""
        identity = torch.eye(self.num_outputs, dtype=torch.complex128)

        return self._reflect_rows(identity).transpose(0, 1)

    def forward(self, statevectors: torch.Tensor) -> torch.Tensor:
        """Apply ``U`` to each row of ``statevectors`` (shape ``(B, N)``); complex128.

        Two routes give the same result: reflecting the batch once per vector, ``O(K N)`` per
        state without forming ``U``, or building ``U`` (``O(K N^2)``, once) and multiplying,
        ``O(N^2)`` per state. The matrix product runs about
        :data:`HOUSEHOLDER_DIRECT_COST_RATIO` times faster per multiply-add (forward and
        backward, CPU float64), so the direct route is taken only when
        ``K * ratio <= N`` or ``K = 1``.
        """
        statevectors = statevectors.to(torch.complex128)
        if self.num_reflections == 1 or (
            self.num_reflections * HOUSEHOLDER_DIRECT_COST_RATIO <= self.num_outputs
        ):
            return self._reflect_rows(statevectors)

        return statevectors @ self.unitary().transpose(0, 1)

    def _reflect_rows(self, rows: torch.Tensor) -> torch.Tensor:
        """Apply ``R(v_1)``, then ``R(v_2)``, ... to every row of ``rows`` (shape ``(B, N)``)."""
        units = self.reflection_vectors().to(torch.complex128)
        for unit in units:
            # R(u) x = x - 2 u (u^dagger x) with ||u|| = 1, for every row x at once.
            rows = torch.addr(rows, rows @ unit.conj(), unit, alpha=-2.0)

        return rows


class ExponentialUnitary(UnitaryParametrisation):
    """A full unitary ``U = exp(A)`` with ``A = (X - X^dagger) / 2`` skew-Hermitian.

    ``X`` is an unconstrained complex ``N x N`` matrix stored as float64 real and imaginary
    parts; the exponential map covers all of ``U(N)``. Initialisation: the entries of ``X`` are
    i.i.d. normal with standard deviation :data:`EXPONENTIAL_INIT_SCALE`, drawn from ``seed``,
    so ``U`` starts near the identity.

    Args:
        num_outputs: The dimension ``N`` (at least 2).
        seed: Seed of the initial ``X``.

    Raises:
        InvalidInputError: If ``num_outputs < 2``.
    """

    def __init__(self, num_outputs: int, *, seed: int = 0) -> None:
        super().__init__(num_outputs, is_complex=True)
        generator = _generator(seed)
        shape = (num_outputs, num_outputs)
        scale = EXPONENTIAL_INIT_SCALE
        self.real = nn.Parameter(
            scale * torch.randn(shape, generator=generator, dtype=torch.float64)
        )
        self.imag = nn.Parameter(
            scale * torch.randn(shape, generator=generator, dtype=torch.float64)
        )

    def generator_matrix(self) -> torch.Tensor:
        """The skew-Hermitian ``A = (X - X^dagger) / 2``, shape ``(N, N)``, complex128."""
        matrix = torch.complex(self.real, self.imag)

        return 0.5 * (matrix - matrix.conj().transpose(0, 1))

    def unitary(self) -> torch.Tensor:
        """The unitary ``exp(A)``, shape ``(N, N)``, complex128."""
        return torch.linalg.matrix_exp(self.generator_matrix())


class OrthogonalUnitary(UnitaryParametrisation):
    """A real orthogonal ``N x N`` matrix, via :func:`torch.nn.utils.parametrizations.orthogonal`.

    The weight uses PyTorch's matrix-exponential map with trivialisation, ``Q = B exp(A)``
    with a fixed orthogonal base ``B``, so ``det Q = det B`` never changes during fitting: the
    two components of ``O(N)`` are reached by choosing ``determinant``. Initialisation: ``B``
    is the orthogonal factor of ``D + E``, where ``D = I`` (``determinant=1``) or
    ``diag(-1, 1, ..., 1)`` (``determinant=-1``) and ``E`` has i.i.d. normal entries with
    standard deviation :data:`ORTHOGONAL_INIT_SCALE` drawn from ``seed``; so ``Q`` starts near
    ``D``.

    Args:
        num_outputs: The dimension ``N`` (at least 2).
        determinant: The determinant, +1 or -1, of every matrix this module can reach.
        seed: Seed of the initial perturbation.

    Raises:
        InvalidInputError: If ``num_outputs < 2`` or ``determinant`` is not +1 or -1.
    """

    def __init__(self, num_outputs: int, *, determinant: int = 1, seed: int = 0) -> None:
        super().__init__(num_outputs, is_complex=False)
        if determinant not in (1, -1):
            raise InvalidInputError(
                f"determinant must be 1 or -1; got {determinant!r}. Pick the component of O(N) "
                "to fit in."
            )
        self.determinant = int(determinant)

        generator = _generator(seed)
        start = torch.eye(num_outputs, dtype=torch.float64)
        start[0, 0] = float(determinant)
        noise = torch.randn((num_outputs, num_outputs), generator=generator, dtype=torch.float64)
        weight = start + ORTHOGONAL_INIT_SCALE * noise
        q_factor, r_factor = torch.linalg.qr(weight)
        # Fix the signs so the factor stays next to ``start`` (QR is unique only up to them).
        weight = q_factor * torch.sign(torch.diagonal(r_factor))[None, :]

        self.linear = nn.Linear(num_outputs, num_outputs, bias=False, dtype=torch.float64)
        with torch.no_grad():
            self.linear.weight.copy_(weight)
        nn.utils.parametrizations.orthogonal(
            self.linear, "weight", orthogonal_map="matrix_exp", use_trivialization=True
        )

    def unitary(self) -> torch.Tensor:
        """The orthogonal matrix, shape ``(N, N)``, as complex128 (zero imaginary part)."""
        return self.linear.weight.to(torch.complex128)


def make_parametrisation(
    kind: ParametrisationKind,
    num_outputs: int,
    *,
    num_reflections: int | None = None,
    complex: bool = True,
    seed: int = 0,
    determinant: int = 1,
) -> UnitaryParametrisation:
    """Build a parametrisation by name.

    Args:
        kind: ``"householder"``, ``"exponential"`` or ``"orthogonal"``.
        num_outputs: The dimension ``N`` (at least 2).
        num_reflections: ``K`` for ``"householder"`` (default ``N``); must be ``None`` otherwise.
        complex: Complex unitary (``True``) or real orthogonal (``False``). ``"exponential"``
            is complex only and ``"orthogonal"`` real only.
        seed: Seed of the initial parameters.
        determinant: +1 or -1, the component of ``O(N)`` for ``"orthogonal"`` (ignored
            otherwise).

    Returns:
        The module, with float64 parameters.

    Raises:
        InvalidInputError: If ``kind`` is unknown (the message lists the choices), the
            ``complex`` flag does not fit ``kind``, or a dimension is out of range.
    """
    if kind not in PARAMETRISATIONS:
        raise InvalidInputError(
            f"parametrisation must be one of {', '.join(map(repr, PARAMETRISATIONS))}; got "
            f"{kind!r}."
        )
    if kind != "householder" and num_reflections is not None:
        raise InvalidInputError(
            f"num_reflections applies only to parametrisation='householder'; got "
            f"num_reflections={num_reflections!r} with {kind!r}. Leave it as None."
        )
    if kind == "exponential" and not complex:
        raise InvalidInputError(
            "parametrisation='exponential' must be complex; got complex=False. Use "
            "'orthogonal' or 'householder' for a real orthogonal fit."
        )
    if kind == "orthogonal" and complex:
        raise InvalidInputError(
            "parametrisation='orthogonal' must be real; got complex=True. Pass complex=False, "
            "or use 'exponential' or 'householder' for a complex unitary."
        )
    logger.debug("building %s parametrisation, N=%d, seed=%d", kind, num_outputs, seed)

    if kind == "householder":
        if num_reflections is None:
            num_reflections = num_outputs
        return HouseholderProduct(num_outputs, num_reflections, complex=complex, seed=seed)
    if kind == "exponential":
        return ExponentialUnitary(num_outputs, seed=seed)
    return OrthogonalUnitary(num_outputs, determinant=determinant, seed=seed)
