"""Unitary and Hermitian checks, and the eigen view ``U = exp(-i alpha H)`` in both directions.

Time is measured in units of the layer step ``alpha`` (dimensionless): a layer applies
``U = expm(-i alpha H)``, so energies ``E`` of ``H`` and eigenphases ``exp(-i alpha E)`` of ``U``
determine each other up to multiples of ``2 pi / alpha``. :func:`hamiltonian_from_unitary`
picks the principal branch ``E in (-pi/alpha, pi/alpha]``, with eigenvalue ``-1`` of ``U`` read
as ``E = +pi/alpha``, so a Householder reflection gives back ``(pi/alpha) v v^dagger``.

Every function accepts one matrix ``(N, N)`` or a batch ``(..., N, N)``.
"""

import logging

import numpy as np
import scipy.linalg

from qlens_q.exceptions import InvalidInputError, NotUnitaryError
from qlens_q.tolerances import EIGENPHASE_BRANCH_ATOL, EXPM_ATOL, HERMITIAN_ATOL, UNITARY_ATOL

logger = logging.getLogger(__name__)


def _square_batch(matrix: np.ndarray, name: str) -> np.ndarray:
    """Return ``matrix`` as a finite ``(..., N, N)`` array or raise naming ``name``."""
    array = np.asarray(matrix)
    if array.ndim < 2 or array.shape[-1] != array.shape[-2]:
        raise InvalidInputError(
            f"{name} must have shape (N, N) or (..., N, N); got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidInputError(f"{name} must be finite; got NaN or inf entries")
    return array


def check_unitary(
    matrix: np.ndarray, *, name: str = "unitary", atol: float = UNITARY_ATOL
) -> np.ndarray:
    """Return ``matrix`` if ``max|U^dagger U - I| <= atol`` for every matrix in the batch.

    Raises:
        NotUnitaryError: With the largest distance ``max|U^dagger U - I|`` found.
        InvalidInputError: If the array is not a (batch of) square matrices.
    """
    array = _square_batch(matrix, name)
    identity = np.eye(array.shape[-1])
    distance = np.abs(np.swapaxes(array.conj(), -1, -2) @ array - identity)
    worst = float(distance.max()) if distance.size else 0.0
    if worst > atol:
        raise NotUnitaryError(
            f"{name} must be unitary within atol={atol:g}; got max|U^dagger U - I| = "
            f"{worst:.3g}; check its construction or orthonormalise it (e.g. polar decomposition)"
        )

    return array


def check_hermitian(
    matrix: np.ndarray, *, name: str = "hamiltonian", atol: float = HERMITIAN_ATOL
) -> np.ndarray:
    """Return ``matrix`` if ``max|H - H^dagger| <= atol`` for every matrix in the batch.

    Raises:
        InvalidInputError: With the largest distance ``max|H - H^dagger|`` found.
    """
    array = _square_batch(matrix, name)
    distance = np.abs(array - np.swapaxes(array.conj(), -1, -2))
    worst = float(distance.max()) if distance.size else 0.0
    if worst > atol:
        raise InvalidInputError(
            f"{name} must be Hermitian within atol={atol:g}; got max|H - H^dagger| = "
            f"{worst:.3g}; symmetrise it with (H + H^dagger) / 2 if the gap is rounding"
        )

    return array


def _check_alpha(alpha: float) -> float:
    """Return ``alpha`` as a float if it is finite and positive."""
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.number):
        raise InvalidInputError(f"alpha must be a finite number > 0; got {alpha!r}")
    if not np.isfinite(alpha) or alpha <= 0:
        raise InvalidInputError(f"alpha must be a finite number > 0; got {alpha!r}")
    return float(alpha)


def eigen_decomposition(hamiltonian: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Energies (ascending) and eigenvectors (columns) of a Hermitian matrix, via ``eigh``.

    Args:
        hamiltonian: Hermitian matrix ``(N, N)`` or batch ``(..., N, N)``.

    Returns:
        ``(energies, eigenvectors)`` of shapes ``(..., N)`` and ``(..., N, N)``.

    Raises:
        InvalidInputError: If the matrix is not Hermitian within ``HERMITIAN_ATOL``.
    """
    array = check_hermitian(hamiltonian)
    return np.linalg.eigh(array)


def unitary_from_hamiltonian(hamiltonian: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """``U = sum_k exp(-i alpha E_k) |E_k><E_k|`` for Hermitian ``H``, i.e. ``expm(-i alpha H)``.

    Args:
        hamiltonian: Hermitian matrix ``(N, N)`` or batch ``(..., N, N)``.
        alpha: Layer step (time), finite and positive.

    Returns:
        ``complex128`` unitary with the input's shape.

    Raises:
        InvalidInputError: If ``H`` is not Hermitian or ``alpha`` is not positive.
    """
    alpha = _check_alpha(alpha)
    energies, eigenvectors = eigen_decomposition(hamiltonian)
    phases = np.exp(-1j * alpha * energies)

    return (eigenvectors * phases[..., None, :]) @ np.swapaxes(eigenvectors.conj(), -1, -2)


def _schur_eigen(unitary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues and orthonormal eigenvectors of one normal matrix via complex Schur form."""
    triangular, basis = scipy.linalg.schur(unitary.astype(np.complex128), output="complex")
    return np.diag(triangular), basis


def _energies(eigenvalues: np.ndarray, alpha: float) -> np.ndarray:
    """Energies in ``(-pi/alpha, pi/alpha]`` with ``exp(-i alpha E) = eigenvalue``.

    Eigenvalues within ``EIGENPHASE_BRANCH_ATOL`` (in phase) of ``-1``, on either side of the
    branch cut, are read as exactly ``-1``, i.e. energy ``+pi/alpha``; so the range holds
    exactly and a Householder reflection gives ``+pi/alpha`` whatever the rounding.
    """
    phases = np.angle(eigenvalues)
    energies = -phases / alpha + 0.0  # + 0.0 turns -0.0 into 0.0
    at_cut = np.abs(phases) > np.pi - EIGENPHASE_BRANCH_ATOL

    return np.where(at_cut, np.pi / alpha, energies)


def hamiltonian_from_unitary(unitary: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Principal Hamiltonian ``H = (i/alpha) log U`` with energies in ``(-pi/alpha, pi/alpha]``.

    The logarithm is taken in the eigenbasis of the complex Schur form ``U = Z T Z^dagger``
    (``T`` is diagonal for a normal matrix, degenerate eigenvalues included). An eigenvalue
    ``-1`` maps to ``+pi/alpha`` deterministically, so for a Householder reflection
    ``U = I - 2 v v^dagger`` this returns ``(pi/alpha) v v^dagger``. Eigenvalues within
    ``EIGENPHASE_BRANCH_ATOL`` (in phase) of ``-1`` are read as ``-1``; the reconstruction
    check allows for that shift on top of ``EXPM_ATOL``.

    Args:
        unitary: Unitary ``(N, N)`` or batch ``(..., N, N)``.
        alpha: Layer step (time), finite and positive.

    Returns:
        ``complex128`` Hermitian matrix with the input's shape.

    Raises:
        NotUnitaryError: If ``unitary`` is not unitary within ``UNITARY_ATOL``.
        InvalidInputError: If ``alpha`` is not positive, or if the result is not Hermitian
            within ``HERMITIAN_ATOL`` or does not reproduce ``U`` within ``EXPM_ATOL``.
    """
    alpha = _check_alpha(alpha)
    array = check_unitary(unitary)
    flat = array.reshape((-1,) + array.shape[-2:])

    hamiltonians = np.empty(flat.shape, dtype=np.complex128)
    branch_shift = 0.0
    for index, matrix in enumerate(flat):
        eigenvalues, basis = _schur_eigen(matrix)
        energies = _energies(eigenvalues, alpha)
        hamiltonians[index] = (basis * energies) @ basis.conj().T
        # How far reading eigenvalues near -1 as exactly -1 moved them (0 off the cut).
        snapped = np.exp(-1j * alpha * energies) - eigenvalues
        branch_shift = max(branch_shift, float(np.abs(snapped).max(initial=0.0)))

    # Symmetrise after checking that the raw logarithm is already Hermitian.
    check_hermitian(hamiltonians, name="log of unitary")
    hamiltonians = 0.5 * (hamiltonians + np.swapaxes(hamiltonians.conj(), -1, -2))
    error = np.abs(scipy.linalg.expm(-1j * alpha * hamiltonians) - flat).max()
    if error > EXPM_ATOL + branch_shift:
        raise InvalidInputError(
            f"unitary logarithm is inaccurate: max|expm(-i alpha H) - U| = {error:.3g} exceeds "
            f"EXPM_ATOL={EXPM_ATOL:g} (plus {branch_shift:.3g} from eigenvalues read as -1); "
            "the unitary may be ill-conditioned or not normal"
        )
    logger.debug("hamiltonian_from_unitary: %d matrices, expm error %.3g", len(flat), error)

    return hamiltonians.reshape(array.shape)


def spectrum(unitary: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Sorted principal energies ``E in (-pi/alpha, pi/alpha]`` of ``U = exp(-i alpha H)``.

    Eigenvalues within ``EIGENPHASE_BRANCH_ATOL`` (in phase) of ``-1`` give exactly
    ``+pi/alpha``.

    Args:
        unitary: Unitary ``(N, N)`` or batch ``(..., N, N)``.
        alpha: Layer step (time), finite and positive.

    Returns:
        ``float64`` array of shape ``(..., N)``, ascending along the last axis.

    Raises:
        NotUnitaryError: If ``unitary`` is not unitary within ``UNITARY_ATOL``.
    """
    alpha = _check_alpha(alpha)
    array = check_unitary(unitary)
    flat = array.reshape((-1,) + array.shape[-2:])
    energies = np.stack([_energies(_schur_eigen(matrix)[0], alpha) for matrix in flat])

    return np.sort(energies, axis=-1).reshape(array.shape[:-1])
