"""Tokenise, train and evaluate the one-block classifier."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import f1_score
from torch import nn
from tqdm.auto import tqdm

from qlens_q.exceptions import InvalidInputError
from qlens_q.model.config import TrainConfig

logger = logging.getLogger(__name__)

#: Sentences per forward pass when evaluating (no effect on the results).
EVAL_BATCH_SIZE = 512


@dataclass(frozen=True)
class EncodedTexts:
    """Token ids and padding mask for a list of sentences (no special tokens).

    Attributes:
        input_ids: Int64 tensor of shape (num_texts, seq), right-padded.
        attention_mask: Int64 tensor of shape (num_texts, seq); 1 for tokens, 0 for padding.
    """

    input_ids: torch.Tensor
    attention_mask: torch.Tensor

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])

    def subset(self, index: torch.Tensor) -> EncodedTexts:
        """The rows selected by ``index`` (an int64 tensor or slice)."""
        return EncodedTexts(self.input_ids[index], self.attention_mask[index])


@dataclass(frozen=True)
class ClassifierMetrics:
    """Accuracy and macro-averaged F1 on one split."""

    accuracy: float
    macro_f1: float


def encode_texts(texts: Sequence[str], tokenizer, *, max_length: int) -> EncodedTexts:
    """Tokenise sentences without special tokens, truncated to leave room for the CLS slot.

    Args:
        texts: Sentences to encode.
        tokenizer: A Hugging Face tokenizer with a pad token.
        max_length: The model's ``max_length``; sentences keep at most ``max_length - 1`` tokens.

    Returns:
        Right-padded ids and mask, padded to the longest encoded sentence.

    Raises:
        InvalidInputError: ``texts`` is empty or not a sequence of strings, or ``max_length``
            is below 2.
    """
    if isinstance(texts, str) or not all(isinstance(text, str) for text in texts):
        raise InvalidInputError("texts must be a list of strings; got " + type(texts).__name__)
    if len(texts) == 0:
        raise InvalidInputError("texts must hold at least one sentence; got an empty list")
    if max_length < 2:
        raise InvalidInputError(f"max_length must be >= 2 (CLS plus a token); got {max_length}")

    batch = tokenizer(
        list(texts),
        add_special_tokens=False,
        truncation=True,
        max_length=max_length - 1,
        padding="longest",
        return_tensors="pt",
    )

    return EncodedTexts(
        input_ids=batch["input_ids"].to(torch.int64),
        attention_mask=batch["attention_mask"].to(torch.int64),
    )


def train_classifier(
    model: nn.Module,
    encoded: EncodedTexts,
    labels: np.ndarray | torch.Tensor,
    config: TrainConfig,
    *,
    seed: int,
    progress: bool = True,
) -> list[float]:
    """Train ``model`` in place with cross-entropy, AdamW and a warmup + cosine schedule.

    The batch order comes from a ``torch.Generator`` seeded with ``seed``; dropout draws from
    the global torch RNG, seeded with ``seed`` inside a forked RNG state so the caller's state
    is left untouched. Two calls with the same seed on identically initialised models give
    bit-identical results.

    Args:
        model: The classifier (e.g. :class:`~qlens_q.model.transformer.OneBlockTransformer`).
        encoded: Training sentences from :func:`encode_texts`.
        labels: Integer labels of shape (num_texts,).
        config: Epochs, batch size and optimiser settings.
        seed: Seed of the batch order and dropout.
        progress: Show a tqdm progress bar over epochs.

    Returns:
        Mean training loss of each epoch.

    Raises:
        InvalidInputError: ``labels`` does not match ``encoded`` in length.
        RuntimeError: The loss stops being finite.
    """
    targets = _as_labels(labels, len(encoded))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(encoded) / config.batch_size)
    scheduler = _warmup_cosine(optimizer, config.epochs * steps_per_epoch, config.warmup_fraction)
    generator = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss()
    logger.debug("training classifier: seed %d, %s", seed, config)

    history: list[float] = []
    model.train()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for epoch in tqdm(range(config.epochs), desc="classifier", disable=not progress):
            total = 0.0
            for index in torch.randperm(len(encoded), generator=generator).split(config.batch_size):
                batch = encoded.subset(index)
                loss = loss_fn(model(batch.input_ids, batch.attention_mask), targets[index])
                if not torch.isfinite(loss):
                    raise RuntimeError(f"classifier loss is not finite at epoch {epoch}: {loss}")
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                scheduler.step()
                total += loss.item() * len(index)
            history.append(total / len(encoded))
            logger.debug("epoch %d: loss %.4f", epoch + 1, history[-1])
    optimizer.zero_grad(set_to_none=True)
    model.eval()
    logger.info("classifier trained: final loss %.4f", history[-1])

    return history


@torch.no_grad()
def model_logits(model: nn.Module, encoded: EncodedTexts) -> torch.Tensor:
    """Float32 logits of shape (num_texts, num_classes), computed in eval mode."""
    model.eval()
    chunks = [
        model(
            encoded.input_ids[i : i + EVAL_BATCH_SIZE],
            encoded.attention_mask[i : i + EVAL_BATCH_SIZE],
        )
        for i in range(0, len(encoded), EVAL_BATCH_SIZE)
    ]

    return torch.cat(chunks)


def evaluate_classifier(
    model: nn.Module, encoded: EncodedTexts, labels: np.ndarray | torch.Tensor
) -> ClassifierMetrics:
    """Accuracy and macro F1 (scikit-learn) of ``model`` on a split.

    Raises:
        InvalidInputError: ``labels`` does not match ``encoded`` in length.
    """
    targets = _as_labels(labels, len(encoded)).numpy()
    predictions = model_logits(model, encoded).argmax(dim=1).numpy()

    return ClassifierMetrics(
        accuracy=float(np.mean(predictions == targets)),
        macro_f1=float(f1_score(targets, predictions, average="macro")),
    )


def class_probabilities(model: nn.Module, encoded: EncodedTexts) -> np.ndarray:
    """Softmax of the model's logits, computed in float64.

    Returns:
        Float64 array of shape (num_texts, num_classes) whose rows sum to 1 within ~1e-15.
    """
    return softmax64(model_logits(model, encoded))


def softmax64(logits: torch.Tensor) -> np.ndarray:
    """Softmax along the last axis after casting to float64, as a numpy array."""
    return torch.softmax(logits.detach().to(torch.float64), dim=-1).numpy()


def _as_labels(labels: np.ndarray | torch.Tensor, num_texts: int) -> torch.Tensor:
    """Labels as an int64 tensor of length ``num_texts``."""
    targets = torch.as_tensor(np.asarray(labels), dtype=torch.int64)
    if targets.shape != (num_texts,):
        raise InvalidInputError(
            f"labels must have shape ({num_texts},) to match the encoded texts; "
            f"got {tuple(targets.shape)}"
        )

    return targets


def _warmup_cosine(
    optimizer: torch.optim.Optimizer, num_steps: int, warmup_fraction: float
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warmup over ``warmup_fraction`` of the steps, then cosine decay to 0."""
    num_warmup = int(warmup_fraction * num_steps)

    def factor(step: int) -> float:
        if step < num_warmup:
            return (step + 1) / num_warmup
        progress = (step - num_warmup) / max(1, num_steps - num_warmup)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
