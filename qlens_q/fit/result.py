"""The result of a fit: :class:`FittedUnitary`, with its unitary, Hamiltonian and file format.

File format (``save`` / ``load``): one safetensors file. The tensors are the parametrisation's
state dict (float64); the header's metadata holds, under the key :data:`METADATA_KEY`, a JSON
object with ``schema_version`` (:data:`SCHEMA_VERSION`) and every other field. The file is
written to a temporary file beside the target and renamed into place, so a killed run never
leaves half a file.
"""

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from qlens_q.exceptions import DataError, InvalidInputError
from qlens_q.fit._validation import as_statevectors
from qlens_q.io import atomic_write
from qlens_q.operators import spectral
from qlens_q.operators.parametrisations import UnitaryParametrisation, make_parametrisation

logger = logging.getLogger(__name__)

#: Version of the saved-file layout; bumped whenever fields or tensor names change.
SCHEMA_VERSION = 1

#: The safetensors metadata key holding the JSON description of a fitted unitary.
METADATA_KEY = "qlens_q.fitted_unitary"


@dataclass(frozen=True, eq=False)
class FittedUnitary:
    """One unitary ``U`` fitted across inputs so that ``U |Psi_{l-1}> ~ |Psi_l>``.

    Compared by identity (``eq=False``): the parameters are tensors.

    Attributes:
        num_outputs: The dimension ``N`` of the statevectors.
        parametrisation: ``"householder"``, ``"exponential"`` or ``"orthogonal"``.
        num_reflections: ``K`` for ``"householder"``, else ``None``.
        complex: Whether ``U`` may be complex (``False``: real orthogonal).
        objective: ``"fidelity"`` or ``"kl"``, the loss that was minimised.
        seed: Seed of the initialisation, the validation split and the batch order.
        history: Per-epoch lists ``train_loss``, ``train_fidelity``, ``validation_loss`` and
            ``validation_fidelity`` (the validation lists are empty without a validation
            slice), each measured on the parameters the epoch ends with.
        best_epoch: 0-based epoch whose parameters were kept: the lowest validation loss,
            or the lowest training loss without a validation slice.
        num_epochs: Number of epochs run (fewer than the maximum after early stopping).
        seconds: Wall-clock time of the fit, in seconds.
        parameters: The parametrisation's state dict (detached float64 CPU tensors).
        optimizer: ``"adam"`` or ``"lbfgs"``.
        learning_rate: The optimiser's learning rate.
        restart: Index of the restart whose parameters were kept (initialised from
            ``seed + restart``).
    """

    num_outputs: int
    parametrisation: str
    num_reflections: int | None
    complex: bool
    objective: str
    seed: int
    history: dict[str, list[float]]
    best_epoch: int
    num_epochs: int
    seconds: float
    parameters: dict[str, torch.Tensor] = field(repr=False)
    optimizer: str = "adam"
    learning_rate: float = 0.0
    restart: int = 0

    def to_module(self) -> UnitaryParametrisation:
        """A fresh parametrisation module holding these parameters (in eval mode)."""
        module = make_parametrisation(
            self.parametrisation,  # type: ignore[arg-type]
            self.num_outputs,
            num_reflections=self.num_reflections,
            complex=self.complex,
        )
        module.load_state_dict(self.parameters)

        return module.eval()

    def unitary(self) -> np.ndarray:
        """The fitted unitary ``U``, complex128, shape ``(N, N)``."""
        with torch.no_grad():
            matrix = self.to_module().unitary()

        return matrix.numpy().astype(np.complex128)

    def reflection_vectors(self) -> np.ndarray | None:
        """Unit reflection vectors ``(K, N)``, row 0 applied first; ``None`` if not Householder.

        complex128 when ``complex`` is true, float64 otherwise.
        """
        if self.parametrisation != "householder":
            return None
        with torch.no_grad():
            vectors = self.to_module().reflection_vectors()  # type: ignore[operator]

        return vectors.numpy().copy()

    def apply(self, statevectors: np.ndarray) -> np.ndarray:
        """Apply ``U`` to statevectors.

        Args:
            statevectors: Unit-norm statevectors, shape ``(M, N)`` (one per row) or ``(N,)``.

        Returns:
            ``U x`` for each row ``x``, complex128, with the input's shape.

        Raises:
            InvalidInputError: If the shape does not end in ``N``, or a row is not finite and
                unit-norm.
        """
        single = np.ndim(statevectors) == 1
        rows = as_statevectors(statevectors, name="statevectors", allow_single=True)
        if rows.shape[1] != self.num_outputs:
            raise InvalidInputError(
                f"statevectors must have N={self.num_outputs} amplitudes per row (this "
                f"operator's dimension); got shape {np.shape(statevectors)}."
            )
        outputs = rows @ self.unitary().T

        return outputs[0] if single else outputs

    def hamiltonian(self, alpha: float = 1.0) -> np.ndarray:
        """The Hermitian ``H`` with ``exp(-i alpha H) = U``, energies in ``(-pi/alpha, pi/alpha]``.

        Computed by :func:`qlens_q.operators.spectral.hamiltonian_from_unitary` (principal
        logarithm via a complex Schur form). ``alpha`` is the time step in the same units as
        ``1 / H``.

        Args:
            alpha: The time step, > 0.

        Returns:
            complex128 array of shape ``(N, N)``.

        Raises:
            InvalidInputError: If ``alpha`` is not finite and positive.
        """
        return spectral.hamiltonian_from_unitary(self.unitary(), alpha=alpha)

    def spectrum(self, alpha: float = 1.0) -> np.ndarray:
        """Sorted principal energies of ``U = exp(-i alpha H)``, in ``(-pi/alpha, pi/alpha]``.

        Computed by :func:`qlens_q.operators.spectral.spectrum`.

        Args:
            alpha: The time step, > 0.

        Returns:
            float64 array of shape ``(N,)``, ascending.

        Raises:
            InvalidInputError: If ``alpha`` is not finite and positive.
        """
        return spectral.spectrum(self.unitary(), alpha=alpha)

    def save(self, path: str | Path) -> Path:
        """Write the fit to one safetensors file, atomically (see the module docstring).

        Args:
            path: Destination, conventionally ending in ``.safetensors``.

        Returns:
            The path written.
        """
        fields = asdict(self)
        del fields["parameters"]
        metadata = {METADATA_KEY: json.dumps({"schema_version": SCHEMA_VERSION, **fields})}
        tensors = {name: tensor.detach().contiguous() for name, tensor in self.parameters.items()}
        written = atomic_write(path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))
        logger.debug("saved fitted unitary (N=%d) to %s", self.num_outputs, written)

        return written

    @classmethod
    def load(cls, path: str | Path, *, num_outputs: int | None = None) -> "FittedUnitary":
        """Read a fit written by :meth:`save`.

        Args:
            path: The safetensors file.
            num_outputs: If given, the dimension ``N`` the operator must have.

        Returns:
            The fitted unitary.

        Raises:
            FileNotFoundError: If ``path`` does not exist.
            DataError: If the file is not a readable safetensors file.
            InvalidInputError: If the file is not a qlens-q fitted unitary, its
                ``schema_version`` is not :data:`SCHEMA_VERSION`, or its dimension differs
                from ``num_outputs``.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No fitted unitary at {path}; pass the path save() wrote.")
        try:
            with safe_open(str(path), framework="pt") as handle:
                metadata = handle.metadata() or {}
                parameters = {name: handle.get_tensor(name) for name in handle.keys()}
        except SafetensorError as error:
            raise DataError(f"{path} is not a readable safetensors file: {error}") from error

        if METADATA_KEY not in metadata:
            raise InvalidInputError(
                f"path must be a fitted unitary written by FittedUnitary.save; got {path}, whose "
                f"metadata has no {METADATA_KEY!r} entry."
            )
        fields = json.loads(metadata[METADATA_KEY])
        version = fields.pop("schema_version", None)
        if version != SCHEMA_VERSION:
            raise InvalidInputError(
                f"schema_version of {path} must be {SCHEMA_VERSION}; got {version!r}. Refit, or "
                "load it with the qlens-q version that wrote it."
            )
        if num_outputs is not None and fields["num_outputs"] != num_outputs:
            raise InvalidInputError(
                f"num_outputs of the saved operator must be {num_outputs}; got "
                f"{fields['num_outputs']} in {path}. Load the operator fitted for N={num_outputs}."
            )

        return cls(parameters=parameters, **fields)
