"""Tiny randomly initialised embeddings and a synthetic task, so no weights are needed."""

from types import SimpleNamespace

import pytest
import torch

from qlens_q.model import EncodedTexts, ModelConfig, PretrainedEmbeddings

VOCAB_SIZE = 20
D_EMB = 8
NUM_POSITIONS = 16


@pytest.fixture
def tiny_embeddings() -> PretrainedEmbeddings:
    generator = torch.Generator().manual_seed(0)
    return PretrainedEmbeddings(
        name="tiny",
        tokenizer=SimpleNamespace(cls_token_id=1),
        token_embeddings=torch.randn(VOCAB_SIZE, D_EMB, generator=generator),
        position_embeddings=torch.randn(NUM_POSITIONS, D_EMB, generator=generator),
    )


@pytest.fixture
def tiny_config() -> ModelConfig:
    return ModelConfig(d_model=8, d_ff=16, num_heads=2, num_classes=2, max_length=12)


@pytest.fixture
def toy_task() -> tuple[EncodedTexts, torch.Tensor]:
    """64 padded sentences; label 1 when token 5 occurs."""
    generator = torch.Generator().manual_seed(1)
    input_ids = torch.randint(2, VOCAB_SIZE, (64, 10), generator=generator)
    lengths = torch.randint(3, 11, (64,), generator=generator)
    attention_mask = (torch.arange(10) < lengths[:, None]).to(torch.int64)
    input_ids = input_ids * attention_mask
    labels = ((input_ids == 5) & (attention_mask == 1)).any(dim=1).to(torch.int64)
    return EncodedTexts(input_ids, attention_mask), labels
