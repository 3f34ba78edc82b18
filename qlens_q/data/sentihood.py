"""Load the SentiHood corpus and prepare the study's sentiment and aspect tasks.

SentiHood (Saeidi et al., COLING 2016, https://arxiv.org/abs/1610.03771) holds sentences about
London neighbourhoods, each with zero or more ``{sentiment, aspect, target_entity}`` opinions.
The study pools the three released splits and keeps the sentences with exactly one opinion.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import datasets
import numpy as np
from sklearn.model_selection import train_test_split

from qlens_q.exceptions import DataError, InvalidInputError

logger = logging.getLogger(__name__)

#: Environment variable naming the folder that holds the JSON release.
DATA_ENV_VAR = "QLENS_Q_DATA"

#: The Hugging Face hub dataset used when no folder is given.
HUB_DATASET = "bhavnicksm/sentihood"

#: The released splits, in pooling order.
SPLITS = ("train", "dev", "test")

#: Sentiment classes; label ``i`` is ``SENTIMENT_CLASSES[i]`` (1 = Positive).
SENTIMENT_CLASSES = ("negative", "positive")

#: Aspect classes in the study's order (most to least frequent among single-opinion sentences).
ASPECT_CLASSES = (
    "general",
    "transit-location",
    "safety",
    "price",
    "live",
    "multicultural",
    "shopping",
    "nightlife",
    "green-nature",
    "touristy",
    "dining",
    "quiet",
)

#: Hub split names mapped to the release's file names.
_HUB_SPLIT_NAMES = {"train": "train", "validation": "dev", "dev": "dev", "test": "test"}


@dataclass(frozen=True)
class TaskData:
    """A classification task: texts and integer labels for the train and test splits.

    Attributes:
        task: Which task the labels encode.
        class_names: Name of each label; label ``i`` is ``class_names[i]``.
        train_texts: Training sentences, whitespace stripped.
        train_labels: Training labels, int64 of shape (num_train,).
        test_texts: Test sentences, whitespace stripped.
        test_labels: Test labels, int64 of shape (num_test,).
        counts: Sizes at each preparation step (keys depend on the task).
    """

    task: Literal["sentiment", "aspect"]
    class_names: list[str]
    train_texts: list[str]
    train_labels: np.ndarray
    test_texts: list[str]
    test_labels: np.ndarray
    counts: dict[str, Any] = field(default_factory=dict)


def resolve_data_dir(data_dir: str | Path | None) -> Path | None:
    """Choose the SentiHood folder: the argument, else ``$QLENS_Q_DATA``, else None (the hub).

    Args:
        data_dir: Folder holding ``sentihood-{train,dev,test}.json``, or None.

    Returns:
        The folder to read, or None to load the dataset from the Hugging Face hub.
    """
    if data_dir is not None:
        return Path(data_dir)
    env_value = os.environ.get(DATA_ENV_VAR)
    if env_value:
        return Path(env_value)

    return None


def load_sentihood(data_dir: str | Path | None = None) -> datasets.Dataset:
    """Load the three SentiHood splits pooled into one dataset.

    Args:
        data_dir: Folder holding the original JSON release (``sentihood-train.json``,
            ``sentihood-dev.json``, ``sentihood-test.json``). When None, ``$QLENS_Q_DATA`` is
            used, and failing that the hub dataset ``bhavnicksm/sentihood``.

    Returns:
        A dataset with columns ``id``, ``text``, ``opinions`` and ``split`` (``train``,
        ``dev`` or ``test``), rows in split order then file order.

    Raises:
        DataError: A file is missing, is not valid JSON or does not hold SentiHood records, or
            the hub cannot be reached.
    """
    folder = resolve_data_dir(data_dir)
    if folder is None:
        return _load_from_hub()

    records: list[dict[str, Any]] = []
    for split in SPLITS:
        path = folder / f"sentihood-{split}.json"
        records.extend(_read_split_file(path, split))
    logger.debug("loaded %d SentiHood records from %s", len(records), folder)

    return datasets.Dataset.from_list(records)


def _read_split_file(path: Path, split: str) -> list[dict[str, Any]]:
    """Parse and validate one JSON file of the release."""
    if not path.is_file():
        raise DataError(
            f"SentiHood file {path} does not exist; pass the folder holding "
            "sentihood-{train,dev,test}.json (--data DIR or QLENS_Q_DATA)"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"SentiHood file {path} is not readable JSON: {error}") from error
    if not isinstance(raw, list):
        raise DataError(
            f"SentiHood file {path} must hold a JSON list of records; got {type(raw).__name__}"
        )

    return [_validate_record(record, path, index, split) for index, record in enumerate(raw)]


def _validate_record(record: Any, source: Path | str, index: int, split: str) -> dict[str, Any]:
    """Check one record's structure and return it in the dataset's column layout."""
    where = f"SentiHood file {source} record {index}"
    if not isinstance(record, dict):
        raise DataError(f"{where} must be a JSON object; got {type(record).__name__}")
    missing = [key for key in ("id", "text", "opinions") if key not in record]
    if missing:
        raise DataError(f"{where} must have keys id, text, opinions; missing {missing}")
    if not isinstance(record["text"], str):
        raise DataError(f"{where} text must be a string; got {type(record['text']).__name__}")
    opinions = record["opinions"]
    if not isinstance(opinions, list):
        raise DataError(f"{where} opinions must be a list; got {type(opinions).__name__}")

    clean_opinions = []
    for opinion in opinions:
        if not isinstance(opinion, dict) or not {"sentiment", "aspect"} <= opinion.keys():
            raise DataError(
                f"{where} opinions must be objects with sentiment and aspect; got {opinion!r}"
            )
        clean_opinions.append(
            {
                "sentiment": str(opinion["sentiment"]),
                "aspect": str(opinion["aspect"]),
                "target_entity": str(opinion.get("target_entity", "")),
            }
        )

    return {
        "id": int(record["id"]),
        "text": record["text"],
        "opinions": clean_opinions,
        "split": split,
    }


def _load_from_hub() -> datasets.Dataset:
    """Load and pool the hub copy of SentiHood, turning offline failures into DataError."""
    try:
        splits = datasets.load_dataset(HUB_DATASET)
    except Exception as error:  # the hub client raises many unrelated types when offline
        raise DataError(
            f"could not load SentiHood from the hub ({HUB_DATASET}): {error}; pass --data DIR "
            f"or set {DATA_ENV_VAR} to a folder holding sentihood-{{train,dev,test}}.json"
        ) from error

    order = sorted(splits.keys(), key=lambda name: SPLITS.index(_HUB_SPLIT_NAMES.get(name, name)))
    records: list[dict[str, Any]] = []
    for name in order:
        split = _HUB_SPLIT_NAMES.get(name, name)
        for index, record in enumerate(splits[name]):
            records.append(_validate_record(record, f"{HUB_DATASET}:{name}", index, split))

    return datasets.Dataset.from_list(records)


def _single_opinion_rows(dataset: datasets.Dataset, seed: int) -> list[tuple[str, dict]]:
    """Shuffle the pooled dataset with ``seed`` and keep sentences with exactly one opinion."""
    _check_dataset(dataset)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(dataset))
    texts = dataset["text"]
    opinions = dataset["opinions"]

    return [(texts[i].strip(), opinions[i][0]) for i in order.tolist() if len(opinions[i]) == 1]


def _check_dataset(dataset: Any) -> None:
    """Reject objects that lack the ``text`` and ``opinions`` columns."""
    columns = getattr(dataset, "column_names", None)
    if columns is None or not {"text", "opinions"} <= set(columns):
        raise InvalidInputError(
            "dataset must be a datasets.Dataset with text and opinions columns; "
            f"got {type(dataset).__name__} with columns {columns}; use load_sentihood()"
        )


def prepare_sentiment(dataset: datasets.Dataset, *, seed: int = 0) -> TaskData:
    """Build the balanced binary sentiment task of the study.

    Steps: shuffle the pooled sentences with ``seed``; keep those with exactly one opinion
    (1,864 in the release: 1,329 Positive, 535 Negative); strip whitespace; down-sample the
    majority class to the minority's size (1,070 sentences); split each class 80:20 into train
    (856) and test (214).

    Args:
        dataset: Pooled SentiHood from :func:`load_sentihood`.
        seed: Seed of the shuffle, the down-sampling and the split.

    Returns:
        The task, with ``class_names == ["negative", "positive"]`` (label 1 is Positive) and
        counts ``single_opinion``, ``positive``, ``negative``, ``balanced``, ``train``, ``test``.

    Raises:
        InvalidInputError: ``dataset`` lacks the text or opinions column.
        DataError: A sentiment other than Positive or Negative appears.
    """
    rows = _single_opinion_rows(dataset, seed)
    by_label: dict[int, list[str]] = {0: [], 1: []}
    for text, opinion in rows:
        sentiment = opinion["sentiment"].lower()
        if sentiment not in SENTIMENT_CLASSES:
            raise DataError(
                f"sentiment must be one of Positive, Negative; got {opinion['sentiment']!r}"
            )
        by_label[SENTIMENT_CLASSES.index(sentiment)].append(text)

    # Down-sample every class to the smallest one, then split each class 80:20.
    rng = np.random.default_rng(seed)
    size = min(len(texts) for texts in by_label.values())
    train: list[tuple[str, int]] = []
    test: list[tuple[str, int]] = []
    for label, texts in by_label.items():
        keep = rng.choice(len(texts), size=size, replace=False)
        kept = [texts[i] for i in keep.tolist()]
        num_train = int(round(0.8 * size))
        train.extend((text, label) for text in kept[:num_train])
        test.extend((text, label) for text in kept[num_train:])
    train = [train[i] for i in rng.permutation(len(train)).tolist()]
    test = [test[i] for i in rng.permutation(len(test)).tolist()]

    counts = {
        "single_opinion": len(rows),
        "positive": len(by_label[1]),
        "negative": len(by_label[0]),
        "balanced": 2 * size,
        "train": len(train),
        "test": len(test),
    }
    logger.debug("sentiment task (seed %d): %s", seed, counts)

    return _task("sentiment", list(SENTIMENT_CLASSES), train, test, counts)


def prepare_aspect(dataset: datasets.Dataset, *, seed: int = 0) -> TaskData:
    """Build the 12-class aspect task: single-opinion sentences labelled by their aspect.

    No balancing; the 80:20 split is stratified by aspect (scikit-learn ``train_test_split``
    with ``random_state=seed``).

    Args:
        dataset: Pooled SentiHood from :func:`load_sentihood`.
        seed: Seed of the shuffle and the split.

    Returns:
        The task, with ``class_names`` in :data:`ASPECT_CLASSES` order and counts
        ``single_opinion``, ``train``, ``test`` and ``per_class`` (pooled count per aspect).

    Raises:
        InvalidInputError: ``dataset`` lacks the text or opinions column.
        DataError: An aspect outside :data:`ASPECT_CLASSES` appears.
    """
    rows = _single_opinion_rows(dataset, seed)
    texts = [text for text, _ in rows]
    labels = []
    for _, opinion in rows:
        if opinion["aspect"] not in ASPECT_CLASSES:
            raise DataError(
                f"aspect must be one of {', '.join(ASPECT_CLASSES)}; got {opinion['aspect']!r}"
            )
        labels.append(ASPECT_CLASSES.index(opinion["aspect"]))

    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=seed
    )
    per_class = {name: labels.count(index) for index, name in enumerate(ASPECT_CLASSES)}
    counts = {
        "single_opinion": len(rows),
        "train": len(train_texts),
        "test": len(test_texts),
        "per_class": per_class,
    }
    logger.debug("aspect task (seed %d): %s", seed, counts)
    train = list(zip(train_texts, train_labels, strict=True))
    test = list(zip(test_texts, test_labels, strict=True))

    return _task("aspect", list(ASPECT_CLASSES), train, test, counts)


def _task(
    task: Literal["sentiment", "aspect"],
    class_names: list[str],
    train: list[tuple[str, int]],
    test: list[tuple[str, int]],
    counts: dict[str, Any],
) -> TaskData:
    """Package (text, label) pairs as a :class:`TaskData`."""
    return TaskData(
        task=task,
        class_names=class_names,
        train_texts=[text for text, _ in train],
        train_labels=np.array([label for _, label in train], dtype=np.int64),
        test_texts=[text for text, _ in test],
        test_labels=np.array([label for _, label in test], dtype=np.int64),
        counts=counts,
    )
