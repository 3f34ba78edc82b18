"""Fit one unitary per layer across many inputs: ``U |Psi_{l-1}> ~ |Psi_l>`` for every example.

QLENS (https://arxiv.org/abs/2510.11963) maps each example's state onto the next with its own
Householder reflection, which succeeds by construction. :func:`fit_unitary` asks the stronger
question: does a *single* operator, shared by all inputs, reproduce the layer? It minimises
either ``1 - mean |<t|U x>|^2`` (``objective="fidelity"``) or the mean
``KL(p || |U x|^2)`` (``objective="kl"``) with a seeded validation slice for early stopping.
"""

import copy
import logging
import math
import time
from typing import Literal, get_args

import numpy as np
import torch
from tqdm.auto import tqdm

from qlens_q.exceptions import InvalidInputError
from qlens_q.fit._validation import (
    PROBABILITY_FLOOR,
    as_probabilities,
    as_statevectors,
    check_integer,
    check_number,
    check_same_shape,
)
from qlens_q.fit.result import FittedUnitary
from qlens_q.operators.parametrisations import (
    PARAMETRISATIONS,
    HouseholderProduct,
    ParametrisationKind,
    UnitaryParametrisation,
    make_parametrisation,
)

logger = logging.getLogger(__name__)

Objective = Literal["fidelity", "kl"]
Optimizer = Literal["adam", "lbfgs"]

OBJECTIVES: tuple[str, ...] = get_args(Objective)
OPTIMIZERS: tuple[str, ...] = get_args(Optimizer)

#: Default learning rate of each optimiser.
DEFAULT_LEARNING_RATES = {"adam": 0.05, "lbfgs": 1.0}

#: Factor applied to the learning rate when the monitored loss stalls.
LEARNING_RATE_DECAY = 0.5

#: Inner iterations of one L-BFGS epoch (one ``step`` per batch).
LBFGS_MAX_ITER = 20

#: Largest seed of one restart (:meth:`torch.Generator.manual_seed` takes 64-bit seeds).
MAX_SEED = 2**64 - 1


def fit_unitary(
    inputs: np.ndarray,
    targets: np.ndarray,
    *,
    parametrisation: ParametrisationKind = "householder",
    num_reflections: int | None = None,
    complex: bool = True,
    objective: Objective = "fidelity",
    target_probabilities: np.ndarray | None = None,
    optimizer: Optimizer = "adam",
    learning_rate: float | None = None,
    max_epochs: int = 2000,
    batch_size: int | None = None,
    validation_fraction: float = 0.1,
    patience: int = 50,
    min_improvement: float = 1e-9,
    seed: int = 0,
    num_restarts: int = 1,
    progress: bool = False,
    num_threads: int | None = 1,
) -> FittedUnitary:
    """Fit one unitary ``U`` so that ``U x_m`` reproduces ``t_m`` for every training pair.

    The rows are split (seeded) into a validation slice of ``round(validation_fraction * M)``
    rows and a training slice. Each epoch runs one pass of ``optimizer`` over the training
    slice in batches, after which the training and validation losses are measured on the
    parameters it ends with. The learning rate is multiplied by :data:`LEARNING_RATE_DECAY`
    whenever the validation loss (the training loss without a validation slice) has not dropped by
    more than ``min_improvement`` for ``patience // 5`` epochs; training stops after
    ``patience`` such epochs, and the parameters of the best epoch are returned.

    Initialisation (seeded): as documented for each parametrisation in
    :mod:`qlens_q.operators.parametrisations`, except that Householder vectors start as random
    combinations of the top ``K`` principal directions of the changes ``t_m - x_m`` on the
    training slice (a product of ``K`` reflections moves states only within the span of its
    vectors; for ``K >= N`` this is an ordinary random start). This start removes most of the
    local minima seen with ``K < N``. ``K = N`` is the tightest count that can represent a
    generic unitary and converges slowest; ``K = N + 1`` converges faster and more reliably.

    Objectives:

    - ``"fidelity"``: loss ``1 - mean_m |<t_m|U x_m>|^2`` (insensitive to global phases).
    - ``"kl"``: loss ``mean_m KL(p_m || |U x_m|^2)`` with ``p_m`` the model's probabilities
      (``target_probabilities``, default ``|t_m|^2``); ``|U x_m|^2`` is clamped below at
      :data:`~qlens_q.fit._validation.PROBABILITY_FLOOR` before the log. It constrains
      probabilities only (a phase-retrieval problem), which leaves more local minima than the
      fidelity loss; ``num_restarts > 1`` helps.

    For ``parametrisation="orthogonal"`` the component of ``O(N)`` (determinant +1 or -1),
    which gradient steps cannot change, is taken from the orthogonal Procrustes solution on
    the training slice.

    Args:
        inputs: Statevectors ``|Psi_{l-1}>``, shape ``(M, N)``, unit norm, real or complex.
        targets: Statevectors ``|Psi_l>``, same shape.
        parametrisation: ``"householder"``, ``"exponential"`` or ``"orthogonal"``.
        num_reflections: ``K`` for ``"householder"``, from 1 to ``2N`` (default ``N``).
        complex: Fit a complex unitary (``True``) or a real orthogonal one (``False``).
            ``"exponential"`` is complex only, ``"orthogonal"`` real only.
        objective: ``"fidelity"`` or ``"kl"``.
        target_probabilities: For ``"kl"``, the model's probabilities at this layer, shape
            ``(M, N)``; default ``|targets|^2``.
        optimizer: ``"adam"`` or ``"lbfgs"`` (strong-Wolfe line search,
            :data:`LBFGS_MAX_ITER` iterations per batch).
        learning_rate: Default :data:`DEFAULT_LEARNING_RATES` of the optimiser.
        max_epochs: Upper bound on the number of epochs.
        batch_size: Rows per batch; ``None`` for full-batch training.
        validation_fraction: Fraction of rows held out for early stopping, in ``[0, 1)``.
        patience: Epochs without improvement before stopping.
        min_improvement: Smallest drop of the monitored loss that counts as an improvement,
            ``>= 0``.
        seed: Seeds the validation split, and (as ``seed + restart``, at most
            :data:`MAX_SEED`) the initialisation and batch order of each restart.
        num_restarts: Independent initialisations to train; the one with the lowest
            monitored loss is kept. Complex fits need more than one only occasionally
            (Householder products can stall a little short of the optimum). Real
            Householder fits (``complex=False``) have ``det U = (-1)^K``: when that differs
            from the determinant of the orthogonal Procrustes fit they stall at ``Q R``,
            ``R`` a reflection (a warning is logged; pick ``K`` of the other parity), and
            even with the right parity they stall more often than complex fits, so use a
            few restarts there.
        progress: Show a tqdm progress bar.
        num_threads: torch intra-op threads during the fit, restored afterwards; ``None``
            keeps torch's setting. The default, 1, is fastest for these tiny ``N x N``
            problems: thread hand-offs cost more than the arithmetic, many times more on a
            busy machine.

    Returns:
        The fit, holding the best epoch's parameters and the per-epoch history.

    Raises:
        InvalidInputError: If the states are not finite unit-norm ``(M, N)`` arrays of the
            same shape with ``N >= 2``, the training slice is empty, an option is unknown
            (the message lists the choices), or a number has the wrong type (``bool``
            included) or is out of range. NumPy integers are accepted.
    """
    inputs_np = as_statevectors(inputs, name="inputs")
    targets_np = as_statevectors(targets, name="targets")
    check_same_shape(inputs_np, targets_np, names=("inputs", "targets"))
    probabilities_np = as_probabilities(
        target_probabilities, targets_np, name="target_probabilities"
    )
    _check_choices(parametrisation, objective, optimizer)
    # Numbers come back as Python ints and floats (NumPy scalars break torch seeding and JSON).
    max_epochs = check_integer(max_epochs, name="max_epochs", minimum=1)
    patience = check_integer(patience, name="patience", minimum=1)
    num_restarts = check_integer(num_restarts, name="num_restarts", minimum=1)
    seed = check_integer(
        seed,
        name="seed",
        minimum=0,
        maximum=MAX_SEED - (num_restarts - 1),
        hint="Restart r is seeded with seed + r, which torch limits to 2**64 - 1.",
    )
    if batch_size is not None:
        batch_size = check_integer(
            batch_size, name="batch_size", minimum=1, hint="Pass None for full-batch training."
        )
    if num_threads is not None:
        num_threads = check_integer(
            num_threads, name="num_threads", minimum=1, hint="Pass None to keep torch's setting."
        )
    validation_fraction = check_number(
        validation_fraction,
        name="validation_fraction",
        minimum=0.0,
        maximum=1.0,
        hint="Pass 0 to train on every row without early stopping on a held-out slice.",
    )
    min_improvement = check_number(min_improvement, name="min_improvement", minimum=0.0)
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES[optimizer]
    learning_rate = check_number(
        learning_rate,
        name="learning_rate",
        minimum=0.0,
        minimum_allowed=False,
        hint="Pass None for the optimiser's default.",
    )
    num_examples, num_outputs = inputs_np.shape

    # Seeded split into a training and a validation slice.
    num_validation = int(round(validation_fraction * num_examples))
    order = np.random.default_rng(seed).permutation(num_examples)
    validation_rows, train_rows = order[:num_validation], order[num_validation:]
    if train_rows.size == 0:
        raise InvalidInputError(
            f"The training split must not be empty; got {num_examples} examples with "
            f"validation_fraction={validation_fraction}, leaving 0 to train on. Pass more "
            "examples or a smaller validation_fraction."
        )
    logger.debug(
        "fit_unitary: %s, N=%d, %d train / %d validation rows, seed=%d",
        parametrisation,
        num_outputs,
        train_rows.size,
        validation_rows.size,
        seed,
    )

    train = _Batch(inputs_np[train_rows], targets_np[train_rows], probabilities_np[train_rows])
    validation = None
    if validation_rows.size:
        validation = _Batch(
            inputs_np[validation_rows],
            targets_np[validation_rows],
            probabilities_np[validation_rows],
        )

    determinant = 1
    if not complex:
        determinant = _procrustes_determinant(train.inputs.numpy(), train.targets.numpy())

    start = time.perf_counter()
    previous_threads = torch.get_num_threads()
    if num_threads is not None:
        torch.set_num_threads(num_threads)
    try:
        runs, change_basis = [], None
        for restart in range(num_restarts):
            module = make_parametrisation(
                parametrisation,
                num_outputs,
                num_reflections=num_reflections,
                complex=complex,
                seed=seed + restart,
                determinant=determinant,
            )
            if isinstance(module, HouseholderProduct):
                if restart == 0 and not complex:
                    _warn_on_parity(module.num_reflections, num_outputs, determinant)
                if change_basis is None:
                    change_basis = _change_subspace(
                        train.inputs, train.targets, module.num_reflections, complex=complex
                    )
                module.reset_in_subspace(change_basis, seed=seed + restart)
            run = _train(
                module,
                train,
                validation,
                objective=objective,
                optimizer=optimizer,
                learning_rate=learning_rate,
                max_epochs=max_epochs,
                batch_size=batch_size,
                patience=patience,
                min_improvement=min_improvement,
                seed=seed + restart,
                progress=progress,
            )
            runs.append(run)
            logger.debug("restart %d: best loss %.3g", restart, _best_loss(run))
    finally:
        torch.set_num_threads(previous_threads)
    seconds = time.perf_counter() - start
    restart = min(range(num_restarts), key=lambda index: _best_loss(runs[index]))
    history, best_state, best_epoch, num_epochs = runs[restart]
    logger.info(
        "fit_unitary: %s N=%d, restart %d of %d kept: %d epochs (best %d, loss %.3g), %.2f s",
        parametrisation,
        num_outputs,
        restart,
        num_restarts,
        num_epochs,
        best_epoch,
        _best_loss(runs[restart]),
        seconds,
    )

    return FittedUnitary(
        num_outputs=num_outputs,
        parametrisation=parametrisation,
        num_reflections=getattr(module, "num_reflections", None),  # None unless Householder
        restart=restart,
        complex=complex,
        objective=objective,
        seed=seed,
        history=history,
        best_epoch=best_epoch,
        num_epochs=num_epochs,
        seconds=seconds,
        parameters=best_state,
        optimizer=optimizer,
        learning_rate=float(learning_rate),
    )


class _Batch:
    """Rows of inputs, targets and reference probabilities as tensors, with the ``p log p`` sum."""

    def __init__(self, inputs: np.ndarray, targets: np.ndarray, probabilities: np.ndarray):
        self.inputs = torch.from_numpy(np.ascontiguousarray(inputs))
        self.targets = torch.from_numpy(np.ascontiguousarray(targets))
        self.probabilities = torch.from_numpy(np.ascontiguousarray(probabilities))
        self.negative_entropy = torch.xlogy(self.probabilities, self.probabilities).sum(dim=1)

    def __len__(self) -> int:
        return self.inputs.shape[0]

    def rows(self, index: torch.Tensor) -> "_Batch":
        """The sub-batch at ``index``."""
        subset = _Batch.__new__(_Batch)
        subset.inputs = self.inputs[index]
        subset.targets = self.targets[index]
        subset.probabilities = self.probabilities[index]
        subset.negative_entropy = self.negative_entropy[index]

        return subset


def _loss_and_fidelity(
    module: UnitaryParametrisation, batch: _Batch, objective: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """The objective's loss and the mean fidelity ``|<t|U x>|^2`` on ``batch``."""
    outputs = module(batch.inputs)
    overlaps = (batch.targets.conj() * outputs).sum(dim=1)
    fidelity = (overlaps.real**2 + overlaps.imag**2).mean()
    if objective == "fidelity":
        return 1.0 - fidelity, fidelity

    model_probabilities = (outputs.real**2 + outputs.imag**2).clamp_min(PROBABILITY_FLOOR)
    cross = (batch.probabilities * torch.log(model_probabilities)).sum(dim=1)
    loss = (batch.negative_entropy - cross).mean()

    return loss, fidelity


def _train(
    module: UnitaryParametrisation,
    train: _Batch,
    validation: _Batch | None,
    *,
    objective: str,
    optimizer: str,
    learning_rate: float,
    max_epochs: int,
    batch_size: int | None,
    patience: int,
    min_improvement: float,
    seed: int,
    progress: bool,
) -> tuple[dict[str, list[float]], dict[str, torch.Tensor], int, int]:
    """Run the epochs; return history, best state dict, best epoch and epochs run."""
    parameters = [parameter for parameter in module.parameters() if parameter.requires_grad]
    if optimizer == "adam":
        step_optimizer = torch.optim.Adam(parameters, lr=learning_rate)
    else:
        step_optimizer = torch.optim.LBFGS(
            parameters, lr=learning_rate, max_iter=LBFGS_MAX_ITER, line_search_fn="strong_wolfe"
        )
    # Halve the learning rate whenever the monitored loss stalls for a fifth of ``patience``.
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        step_optimizer,
        factor=LEARNING_RATE_DECAY,
        patience=max(1, patience // 5),
        threshold=min_improvement,
        threshold_mode="abs",
    )
    shuffle = torch.Generator()
    shuffle.manual_seed(seed)
    batch_size = len(train) if batch_size is None else min(batch_size, len(train))

    history: dict[str, list[float]] = {
        "train_loss": [],
        "train_fidelity": [],
        "validation_loss": [],
        "validation_fidelity": [],
    }
    best_loss, best_epoch, best_state = math.inf, 0, copy.deepcopy(module.state_dict())
    epochs_since_best = 0
    epochs = tqdm(range(max_epochs), disable=not progress, desc="fit_unitary", leave=False)
    for epoch in epochs:
        # One pass over the training slice.
        if batch_size == len(train):
            batches = [train]
        else:
            order = torch.randperm(len(train), generator=shuffle)
            batches = [
                train.rows(order[i : i + batch_size]) for i in range(0, len(train), batch_size)
            ]
        for batch in batches:
            _step(module, step_optimizer, batch, objective)

        # Both losses are measured on the parameters the epoch ends with, the ones saved
        # below when the epoch is the best, so the best recorded loss is the returned fit's.
        with torch.no_grad():
            loss, fidelity = _loss_and_fidelity(module, train, objective)
            history["train_loss"].append(float(loss))
            history["train_fidelity"].append(float(fidelity))
            if validation is not None:
                loss, fidelity = _loss_and_fidelity(module, validation, objective)
                history["validation_loss"].append(float(loss))
                history["validation_fidelity"].append(float(fidelity))
        if not math.isfinite(history["train_loss"][-1]):
            raise RuntimeError(
                f"fit_unitary: the training loss became {history['train_loss'][-1]} at epoch "
                f"{epoch}; lower learning_rate (got {learning_rate})."
            )

        # Early stopping on the monitored loss.
        monitored = _monitored(history)[-1]
        scheduler.step(monitored)
        if monitored < best_loss - min_improvement:
            best_loss, best_epoch, epochs_since_best = monitored, epoch, 0
            best_state = copy.deepcopy(module.state_dict())
        else:
            epochs_since_best += 1
        if progress:
            epochs.set_postfix(loss=f"{monitored:.3g}", best=f"{best_loss:.3g}")
        if epochs_since_best >= patience:
            break

    return history, best_state, best_epoch, epoch + 1


def _step(
    module: UnitaryParametrisation,
    step_optimizer: torch.optim.Optimizer,
    batch: _Batch,
    objective: str,
) -> None:
    """One optimiser step on ``batch``."""

    def closure() -> torch.Tensor:
        step_optimizer.zero_grad()
        loss, _ = _loss_and_fidelity(module, batch, objective)
        loss.backward()
        return loss

    step_optimizer.step(closure)


def _best_loss(run: tuple[dict[str, list[float]], object, int, int]) -> float:
    """The monitored loss at the best epoch of one :func:`_train` run."""
    history, _, best_epoch, _ = run

    return _monitored(history)[best_epoch]


def _monitored(history: dict[str, list[float]]) -> list[float]:
    """The losses early stopping watches: validation if recorded, else training."""
    return history["validation_loss"] or history["train_loss"]


def _change_subspace(
    inputs: torch.Tensor, targets: torch.Tensor, dimension: int, *, complex: bool
) -> torch.Tensor:
    """Orthonormal rows spanning the top ``dimension`` principal directions of ``t_m - x_m``.

    A product of ``K`` reflections moves states only within the span of its vectors, so for
    ``K < N`` the reflections start inside the ``K`` directions the layer moves states along.
    """
    differences = targets - inputs
    if not complex:
        differences = torch.cat([differences.real, differences.imag]).to(torch.complex128)
    _, _, right = torch.linalg.svd(differences, full_matrices=False)
    basis = right[: min(dimension, right.shape[0])]

    return basis.real if not complex else basis


def _procrustes_determinant(inputs: np.ndarray, targets: np.ndarray) -> int:
    """The determinant sign of the orthogonal ``Q`` best aligning ``Q x_m`` with ``t_m``."""
    correlation = np.real(targets.T @ inputs.conj())
    left, _, right = np.linalg.svd(correlation)

    return 1 if np.linalg.det(left @ right) >= 0 else -1


def _warn_on_parity(num_reflections: int, num_outputs: int, determinant: int) -> None:
    """Log a warning when real reflections cannot start on the Procrustes component."""
    if (-1) ** num_reflections == determinant:
        return
    # With N odd, -Q lies in the reachable component, but far from the near-identity start.
    logger.warning(
        "fit_unitary: %d real reflections give det %+d, but the best orthogonal fit of the "
        "training slice has det %+d (N=%d); the fit is likely to stall short of it. Use "
        "num_reflections=%d, or complex=True.",
        num_reflections,
        (-1) ** num_reflections,
        determinant,
        num_outputs,
        num_reflections + 1 if num_reflections < 2 * num_outputs else num_reflections - 1,
    )


def _check_choices(parametrisation: str, objective: str, optimizer: str) -> None:
    """Raise :class:`InvalidInputError` for an unknown option, listing the choices."""
    choices = {
        "parametrisation": (parametrisation, PARAMETRISATIONS),
        "objective": (objective, OBJECTIVES),
        "optimizer": (optimizer, OPTIMIZERS),
    }
    for name, (value, allowed) in choices.items():
        if value not in allowed:
            raise InvalidInputError(
                f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}."
            )
