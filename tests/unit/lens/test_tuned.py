from types import SimpleNamespace

import numpy as np
import pytest
import torch

from qlens_q.exceptions import InvalidInputError
from qlens_q.lens import TunedLens, evaluate_lens, fit_lens, lens_probabilities
from qlens_q.model import (
    EncodedTexts,
    ModelConfig,
    OneBlockTransformer,
    PretrainedEmbeddings,
    TrainConfig,
    train_classifier,
)

LENS_CONFIG = TrainConfig(batch_size=16, lens_epochs=10, lens_learning_rate=5e-2)


@pytest.fixture(scope="module")
def encoded():
    generator = torch.Generator().manual_seed(2)
    input_ids = torch.randint(2, 20, (48, 8), generator=generator)
    attention_mask = (torch.arange(8) < torch.randint(2, 9, (48, 1), generator=generator)).long()
    return EncodedTexts(input_ids * attention_mask, attention_mask)


@pytest.fixture(scope="module")
def model(encoded):
    generator = torch.Generator().manual_seed(0)
    embeddings = PretrainedEmbeddings(
        "tiny",
        SimpleNamespace(cls_token_id=1),
        torch.randn(20, 8, generator=generator),
        torch.randn(12, 8, generator=generator),
    )
    config = ModelConfig(d_model=8, d_ff=16, num_heads=2, num_classes=3, max_length=10)
    model = OneBlockTransformer(config, embeddings, seed=0)
    labels = (encoded.input_ids[:, 0] % 3).numpy()
    train_classifier(model, encoded, labels, TrainConfig(epochs=3), seed=0, progress=False)
    return model


@pytest.mark.parametrize("translator", ["bias", "affine"])
def test_unfitted_lens_is_the_logit_lens(model, encoded, translator):
    lens = TunedLens(model, "attention", translator)

    with torch.no_grad():
        h = model.residuals(encoded.input_ids, encoded.attention_mask)["attention"]
        expected = model.readout(h)

    torch.testing.assert_close(lens(lens.residuals(encoded)), expected, atol=1e-6, rtol=0)


def test_parameters_are_the_translator_only(model):
    assert {name for name, _ in TunedLens(model, "embedding").named_parameters()} == {"bias"}
    assert set(TunedLens(model, "embedding", "affine").state_dict()) == {"bias", "weight"}


@pytest.mark.parametrize(
    ("position", "translator", "match"),
    [
        ("output", "bias", "position must be one of embedding, attention; got 'output'"),
        ("embedding", "linear", "translator must be one of bias, affine; got 'linear'"),
    ],
)
def test_invalid_choices(model, position, translator, match):
    with pytest.raises(InvalidInputError, match=match):
        TunedLens(model, position, translator)


@pytest.mark.parametrize("translator", ["bias", "affine"])
def test_fit_lowers_kl_and_leaves_model_alone(model, encoded, translator):
    lens = TunedLens(model, "embedding", translator)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    start = evaluate_lens(lens, encoded)

    history = fit_lens(lens, encoded, LENS_CONFIG, seed=0, progress=False)
    end = evaluate_lens(lens, encoded)

    assert len(history) == LENS_CONFIG.lens_epochs
    assert end.kl < start.kl
    for name, p in model.named_parameters():
        assert torch.equal(p, before[name]) and p.requires_grad and p.grad is None


def test_fit_is_deterministic(model, encoded):
    first, second = TunedLens(model, "attention"), TunedLens(model, "attention")

    fit_lens(first, encoded, LENS_CONFIG, seed=5, progress=False)
    fit_lens(second, encoded, LENS_CONFIG, seed=5, progress=False)

    assert torch.equal(first.bias, second.bias)


def test_metrics_and_probabilities(model, encoded):
    lens = TunedLens(model, "embedding")
    fit_lens(lens, encoded, LENS_CONFIG, seed=0, progress=False)

    metrics = evaluate_lens(lens, encoded)
    probs = lens_probabilities(lens, encoded)

    assert metrics.kl >= 0.0
    assert 0.0 <= metrics.agreement <= 1.0
    assert probs.dtype == np.float64 and probs.shape == (48, 3)
    assert np.max(np.abs(probs.sum(axis=1) - 1.0)) <= 1e-15
