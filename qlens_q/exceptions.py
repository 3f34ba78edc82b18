"""Errors and warnings raised by qlens-q.

Every error derives from :class:`QlensError`; the ones about bad arguments also derive from
the built-in error they refine, so ``except ValueError`` keeps working for callers.
"""


class QlensError(Exception):
    """Base class of every error raised by qlens-q."""


class InvalidInputError(QlensError, ValueError):
    """An argument has the wrong shape, type, range or value."""


class NotUnitaryError(InvalidInputError):
    """A matrix that must be unitary is not (the message says how far it is)."""


class DataError(QlensError, ValueError):
    """A data file is missing, unreadable or does not hold what the loader expects."""


class WeightsNotFoundError(QlensError, FileNotFoundError):
    """Pretrained weights could not be found offline (the message names the option to use)."""


class CheckFailedError(QlensError):
    """A numerical check of a run failed, e.g. a circuit disagreed with the model.

    The run's report is written before this is raised, so the failing numbers can be read.
    """


class QlensWarning(UserWarning):
    """Input was changed on the caller's behalf (renormalised, padded, truncated)."""
