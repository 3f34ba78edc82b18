"""Tuned lenses on the one-block Transformer's CLS residual stream.

A tuned lens (Belrose et al., https://arxiv.org/abs/2303.08112) reads an intermediate residual
``h`` through a learned translator and the frozen model's final LayerNorm and head::

    lens(h) = readout(T(h)),   T(h) = h + b (bias)   or   T(h) = A h + b (affine)

The translator is fitted to minimise ``KL(p_model || p_lens)`` on the training split, where
``p_model`` is the model's own output distribution. ``b`` starts at 0 and ``A`` at the
identity, so an unfitted lens is the logit lens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from qlens_q.exceptions import InvalidInputError
from qlens_q.model.config import TrainConfig
from qlens_q.model.training import EVAL_BATCH_SIZE, EncodedTexts, softmax64
from qlens_q.model.transformer import OneBlockTransformer

logger = logging.getLogger(__name__)

#: Residual positions a lens can read (the output residual needs no lens).
LENS_POSITIONS = ("embedding", "attention")

#: Translator families.
TRANSLATORS = ("bias", "affine")


@dataclass(frozen=True)
class LensMetrics:
    """How closely a lens tracks the model on one split.

    Attributes:
        kl: Mean ``KL(p_model || p_lens)`` in nats (>= 0).
        agreement: Fraction of sentences where the lens's argmax equals the model's.
    """

    kl: float
    agreement: float


class TunedLens(nn.Module):
    """A translator at one residual position, read out through the frozen model.

    The model is held outside the module tree: ``parameters()`` and ``state_dict()`` hold only
    the translator, and fitting never changes the model.

    Args:
        model: The trained classifier.
        position: Which residual the lens reads.
        translator: ``"bias"`` (``h + b``) or ``"affine"`` (``A h + b``).

    Raises:
        InvalidInputError: ``position`` or ``translator`` is not a valid choice.
    """

    def __init__(
        self,
        model: OneBlockTransformer,
        position: Literal["embedding", "attention"],
        translator: Literal["bias", "affine"] = "bias",
    ) -> None:
        super().__init__()

        if position not in LENS_POSITIONS:
            raise InvalidInputError(
                f"position must be one of {', '.join(LENS_POSITIONS)}; got {position!r}"
            )
        if translator not in TRANSLATORS:
            raise InvalidInputError(
                f"translator must be one of {', '.join(TRANSLATORS)}; got {translator!r}"
            )
        # A tuple keeps the model out of parameters(), state_dict() and .to().
        self._model = (model,)
        self.position = position
        self.translator = translator

        d_model = model.config.d_model
        self.bias = nn.Parameter(torch.zeros(d_model))
        if translator == "affine":
            self.weight = nn.Parameter(torch.eye(d_model))

    @property
    def model(self) -> OneBlockTransformer:
        """The frozen classifier the lens reads through."""
        return self._model[0]

    def translate(self, h: torch.Tensor) -> torch.Tensor:
        """Apply the translator to residuals of shape (..., d_model)."""
        if self.translator == "affine":
            h = h @ self.weight.T

        return h + self.bias

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """Lens logits of shape (..., num_classes) for residuals ``h`` of shape (..., d_model)."""
        return self.model.readout(self.translate(h))

    @torch.no_grad()
    def residuals(self, encoded: EncodedTexts) -> torch.Tensor:
        """The model's residual at this lens's position, (num_texts, d_model), in eval mode."""
        return _residuals(self.model, encoded)[self.position]


@torch.no_grad()
def _residuals(model: OneBlockTransformer, encoded: EncodedTexts) -> dict[str, torch.Tensor]:
    """All CLS residuals of ``model`` on ``encoded``, computed once in eval mode."""
    model.eval()
    chunks = [
        model.residuals(
            encoded.input_ids[i : i + EVAL_BATCH_SIZE],
            encoded.attention_mask[i : i + EVAL_BATCH_SIZE],
        )
        for i in range(0, len(encoded), EVAL_BATCH_SIZE)
    ]

    return {key: torch.cat([chunk[key] for chunk in chunks]) for key in chunks[0]}


def fit_lens(
    lens: TunedLens,
    encoded: EncodedTexts,
    config: TrainConfig,
    *,
    seed: int,
    progress: bool = True,
) -> list[float]:
    """Fit the lens's translator to the model's output distribution on ``encoded``.

    The residuals and the model's log-probabilities are computed once (the model is frozen
    and in eval mode); then ``config.lens_epochs`` passes of Adam
    (``config.lens_learning_rate``, batches of ``config.batch_size`` in an order seeded by
    ``seed``) minimise the mean ``KL(p_model || p_lens)``.

    Args:
        lens: The lens to fit in place.
        encoded: Training sentences from :func:`~qlens_q.model.training.encode_texts`.
        config: Lens epochs, learning rate and batch size.
        seed: Seed of the batch order.
        progress: Show a tqdm progress bar over epochs.

    Returns:
        Mean KL (nats) of each epoch.

    Raises:
        RuntimeError: The loss stops being finite.
    """
    cache = _residuals(lens.model, encoded)
    h = cache[lens.position]
    with torch.no_grad():
        target_log_probs = torch.log_softmax(lens.model.readout(cache["output"]), dim=-1)
    optimizer = torch.optim.Adam(lens.parameters(), lr=config.lens_learning_rate)
    generator = torch.Generator().manual_seed(seed)
    logger.debug("fitting %s lens at %s: seed %d", lens.translator, lens.position, seed)

    history: list[float] = []
    with _frozen(lens.model):
        for epoch in tqdm(range(config.lens_epochs), desc="lens", disable=not progress):
            total = 0.0
            for index in torch.randperm(len(h), generator=generator).split(config.batch_size):
                loss = _kl(target_log_probs[index], lens(h[index])).mean()
                if not torch.isfinite(loss):
                    raise RuntimeError(f"lens loss is not finite at epoch {epoch}: {loss}")
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.item() * len(index)
            history.append(total / len(h))
    logger.info("%s lens at %s fitted: KL %.4f", lens.translator, lens.position, history[-1])

    return history


def lens_probabilities(lens: TunedLens, encoded: EncodedTexts) -> np.ndarray:
    """The lens's class distribution, softmax computed in float64.

    Returns:
        Float64 array of shape (num_texts, num_classes) whose rows sum to 1 within ~1e-15.
    """
    with torch.no_grad():
        return softmax64(lens(lens.residuals(encoded)))


def evaluate_lens(lens: TunedLens, encoded: EncodedTexts) -> LensMetrics:
    """Mean ``KL(p_model || p_lens)`` (float64) and argmax agreement with the model."""
    with torch.no_grad():
        cache = _residuals(lens.model, encoded)
        model_logits = lens.model.readout(cache["output"]).to(torch.float64)
        lens_logits = lens(cache[lens.position]).to(torch.float64)
    kl = _kl(torch.log_softmax(model_logits, dim=-1), lens_logits)

    return LensMetrics(
        kl=float(kl.mean()),
        agreement=float((model_logits.argmax(-1) == lens_logits.argmax(-1)).double().mean()),
    )


def _kl(target_log_probs: torch.Tensor, lens_logits: torch.Tensor) -> torch.Tensor:
    """Per-row ``KL(p || q)`` from target log-probabilities and lens logits."""
    lens_log_probs = torch.log_softmax(lens_logits, dim=-1)

    return (target_log_probs.exp() * (target_log_probs - lens_log_probs)).sum(dim=-1)


class _frozen:
    """Context manager turning off gradients of a module's parameters, then restoring them."""

    def __init__(self, module: nn.Module) -> None:
        self.module = module

    def __enter__(self) -> None:
        self.flags = [p.requires_grad for p in self.module.parameters()]
        self.module.requires_grad_(False)

    def __exit__(self, *exc_info: object) -> None:
        for param, flag in zip(self.module.parameters(), self.flags, strict=True):
            param.requires_grad_(flag)
