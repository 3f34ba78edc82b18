"""Named numerical tolerances shared by the code and the tests.

Exact (statevector, linear-algebra) tolerances live apart from shot-based ones: the latter are
derived from binomial bounds where they are needed, never guessed.
"""

#: How far ``sum(p)`` may be from 1 before a probability vector is rejected.
PROBABILITY_SUM_ATOL = 1e-6

#: Below this norm ``||Psi_1 - Psi_0||`` a layer is taken as the identity (no 0/0).
IDENTITY_NORM_ATOL = 1e-12

#: ``U @ psi0`` must equal ``psi1`` to this (max-abs) tolerance for a Householder layer.
STATEVECTOR_ATOL = 1e-12

#: ``||U^dagger U - I||_max`` above which a matrix is not accepted as unitary.
UNITARY_ATOL = 1e-10

#: ``||H - H^dagger||_max`` above which a matrix is not accepted as Hermitian.
HERMITIAN_ATOL = 1e-12

#: ``expm(-i alpha H)`` must reproduce ``U`` to this (max-abs) tolerance.
EXPM_ATOL = 1e-10

#: Max-abs difference allowed between a circuit's statevector probabilities and the model's.
CIRCUIT_PROBABILITY_ATOL = 1e-9

#: ``||psi||_2`` must be within this of 1 for a statevector to count as normalised.
STATE_NORM_ATOL = 1e-10

#: Eigenvalues of a unitary this close (in phase) to -1 are read as energy ``+pi/alpha``.
#: Kept well below EXPM_ATOL so that snapping to the branch never spoils ``expm(-i alpha H) = U``.
EIGENPHASE_BRANCH_ATOL = 1e-11

#: Below this Frobenius norm a matrix counts as zero (cosine similarity undefined).
ZERO_MATRIX_NORM_ATOL = 1e-12

#: Relative slack when comparing resampled statistics with the observed one (ties count).
RESAMPLING_TIE_RTOL = 1e-12
