"""SentiHood loading and the study's sentiment and aspect tasks."""

from qlens_q.data.sentihood import (
    ASPECT_CLASSES,
    SENTIMENT_CLASSES,
    TaskData,
    load_sentihood,
    prepare_aspect,
    prepare_sentiment,
    resolve_data_dir,
)

__all__ = [
    "ASPECT_CLASSES",
    "SENTIMENT_CLASSES",
    "TaskData",
    "load_sentihood",
    "prepare_aspect",
    "prepare_sentiment",
    "resolve_data_dir",
]
