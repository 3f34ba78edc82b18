"""Householder layers, Hamiltonians and the unitary/Hamiltonian eigen view.

Only the modules below are imported here; parametrised unitaries live in
:mod:`qlens_q.operators.parametrisations` and are imported from there.
"""

from qlens_q.operators.householder import (
    HouseholderLayer,
    delta_psi,
    householder_hamiltonians,
    householder_unitaries,
    householder_vectors,
)
from qlens_q.operators.spectral import (
    check_hermitian,
    check_unitary,
    eigen_decomposition,
    hamiltonian_from_unitary,
    spectrum,
    unitary_from_hamiltonian,
)

__all__ = [
    "HouseholderLayer",
    "check_hermitian",
    "check_unitary",
    "delta_psi",
    "eigen_decomposition",
    "hamiltonian_from_unitary",
    "householder_hamiltonians",
    "householder_unitaries",
    "householder_vectors",
    "spectrum",
    "unitary_from_hamiltonian",
]
