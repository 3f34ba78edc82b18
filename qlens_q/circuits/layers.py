"""Layers a trajectory circuit is compiled from: products of reflections, or dense unitaries.

Both act on the ``N`` output units; the compiler pads them with the identity on the
``2**num_qubits - N`` padding states.
"""

import logging
from dataclasses import dataclass

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators.spectral import check_unitary
from qlens_q.states.validation import check_unit_rows

logger = logging.getLogger(__name__)


def _read_only(array: np.ndarray) -> np.ndarray:
    copy = np.array(array)
    copy.setflags(write=False)
    return copy


def reflection_matrix(vector: np.ndarray) -> np.ndarray:
    """``R(v) = I - 2 |v><v|`` for a unit (or zero, giving ``I``) vector of shape ``(N,)``."""
    v = np.asarray(vector)
    return np.eye(v.shape[-1], dtype=np.result_type(v, np.float64)) - 2.0 * np.outer(v, v.conj())


@dataclass(frozen=True, eq=False)
class ReflectionLayer:
    """A layer applied as the product of reflections ``R(v_K) ... R(v_1)`` (``v_1`` first).

    Attributes:
        name: Layer name, used in barrier labels and the circuit name.
        vectors: Real or complex unit vectors, shape ``(K, N)``; a ``(N,)`` input is promoted
            to ``(1, N)``. A zero row is the identity.
    """

    name: str
    vectors: np.ndarray

    def __post_init__(self) -> None:
        vectors = np.asarray(self.vectors)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        if not np.issubdtype(vectors.dtype, np.number) or vectors.ndim != 2:
            raise InvalidInputError(
                f"vectors of layer {self.name!r} must have shape (K, N) or (N,); got shape "
                f"{np.shape(self.vectors)}"
            )
        if vectors.shape[1] < 2 or vectors.shape[0] < 1:
            raise InvalidInputError(
                f"vectors of layer {self.name!r} must have K >= 1 rows and N >= 2 columns; "
                f"got shape {vectors.shape}"
            )
        if not np.all(np.isfinite(vectors)):
            raise InvalidInputError(f"vectors of layer {self.name!r} must be finite")
        check_unit_rows(vectors, name=f"vectors of layer {self.name!r}")
        object.__setattr__(self, "vectors", _read_only(vectors))

    @property
    def num_outputs(self) -> int:
        """Number of output units ``N``."""
        return int(self.vectors.shape[1])

    def unitary(self) -> np.ndarray:
        """Dense ``(N, N)`` matrix ``R(v_K) ... R(v_1)``."""
        matrix = np.eye(self.num_outputs, dtype=np.result_type(self.vectors, np.float64))
        for vector in self.vectors:
            matrix = reflection_matrix(vector) @ matrix
        return matrix


@dataclass(frozen=True, eq=False)
class UnitaryLayer:
    """A layer applied as one dense unitary (checked to ``UNITARY_ATOL``).

    Attributes:
        name: Layer name, used in barrier labels and the circuit name.
        unitary: Matrix of shape ``(N, N)`` acting on the output units.
    """

    name: str
    unitary: np.ndarray

    def __post_init__(self) -> None:
        matrix = check_unitary(self.unitary, name=f"unitary of layer {self.name!r}")
        if matrix.ndim != 2 or matrix.shape[0] < 2:
            raise InvalidInputError(
                f"unitary of layer {self.name!r} must have shape (N, N) with N >= 2; got "
                f"{matrix.shape}"
            )
        object.__setattr__(self, "unitary", _read_only(matrix))

    @property
    def num_outputs(self) -> int:
        """Number of output units ``N``."""
        return int(self.unitary.shape[0])
