"""Unitary/Hermitian checks and the eigen view U = exp(-i alpha H) in both directions."""

import numpy as np
import pytest
import scipy.linalg
import scipy.stats

from qlens_q.exceptions import InvalidInputError, NotUnitaryError
from qlens_q.operators import (
    check_hermitian,
    check_unitary,
    eigen_decomposition,
    hamiltonian_from_unitary,
    householder_hamiltonians,
    householder_unitaries,
    spectrum,
    unitary_from_hamiltonian,
)
from qlens_q.tolerances import EXPM_ATOL, HERMITIAN_ATOL

ROUND_TRIP_ATOL = 1e-10


def _random_unit_vector(rng, size):
    vector = rng.normal(size=size)
    return vector / np.linalg.norm(vector)


@pytest.mark.parametrize("alpha", [1.0, 0.25, 3.0])
def test_householder_logarithm_is_exact(rng, alpha):
    v = _random_unit_vector(rng, 6)

    hamiltonian = hamiltonian_from_unitary(householder_unitaries(v), alpha=alpha)

    np.testing.assert_allclose(hamiltonian, householder_hamiltonians(v, alpha), atol=1e-12)
    np.testing.assert_allclose(spectrum(householder_unitaries(v), alpha)[-1], np.pi / alpha)


@pytest.mark.parametrize(
    ("unitary", "energy"),
    [(np.eye(4), 0.0), (-np.eye(4), np.pi), (-np.eye(1), np.pi), (np.diag([1.0, -1.0]), None)],
)
def test_degenerate_unitaries(unitary, energy):
    hamiltonian = hamiltonian_from_unitary(unitary)

    np.testing.assert_allclose(scipy.linalg.expm(-1j * hamiltonian), unitary, atol=EXPM_ATOL)
    if energy is not None:
        np.testing.assert_allclose(hamiltonian, energy * np.eye(len(unitary)), atol=1e-12)
        np.testing.assert_allclose(spectrum(unitary), energy)


def test_minus_identity_maps_to_plus_pi_whatever_the_rounding():
    tiny = 1e-17
    for phase in (tiny, -tiny):
        unitary = np.diag(np.exp(1j * (np.pi + np.array([phase, -phase]))))

        np.testing.assert_allclose(spectrum(unitary, alpha=2.0), [np.pi / 2, np.pi / 2])


@pytest.mark.parametrize("size", [2, 3, 8])
def test_random_unitary_round_trip(size):
    unitary = scipy.stats.unitary_group.rvs(size, random_state=size)

    hamiltonian = hamiltonian_from_unitary(unitary, alpha=0.7)
    energies = spectrum(unitary, alpha=0.7)

    check_hermitian(hamiltonian, atol=HERMITIAN_ATOL)
    np.testing.assert_allclose(unitary_from_hamiltonian(hamiltonian, 0.7), unitary, atol=1e-10)
    assert np.all(energies > -np.pi / 0.7) and np.all(energies <= np.pi / 0.7 + 1e-9)
    np.testing.assert_allclose(energies, np.linalg.eigvalsh(hamiltonian), atol=1e-10)


def test_real_orthogonal_round_trip():
    unitary = scipy.stats.ortho_group.rvs(5, random_state=3)

    hamiltonian = hamiltonian_from_unitary(unitary)

    np.testing.assert_allclose(scipy.linalg.expm(-1j * hamiltonian), unitary, atol=EXPM_ATOL)


def test_batched_round_trip(rng):
    raw = rng.normal(size=(3, 4, 4)) + 1j * rng.normal(size=(3, 4, 4))
    hamiltonians = (raw + np.swapaxes(raw.conj(), 1, 2)) / 2
    hamiltonians *= 2.5 / np.abs(np.linalg.eigvalsh(hamiltonians)).max(axis=1)[:, None, None]

    unitaries = unitary_from_hamiltonian(hamiltonians, alpha=1.0)

    assert unitaries.shape == (3, 4, 4)
    for hamiltonian, unitary in zip(hamiltonians, unitaries, strict=True):
        np.testing.assert_allclose(unitary, scipy.linalg.expm(-1j * hamiltonian), atol=1e-12)
    np.testing.assert_allclose(hamiltonian_from_unitary(unitaries), hamiltonians, atol=1e-10)


def test_eigen_decomposition_sorted(rng):
    energies, vectors = eigen_decomposition(np.diag([2.0, -1.0, 0.5]))

    np.testing.assert_allclose(energies, [-1.0, 0.5, 2.0])
    np.testing.assert_allclose(np.abs(vectors), np.eye(3)[:, [1, 2, 0]])


def test_not_unitary_reports_distance():
    with pytest.raises(NotUnitaryError, match=r"got max\|U\^dagger U - I\| = 0\.21"):
        check_unitary(np.diag([1.0, 1.1]))
    with pytest.raises(NotUnitaryError, match="my_gate must be unitary"):
        check_unitary(2 * np.eye(2), name="my_gate")
    with pytest.raises(NotUnitaryError, match=r"unitary must be unitary within atol=1e-10"):
        hamiltonian_from_unitary(np.diag([1.0, 1.1]))


def test_not_hermitian_reports_distance():
    with pytest.raises(InvalidInputError, match=r"got max\|H - H\^dagger\| = 1"):
        unitary_from_hamiltonian(np.array([[0.0, 1.0], [0.0, 0.0]]))


@pytest.mark.parametrize("alpha", [0.0, -2.0, np.nan])
def test_spectral_alpha_errors(alpha):
    with pytest.raises(InvalidInputError, match="alpha must be a finite number > 0"):
        hamiltonian_from_unitary(np.eye(2), alpha=alpha)
    with pytest.raises(InvalidInputError, match="alpha must be a finite number > 0"):
        unitary_from_hamiltonian(np.eye(2), alpha=alpha)


def test_non_square_rejected():
    with pytest.raises(InvalidInputError, match=r"shape \(N, N\) or \(\.\.\., N, N\); got shape"):
        check_unitary(np.ones((2, 3)))


@pytest.mark.parametrize("alpha", [0.3, 1.0, 2.0, 7.5])
@pytest.mark.parametrize("gap", [0.0, 1e-16, 1e-12, 5e-12])
def test_energies_near_the_branch_cut_stay_in_range(alpha, gap):
    # Regression: eigenphase pi - 1e-10 gave energy (pi + 1e-10)/alpha > pi/alpha.
    phases = np.array([np.pi - gap, -np.pi + gap, 0.5])
    unitary = np.diag(np.exp(1j * phases))

    energies = spectrum(unitary, alpha)
    hamiltonian = hamiltonian_from_unitary(unitary, alpha)

    assert np.all(energies <= np.pi / alpha) and np.all(energies > -np.pi / alpha)
    np.testing.assert_array_equal(energies[-2:], [np.pi / alpha, np.pi / alpha])
    np.testing.assert_allclose(
        np.diag(hamiltonian).real, [np.pi / alpha, np.pi / alpha, -0.5 / alpha]
    )
    reconstruction = scipy.linalg.expm(-1j * alpha * hamiltonian)
    np.testing.assert_allclose(reconstruction, unitary, atol=EXPM_ATOL + gap)


@pytest.mark.parametrize("gap", [1e-10, 5e-10])
def test_energies_just_outside_the_snap_tolerance_stay_in_range(gap):
    phases = np.array([np.pi - gap, -np.pi + gap])

    energies = spectrum(np.diag(np.exp(1j * phases)), 1.0)

    assert np.all(energies <= np.pi) and np.all(energies > -np.pi)
    np.testing.assert_allclose(energies, [-np.pi + gap, np.pi - gap], rtol=0, atol=1e-15)


def test_energies_off_the_cut_are_exact():
    phases = np.array([np.pi - 1e-6, -np.pi + 1e-6])

    energies = spectrum(np.diag(np.exp(1j * phases)), 1.0)

    np.testing.assert_allclose(energies, [-np.pi + 1e-6, np.pi - 1e-6], rtol=0, atol=1e-15)
