import json
from pathlib import Path

import datasets
import numpy as np
import pytest

from qlens_q.data import (
    ASPECT_CLASSES,
    load_sentihood,
    prepare_aspect,
    prepare_sentiment,
    resolve_data_dir,
)
from qlens_q.data import sentihood as sentihood_module
from qlens_q.exceptions import DataError, InvalidInputError

ASPECT_COUNTS = [724, 250, 224, 215, 128, 78, 69, 57, 46, 42, 20, 11]

RECORD = {
    "id": 1,
    "text": "  LOCATION1 is lovely ",
    "opinions": [{"sentiment": "Positive", "aspect": "general", "target_entity": "LOCATION1"}],
}


@pytest.fixture(scope="module")
def pooled(sentihood_dir):
    return load_sentihood(sentihood_dir)


def write_release(folder: Path, **overrides: str) -> Path:
    """Write a tiny valid release; ``overrides`` maps split to raw file text."""
    for split in ("train", "dev", "test"):
        text = overrides.get(split, json.dumps([RECORD]))
        (folder / f"sentihood-{split}.json").write_text(text, encoding="utf-8")
    return folder


class TestLoad:
    def test_pools_three_splits(self, pooled):
        assert len(pooled) == 2977 + 747 + 1491
        assert set(pooled.column_names) == {"id", "text", "opinions", "split"}
        assert [pooled["split"].count(s) for s in ("train", "dev", "test")] == [2977, 747, 1491]

    def test_reads_env_var(self, tmp_path, monkeypatch):
        write_release(tmp_path)
        monkeypatch.setenv("QLENS_Q_DATA", str(tmp_path))

        dataset = load_sentihood()

        assert len(dataset) == 3
        assert dataset[0]["opinions"][0]["aspect"] == "general"

    def test_resolve_prefers_argument_then_env(self, tmp_path, monkeypatch):
        monkeypatch.delenv("QLENS_Q_DATA", raising=False)
        assert resolve_data_dir(None) is None
        monkeypatch.setenv("QLENS_Q_DATA", "/from/env")
        assert resolve_data_dir(None) == Path("/from/env")
        assert resolve_data_dir(tmp_path) == tmp_path

    def test_missing_file_names_path(self, tmp_path):
        write_release(tmp_path)
        (tmp_path / "sentihood-dev.json").unlink()

        with pytest.raises(DataError, match="sentihood-dev.json does not exist"):
            load_sentihood(tmp_path)

    @pytest.mark.parametrize(
        ("text", "match"),
        [
            ("{not json", "not readable JSON"),
            ('{"id": 1}', "must hold a JSON list"),
            ("[1, 2]", "record 0 must be a JSON object"),
            ('[{"id": 1, "text": "x"}]', r"missing \['opinions'\]"),
            ('[{"id": 1, "text": "x", "opinions": {}}]', "opinions must be a list"),
            ('[{"id": 1, "text": 3, "opinions": []}]', "text must be a string"),
            ('[{"id": 1, "text": "x", "opinions": [{"aspect": "a"}]}]', "sentiment and aspect"),
        ],
    )
    def test_corrupt_file_names_path_and_problem(self, tmp_path, text, match):
        write_release(tmp_path, test=text)

        with pytest.raises(DataError, match=match) as info:
            load_sentihood(tmp_path)

        assert str(tmp_path / "sentihood-test.json") in str(info.value)
        assert "\n" not in str(info.value)

    def test_hub_failure_says_how_to_fix(self, monkeypatch):
        monkeypatch.delenv("QLENS_Q_DATA", raising=False)

        def offline(*args, **kwargs):
            raise ConnectionError("offline")

        monkeypatch.setattr(sentihood_module.datasets, "load_dataset", offline)

        with pytest.raises(DataError, match="pass --data DIR or set QLENS_Q_DATA"):
            load_sentihood()

    def test_hub_splits_are_pooled_in_order(self, monkeypatch):
        monkeypatch.delenv("QLENS_Q_DATA", raising=False)
        hub = datasets.DatasetDict(
            {
                name: datasets.Dataset.from_list([{**RECORD, "id": i}])
                for i, name in enumerate(("test", "train", "validation"))
            }
        )
        monkeypatch.setattr(sentihood_module.datasets, "load_dataset", lambda *a, **k: hub)

        dataset = load_sentihood()

        assert dataset["split"] == ["train", "dev", "test"]
        assert dataset["id"] == [1, 2, 0]


class TestSentiment:
    def test_counts(self, pooled):
        task = prepare_sentiment(pooled, seed=0)

        assert task.counts == {
            "single_opinion": 1864,
            "positive": 1329,
            "negative": 535,
            "balanced": 1070,
            "train": 856,
            "test": 214,
        }
        assert task.class_names == ["negative", "positive"]
        assert np.bincount(task.train_labels).tolist() == [428, 428]
        assert np.bincount(task.test_labels).tolist() == [107, 107]
        assert task.train_labels.dtype == np.int64
        assert len(task.train_texts) == 856 and len(task.test_texts) == 214

    def test_texts_are_stripped(self, pooled):
        task = prepare_sentiment(pooled, seed=0)

        assert all(text == text.strip() and text for text in task.train_texts + task.test_texts)

    def test_same_seed_same_split(self, pooled):
        first = prepare_sentiment(pooled, seed=3)
        second = prepare_sentiment(pooled, seed=3)
        other = prepare_sentiment(pooled, seed=4)

        assert first.train_texts == second.train_texts
        assert np.array_equal(first.test_labels, second.test_labels)
        assert first.train_texts != other.train_texts

    def test_labels_follow_sentiment(self, pooled):
        sentiment = {
            row["text"].strip(): row["opinions"][0]["sentiment"]
            for row in pooled
            if len(row["opinions"]) == 1
        }
        task = prepare_sentiment(pooled, seed=0)

        for text, label in zip(task.test_texts, task.test_labels, strict=True):
            assert task.class_names[label] == sentiment[text].lower()

    def test_rejects_non_dataset(self):
        with pytest.raises(InvalidInputError, match="use load_sentihood"):
            prepare_sentiment([{"text": "x"}])


class TestAspect:
    def test_counts(self, pooled):
        task = prepare_aspect(pooled, seed=0)

        assert task.class_names == list(ASPECT_CLASSES)
        assert list(task.counts["per_class"].values()) == ASPECT_COUNTS
        assert task.counts["single_opinion"] == 1864
        assert task.counts["train"] + task.counts["test"] == 1864
        assert task.counts["test"] == 373
        pooled_labels = np.concatenate([task.train_labels, task.test_labels])
        assert np.bincount(pooled_labels, minlength=12).tolist() == ASPECT_COUNTS

    def test_split_is_stratified(self, pooled):
        task = prepare_aspect(pooled, seed=0)

        test_share = np.bincount(task.test_labels, minlength=12) / np.array(ASPECT_COUNTS)
        assert np.all(np.abs(test_share - 0.2) < 0.1)

    def test_same_seed_same_split(self, pooled):
        first = prepare_aspect(pooled, seed=1)
        second = prepare_aspect(pooled, seed=1)

        assert first.test_texts == second.test_texts
        assert np.array_equal(first.train_labels, second.train_labels)

    def test_unknown_aspect(self, tmp_path):
        record = {**RECORD, "opinions": [{**RECORD["opinions"][0], "aspect": "weather"}]}
        write_release(tmp_path, train=json.dumps([record] * 10))

        with pytest.raises(DataError, match="aspect must be one of general"):
            prepare_aspect(load_sentihood(tmp_path))
