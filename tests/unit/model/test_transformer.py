import pytest
import torch

from qlens_q.exceptions import InvalidInputError
from qlens_q.model import RESIDUAL_POSITIONS, ModelConfig, OneBlockTransformer


@pytest.fixture
def model(tiny_config, tiny_embeddings):
    return OneBlockTransformer(tiny_config, tiny_embeddings, seed=0).eval()


def test_forward_and_residual_shapes(model, toy_task):
    encoded, _ = toy_task

    logits = model(encoded.input_ids, encoded.attention_mask)
    residuals = model.residuals(encoded.input_ids, encoded.attention_mask)

    assert logits.shape == (64, 2)
    assert tuple(residuals) == RESIDUAL_POSITIONS
    assert all(h.shape == (64, 8) for h in residuals.values())


@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_readout_of_output_residual_is_forward(tiny_config, tiny_embeddings, toy_task, pooling):
    config = ModelConfig.from_dict({**tiny_config.__dict__, "pooling": pooling})
    model = OneBlockTransformer(config, tiny_embeddings, seed=0).eval()
    encoded, _ = toy_task

    with torch.no_grad():
        logits = model(encoded.input_ids, encoded.attention_mask)
        residuals = model.residuals(encoded.input_ids, encoded.attention_mask)

    torch.testing.assert_close(model.readout(residuals["output"]), logits, atol=1e-6, rtol=0)


def test_cls_embedding_residual_is_constant(tiny_config, tiny_embeddings, toy_task):
    config = ModelConfig.from_dict({**tiny_config.__dict__, "pooling": "cls"})
    model = OneBlockTransformer(config, tiny_embeddings, seed=0).eval()
    encoded, _ = toy_task

    h = model.residuals(encoded.input_ids, encoded.attention_mask)["embedding"]

    torch.testing.assert_close(h, h[:1].expand_as(h))


def test_padding_does_not_change_logits(model, toy_task):
    encoded, _ = toy_task
    length = int(encoded.attention_mask[0].sum())

    with torch.no_grad():
        batched = model(encoded.input_ids, encoded.attention_mask)[0]
        alone = model(encoded.input_ids[:1, :length], encoded.attention_mask[:1, :length])[0]

    torch.testing.assert_close(alone, batched, atol=1e-5, rtol=1e-5)


def test_embeddings_are_frozen_buffers(model, tiny_embeddings):
    names = {name for name, _ in model.named_parameters()}

    assert "token_embeddings" not in names and "position_embeddings" not in names
    assert "token_embeddings" not in model.state_dict()
    assert torch.equal(model.cls_embedding.detach(), tiny_embeddings.token_embeddings[1])


def test_cls_starts_from_mean_without_cls_token(tiny_config, tiny_embeddings):
    embeddings = tiny_embeddings.__class__(
        "no-cls", object(), tiny_embeddings.token_embeddings, tiny_embeddings.position_embeddings
    )

    model = OneBlockTransformer(tiny_config, embeddings, seed=0)

    torch.testing.assert_close(model.cls_embedding.detach(), embeddings.token_embeddings.mean(0))


def test_seed_fixes_initialisation_and_spares_global_rng(tiny_config, tiny_embeddings):
    state = torch.get_rng_state()

    first = OneBlockTransformer(tiny_config, tiny_embeddings, seed=7)
    second = OneBlockTransformer(tiny_config, tiny_embeddings, seed=7)

    assert torch.equal(torch.get_rng_state(), state)
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        assert torch.equal(a, b)


def test_max_length_beyond_positions(tiny_embeddings):
    config = ModelConfig(d_model=8, d_ff=16, num_heads=2, max_length=17)

    with pytest.raises(InvalidInputError, match="max_length must be <= 16"):
        OneBlockTransformer(config, tiny_embeddings)


def test_rejects_too_long_or_mismatched_input(model):
    ids = torch.ones(2, 12, dtype=torch.int64)

    with pytest.raises(InvalidInputError, match="at most max_length - 1 = 11 tokens; got 12"):
        model(ids, torch.ones_like(ids))
    with pytest.raises(InvalidInputError, match=r"shape \(batch, seq\)"):
        model(ids[:, :3], torch.ones(2, 4, dtype=torch.int64))
