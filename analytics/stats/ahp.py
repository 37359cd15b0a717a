"""Analytic Hierarchy Process (层次分析法): weights from a pairwise comparison matrix.

Saaty's method: the weights are the principal eigenvector of a positive reciprocal
matrix, and a matrix whose consistency ratio exceeds 0.1 is refused rather than used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from analytics.errors import AnalyticsError

#: Saaty's random consistency index RI for n = 1..11 (index 0 is n = 1).
RANDOM_INDEX: tuple[float, ...] = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51)
#: A judgement matrix is accepted when CR <= this.
MAX_CONSISTENCY_RATIO = 0.1
#: Tolerance for a[i, j] * a[j, i] == 1.
RECIPROCAL_TOLERANCE = 1e-6
#: Typed judgements that mean "no judgement": equally important.
BLANK_TEXTS = ("", "None", "nan")


class AhpError(AnalyticsError, ValueError):
    """A pairwise comparison matrix that cannot be used (shape, sign, reciprocity, size); ``str()`` is English."""

    code = "ahp"

    def summary(self) -> str:
        return self.message("en")


class InconsistentJudgementError(AhpError):
    """The judgements are too inconsistent to use: CR > MAX_CONSISTENCY_RATIO."""

    code = "ahp.inconsistent"

    def __init__(self, cr: float, lambda_max: float, labels: Sequence[str] = ()) -> None:
        self.cr = cr
        self.lambda_max = lambda_max
        self.labels = tuple(labels)
        super().__init__(None, cr=cr, limit=MAX_CONSISTENCY_RATIO)


@dataclass(frozen=True)
class PairwiseJudgement:
    """A pairwise comparison matrix over named items (e.g. the dimensions of a subsystem).

    ``matrix[i, j]`` says how much more important ``labels[i]`` is than ``labels[j]``
    on Saaty's 1–9 scale; the matrix must be positive and reciprocal.
    """

    labels: tuple[str, ...]
    matrix: np.ndarray

    @classmethod
    def from_upper(cls, labels: Sequence[str], judgements: Mapping[tuple[str, str], float]) -> PairwiseJudgement:
        """Build the full reciprocal matrix from judgements ``{(a, b): importance of a over b}``.

        Pairs not given are taken as equally important (1).
        """
        labels = tuple(labels)
        position = {label: i for i, label in enumerate(labels)}
        matrix = np.ones((len(labels), len(labels)))
        for (a, b), value in judgements.items():
            if a not in position or b not in position:
                raise AhpError("ahp.unknown_item", a=a, b=b)
            if value <= 0:
                raise AhpError("ahp.not_positive", a=a, b=b, value=value)
            matrix[position[a], position[b]] = value
            matrix[position[b], position[a]] = 1.0 / value
        return cls(labels, matrix)

    @classmethod
    def from_texts(cls, labels: Sequence[str], texts: Mapping[tuple[str, str], str]) -> PairwiseJudgement:
        """:meth:`from_upper` from judgements as typed: ``"3"``, ``"1/5"``, ``"0.5"``; a blank cell (``""``, or a
        cleared one's ``"None"``/``"nan"``) means equally important. A text that is not a positive number or
        fraction is refused naming it (``ahp.bad_text``)."""
        judgements = {}
        for pair, raw in texts.items():
            text = raw.strip()
            if text in BLANK_TEXTS:
                continue
            try:
                value = Fraction(text)
            except (ValueError, ZeroDivisionError):
                value = Fraction(0)
            if value <= 0:
                raise AhpError("ahp.bad_text", a=pair[0], b=pair[1], text=text)
            judgements[pair] = float(value)
        return cls.from_upper(labels, judgements)


@dataclass(frozen=True)
class AhpResult:
    """Weights (summing to 1, in label order) and the consistency check of one matrix."""

    labels: tuple[str, ...]
    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float

    def as_dict(self) -> dict[str, float]:
        """Weights keyed by label."""
        return dict(zip(self.labels, self.weights, strict=True))


def _validate(matrix: np.ndarray) -> np.ndarray:
    a = np.asarray(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise AhpError("ahp.bad_shape", shape=a.shape)
    if a.shape[0] > len(RANDOM_INDEX):
        raise AhpError("ahp.too_many_items", limit=len(RANDOM_INDEX), n=a.shape[0])
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise AhpError("ahp.not_finite")
    if not np.allclose(a * a.T, 1.0, atol=RECIPROCAL_TOLERANCE, rtol=0.0):
        raise AhpError("ahp.not_reciprocal")
    return a


def ahp_weights(judgement: PairwiseJudgement | np.ndarray, *, max_cr: float = MAX_CONSISTENCY_RATIO) -> AhpResult:
    """Principal-eigenvector weights of a pairwise comparison matrix, with its consistency.

    ``lambda_max`` is the principal eigenvalue, ``CI = (lambda_max - n) / (n - 1)`` and
    ``CR = CI / RI[n]`` (CR = 0 for n <= 2, which are always consistent).
    Raises :class:`InconsistentJudgementError` when CR > ``max_cr`` and :class:`AhpError`
    for a matrix that is not square, positive and reciprocal.
    """
    if isinstance(judgement, PairwiseJudgement):
        labels, matrix = judgement.labels, judgement.matrix
    else:
        matrix = np.asarray(judgement, dtype=float)
        labels = tuple(str(i) for i in range(matrix.shape[0])) if matrix.ndim == 2 else ()
    a = _validate(matrix)
    n = a.shape[0]
    if len(labels) != n:
        raise AhpError("ahp.label_count", labels=len(labels), n=n)
    eigenvalues, eigenvectors = np.linalg.eig(a)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX[n - 1]
    cr = max(ci, 0.0) / ri if ri > 0 else 0.0
    if cr > max_cr:
        raise InconsistentJudgementError(cr, lambda_max, labels)
    return AhpResult(tuple(labels), tuple(float(w) for w in weights), lambda_max, ci, cr)
