"""Train the default configuration on the real SentiHood sentiment task and fit both lenses."""

import logging

import numpy as np
import pytest

from qlens_q.data import load_sentihood, prepare_sentiment
from qlens_q.lens import TunedLens, evaluate_lens, fit_lens, lens_probabilities
from qlens_q.model import (
    ModelConfig,
    OneBlockTransformer,
    TrainConfig,
    class_probabilities,
    encode_texts,
    evaluate_classifier,
    load_embeddings,
    train_classifier,
)

logger = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def trained(sentihood_dir):
    task = prepare_sentiment(load_sentihood(sentihood_dir), seed=0)
    embeddings = load_embeddings("minilm")
    model_config, train_config = ModelConfig(), TrainConfig()
    train = encode_texts(task.train_texts, embeddings.tokenizer, max_length=model_config.max_length)
    test = encode_texts(task.test_texts, embeddings.tokenizer, max_length=model_config.max_length)
    model = OneBlockTransformer(model_config, embeddings, seed=0)
    history = train_classifier(
        model, train, task.train_labels, train_config, seed=0, progress=False
    )
    return task, model, train, test, train_config, history, embeddings


def test_default_config_beats_chance(trained):
    task, model, _, test, _, history, _ = trained

    metrics = evaluate_classifier(model, test, task.test_labels)
    logger.info("test accuracy %.4f, macro F1 %.4f", metrics.accuracy, metrics.macro_f1)

    assert len(history) == 12 and history[-1] < history[0]
    assert metrics.accuracy > 0.6
    probs = class_probabilities(model, test)
    assert probs.shape == (214, 2)
    assert np.max(np.abs(probs.sum(axis=1) - 1.0)) <= 1e-15


@pytest.mark.parametrize("position", ["embedding", "attention"])
def test_bias_lenses_track_the_model(trained, position):
    _, model, train, test, train_config, _, _ = trained
    lens = TunedLens(model, position, "bias")

    fit_lens(lens, train, train_config, seed=0, progress=False)
    metrics = evaluate_lens(lens, test)
    logger.info("%s lens: KL %.4f, agreement %.4f", position, metrics.kl, metrics.agreement)

    assert metrics.kl >= 0.0
    assert metrics.agreement > 0.6
    assert lens_probabilities(lens, test).shape == (214, 2)


def test_same_seed_retrains_bit_identically(trained):
    task, model, train, _, train_config, history, embeddings = trained
    again = OneBlockTransformer(model.config, embeddings, seed=0)

    again_history = train_classifier(
        again, train, task.train_labels, train_config, seed=0, progress=False
    )

    assert again_history == history
    for a, b in zip(model.parameters(), again.parameters(), strict=True):
        assert a.equal(b)
