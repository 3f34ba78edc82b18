"""Per-example Householder layers: the reflection that carries one layer's state to the next.

QLENS (https://arxiv.org/abs/2510.11963) reads a layer acting on one example as the
Householder reflection

    U = I - 2 v v^dagger,    v = (Psi_1 - Psi_0) / ||Psi_1 - Psi_0||,

which maps ``Psi_0`` to ``Psi_1`` when ``<Psi_0|Psi_1>`` is real (always the case for
amplitude-encoded probability vectors, whose amplitudes are non-negative). Its Hamiltonian
``H = (pi/alpha) v v^dagger`` has the single non-zero energy ``lambda = pi/alpha`` and gives
``U = expm(-i alpha H)``. The state change has the closed form

    Delta Psi = U Psi_0 - Psi_0 = (exp(-i alpha lambda) - 1) v <v|Psi_0> = -2 v <v|Psi_0>.

When ``||Psi_1 - Psi_0|| < atol`` the layer is the identity: ``v`` is the zero vector,
``U = I``, ``H = 0`` and ``Delta Psi = 0`` (never 0/0).

Shapes: vectors and states are ``(N,)`` or ``(batch, N)``; matrices ``(..., N, N)``.
"""

import logging
from dataclasses import dataclass, field

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators.spectral import _check_alpha
from qlens_q.states.validation import check_unit_rows
from qlens_q.tolerances import IDENTITY_NORM_ATOL, STATE_NORM_ATOL

logger = logging.getLogger(__name__)


def _statevectors(states: np.ndarray, name: str) -> np.ndarray:
    """Return finite unit-norm ``(N,)`` or ``(batch, N)`` states, or raise naming ``name``."""
    array = np.asarray(states)
    if not np.issubdtype(array.dtype, np.number) or array.ndim not in (1, 2):
        raise InvalidInputError(
            f"{name} must be a numeric array of shape (N,) or (batch, N); got shape "
            f"{array.shape} and dtype {array.dtype}"
        )
    if array.shape[-1] < 2:
        raise InvalidInputError(f"{name} must have N >= 2 amplitudes; got N={array.shape[-1]}")
    if not np.all(np.isfinite(array)):
        raise InvalidInputError(f"{name} must be finite; got NaN or inf entries")
    norms = np.linalg.norm(array, axis=-1)
    if np.any(np.abs(norms - 1.0) > STATE_NORM_ATOL):
        worst = np.atleast_1d(norms)[np.argmax(np.abs(np.atleast_1d(norms) - 1.0))]
        raise InvalidInputError(
            f"{name} must have unit 2-norm within {STATE_NORM_ATOL:g}; got norm {worst:.12g}; "
            "encode probabilities with qlens_q.states.amplitudes"
        )
    return array


def _vectors(vectors: np.ndarray) -> np.ndarray:
    """Return Householder vectors as a finite ``(N,)`` or ``(batch, N)`` array.

    Every row must be a unit vector (2-norm 1 within ``STATE_NORM_ATOL``) or exactly zero
    (identity layer): ``I - 2 v v^dagger`` is a reflection, hence unitary, only for those.
    """
    array = np.asarray(vectors)
    if not np.issubdtype(array.dtype, np.number) or array.ndim not in (1, 2):
        raise InvalidInputError(
            f"vectors must be a numeric array of shape (N,) or (batch, N); got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidInputError("vectors must be finite; got NaN or inf entries")
    check_unit_rows(array, name="vectors")
    return array


def householder_vectors(
    psi0: np.ndarray, psi1: np.ndarray, *, atol: float = IDENTITY_NORM_ATOL
) -> np.ndarray:
    """Unit vectors ``v = (psi1 - psi0) / ||psi1 - psi0||``, zero rows for identity layers.

    Args:
        psi0: States before the layer, ``(N,)`` or ``(batch, N)``, unit norm.
        psi1: States after the layer, same shape as ``psi0``, unit norm.
        atol: Rows with ``||psi1 - psi0|| < atol`` get the zero vector (identity layer).

    Returns:
        Array with the inputs' shape, real when both inputs are real.

    Raises:
        InvalidInputError: If the shapes differ, a state is not unit-norm, or an entry is not
            finite.
    """
    psi0 = _statevectors(psi0, "psi0")
    psi1 = _statevectors(psi1, "psi1")
    if psi0.shape != psi1.shape:
        raise InvalidInputError(
            f"psi0 and psi1 must have the same shape (same batch and N); got psi0 "
            f"{psi0.shape} and psi1 {psi1.shape}"
        )

    overlap_imag = np.abs(np.sum(psi0.conj() * psi1, axis=-1).imag)
    if np.any(overlap_imag > STATE_NORM_ATOL):
        raise InvalidInputError(
            "psi0 and psi1 must have a real overlap <psi0|psi1> for a Householder reflection to "
            f"map one to the other; got |Im <psi0|psi1>| up to {overlap_imag.max():.3g}; "
            "fix the relative global phase of psi1"
        )
    difference = psi1 - psi0
    norms = np.linalg.norm(difference, axis=-1, keepdims=True)
    identity = norms < atol
    vectors = difference / np.where(identity, 1.0, norms)
    vectors = np.where(identity, 0.0, vectors)
    logger.debug("householder_vectors: %d identity rows of %d", identity.sum(), identity.size)

    return vectors


def householder_unitaries(vectors: np.ndarray) -> np.ndarray:
    """Reflections ``U = I - 2 v v^dagger``, shape ``(..., N, N)``; a zero vector gives ``I``.

    Raises:
        InvalidInputError: If a row of ``vectors`` is neither unit-norm nor zero, or is not
            finite.
    """
    v = _vectors(vectors)
    identity = np.eye(v.shape[-1], dtype=v.dtype)

    return identity - 2.0 * v[..., :, None] * v.conj()[..., None, :]


def householder_hamiltonians(vectors: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Hamiltonians ``H = (pi/alpha) v v^dagger``, shape ``(..., N, N)``; zero vector gives 0.

    Raises:
        InvalidInputError: If ``alpha`` is not finite and positive, or a row of ``vectors`` is
            neither unit-norm nor zero.
    """
    alpha = _check_alpha(alpha)
    v = _vectors(vectors)

    return (np.pi / alpha) * v[..., :, None] * v.conj()[..., None, :]


def delta_psi(vectors: np.ndarray, psi0: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """State change ``U psi0 - psi0 = (exp(-i alpha lambda) - 1) v <v|psi0>`` (closed form).

    Since ``alpha lambda = pi`` the prefactor is exactly ``-2`` for every ``alpha``; ``alpha`` is
    still validated so that it matches :func:`householder_hamiltonians`.

    Args:
        vectors: Householder vectors ``(N,)`` or ``(batch, N)``, unit or zero rows.
        psi0: States before the layer, same shape.
        alpha: Layer step, finite and positive.

    Returns:
        Array of the inputs' shape (real for real inputs).

    Raises:
        InvalidInputError: On mismatched shapes, a non-positive ``alpha``, or a row of
            ``vectors`` that is neither unit-norm nor zero.
    """
    _check_alpha(alpha)
    v = _vectors(vectors)
    psi0 = _statevectors(psi0, "psi0")
    if v.shape != psi0.shape:
        raise InvalidInputError(
            f"vectors and psi0 must have the same shape; got vectors {v.shape} and psi0 "
            f"{psi0.shape}"
        )
    # exp(-i alpha * pi/alpha) - 1 = -2 exactly; writing it out avoids a 1e-16 imaginary part.
    overlap = np.sum(v.conj() * psi0, axis=-1, keepdims=True)

    return -2.0 * v * overlap


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only copy of ``array`` (frozen dataclasses should not expose mutable buffers)."""
    copy = np.array(array)
    copy.setflags(write=False)
    return copy


@dataclass(frozen=True, eq=False)
class HouseholderLayer:
    """One layer read as a batch of per-example Householder reflections.

    Attributes:
        name: Layer name (e.g. ``"layer_3"``).
        vectors: Householder vectors, shape ``(batch, N)``: unit rows, or zero rows for
            identity layers.
        identity_mask: Boolean, shape ``(batch,)``, True exactly where the row of ``vectors``
            is zero (the example's layer is the identity); derived from ``vectors`` when
            omitted.

    Raises:
        InvalidInputError: If a row of ``vectors`` is neither unit-norm nor zero, the mask
            does not match the zero rows, or ``alpha`` is not finite and positive.
        alpha: Layer step (time) of ``U = expm(-i alpha H)``.
    """

    name: str
    vectors: np.ndarray
    identity_mask: np.ndarray = field(default=None)  # type: ignore[assignment]
    alpha: float = 1.0

    def __post_init__(self) -> None:
        vectors = _vectors(self.vectors)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        zero_rows = ~np.any(vectors != 0, axis=-1)
        mask = zero_rows if self.identity_mask is None else np.asarray(self.identity_mask)
        if mask.dtype != np.bool_ or mask.shape != vectors.shape[:1]:
            raise InvalidInputError(
                f"identity_mask must be a boolean array of shape ({vectors.shape[0]},) to "
                f"match vectors; got dtype {mask.dtype} and shape {mask.shape}"
            )
        if np.any(mask != zero_rows):
            row = int(np.argmax(mask != zero_rows))
            raise InvalidInputError(
                "identity_mask must be True exactly on the zero rows of vectors; got "
                f"identity_mask[{row}]={bool(mask[row])} for a "
                f"{'zero' if zero_rows[row] else 'non-zero'} row; leave identity_mask=None to "
                "derive it from vectors"
            )
        object.__setattr__(self, "vectors", _read_only(vectors))
        object.__setattr__(self, "identity_mask", _read_only(mask))
        object.__setattr__(self, "alpha", _check_alpha(self.alpha))

    @classmethod
    def from_states(
        cls, name: str, psi0: np.ndarray, psi1: np.ndarray, alpha: float = 1.0
    ) -> "HouseholderLayer":
        """Build the layer mapping each row of ``psi0`` to the same row of ``psi1``.

        Raises:
            InvalidInputError: See :func:`householder_vectors`; also for a bad ``alpha``.
        """
        vectors = householder_vectors(psi0, psi1)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        identity_mask = ~np.any(vectors != 0, axis=-1)

        return cls(name=name, vectors=vectors, identity_mask=identity_mask, alpha=alpha)

    @property
    def num_outputs(self) -> int:
        """Number of output units ``N``."""
        return int(self.vectors.shape[-1])

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def unitaries(self) -> np.ndarray:
        """Reflections ``I - 2 v v^dagger``, shape ``(batch, N, N)``."""
        return householder_unitaries(self.vectors)

    @property
    def hamiltonians(self) -> np.ndarray:
        """Hamiltonians ``(pi/alpha) v v^dagger``, shape ``(batch, N, N)``."""
        return householder_hamiltonians(self.vectors, self.alpha)

    def delta_psi(self, psi0: np.ndarray) -> np.ndarray:
        """State changes ``U psi0 - psi0`` for states ``psi0`` of shape ``(batch, N)``."""
        psi0 = np.asarray(psi0)
        if psi0.ndim == 1:
            psi0 = psi0[None, :]
        return delta_psi(self.vectors, psi0, self.alpha)
