"""Configuration of the one-block Transformer and of its training (the study's defaults)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal, Self

from qlens_q.exceptions import InvalidInputError

#: Ways of reading a sentence out of the residual stream.
POOLINGS = ("mean", "cls")


def _from_dict(cls: type, values: dict[str, Any]) -> Any:
    """Build dataclass ``cls`` from ``values``, rejecting unknown keys by name."""
    if not isinstance(values, dict):
        raise InvalidInputError(
            f"values must be a dict of {cls.__name__} fields; got {type(values).__name__}"
        )
    valid = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(values) - set(valid))
    if unknown:
        raise InvalidInputError(
            f"{cls.__name__} keys must be among {', '.join(valid)}; got unknown {unknown}; "
            "remove or rename them"
        )

    return cls(**values)


def _check_positive(owner: str, **values: float) -> None:
    """Raise InvalidInputError if any named value is not > 0."""
    for name, value in values.items():
        if not value > 0:
            raise InvalidInputError(f"{owner}.{name} must be > 0; got {value!r}")


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of :class:`~qlens_q.model.transformer.OneBlockTransformer`.

    Attributes:
        d_model: Width of the residual stream after the compression layer.
        d_ff: Hidden width of the feed-forward layer.
        num_heads: Attention heads; must divide ``d_model``.
        num_classes: Output classes of the classification head.
        dropout: Dropout on attention weights and after attention and feed-forward.
        max_length: Most positions per sentence, the prepended CLS slot included.
        pooling: How the head and the residuals read a sentence: ``"mean"`` averages the
            stream over the CLS slot and the tokens (padding excluded); ``"cls"`` reads the CLS
            slot alone, whose embedding residual is then the same for every sentence.
    """

    d_model: int = 12
    d_ff: int = 48
    num_heads: int = 4
    num_classes: int = 2
    dropout: float = 0.1
    max_length: int = 128
    pooling: Literal["mean", "cls"] = "mean"

    def __post_init__(self) -> None:
        _check_positive(
            "ModelConfig",
            d_model=self.d_model,
            d_ff=self.d_ff,
            num_heads=self.num_heads,
            num_classes=self.num_classes,
            max_length=self.max_length - 1,
        )
        if self.d_model % self.num_heads:
            raise InvalidInputError(
                f"ModelConfig.d_model must be divisible by num_heads={self.num_heads}; "
                f"got {self.d_model}"
            )
        if self.pooling not in POOLINGS:
            raise InvalidInputError(
                f"ModelConfig.pooling must be one of {', '.join(POOLINGS)}; got {self.pooling!r}"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise InvalidInputError(f"ModelConfig.dropout must be in [0, 1); got {self.dropout}")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Self:
        """Build a config from a mapping (e.g. a TOML table); unknown keys are rejected.

        Raises:
            InvalidInputError: A key is not a field, or a value is out of range.
        """
        return _from_dict(cls, values)


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings for the classifier and for the tuned lenses.

    Attributes:
        epochs: Passes over the training split for the classifier.
        batch_size: Sentences per optimisation step (classifier and lenses).
        learning_rate: Peak AdamW learning rate of the classifier (cosine decay to 0).
        weight_decay: AdamW weight decay of the classifier.
        warmup_fraction: Fraction of the classifier's steps spent warming up linearly.
        lens_epochs: Passes over the training split when fitting a lens.
        lens_learning_rate: Adam learning rate of the lens translator.
    """

    epochs: int = 12
    batch_size: int = 16
    learning_rate: float = 5e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    lens_epochs: int = 30
    lens_learning_rate: float = 1e-2

    def __post_init__(self) -> None:
        _check_positive(
            "TrainConfig",
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            lens_epochs=self.lens_epochs,
            lens_learning_rate=self.lens_learning_rate,
        )
        if self.weight_decay < 0:
            raise InvalidInputError(
                f"TrainConfig.weight_decay must be >= 0; got {self.weight_decay}"
            )
        if not 0.0 <= self.warmup_fraction < 1.0:
            raise InvalidInputError(
                f"TrainConfig.warmup_fraction must be in [0, 1); got {self.warmup_fraction}"
            )

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Self:
        """Build a config from a mapping (e.g. a TOML table); unknown keys are rejected.

        Raises:
            InvalidInputError: A key is not a field, or a value is out of range.
        """
        return _from_dict(cls, values)
