"""AHP weights and consistency against known matrices."""

import numpy as np
import pytest

from analytics.stats.ahp import RANDOM_INDEX, AhpError, InconsistentJudgementError, PairwiseJudgement, ahp_weights


def test_perfectly_consistent_matrix_has_exact_weights_and_zero_cr():
    # a_ij = w_i / w_j with w = (4, 2, 1) / 7: consistent, lambda_max = n
    result = ahp_weights(np.array([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]))
    assert result.weights == pytest.approx((4 / 7, 2 / 7, 1 / 7), abs=1e-12)
    assert result.lambda_max == pytest.approx(3.0, abs=1e-12)
    assert result.ci == pytest.approx(0.0, abs=1e-12)
    assert result.cr == pytest.approx(0.0, abs=1e-12)


def test_textbook_three_by_three_example():
    # classic textbook example: w = (0.1634, 0.5396, 0.2970), lambda_max = 3.0092, CR = 0.0079
    result = ahp_weights(np.array([[1, 1 / 3, 1 / 2], [3, 1, 2], [2, 1 / 2, 1]]))
    assert result.weights == pytest.approx((0.1634, 0.5396, 0.2970), abs=1e-4)
    assert result.lambda_max == pytest.approx(3.0092, abs=1e-4)
    assert result.cr == pytest.approx(0.0079, abs=1e-4)
    assert result.ci == pytest.approx((result.lambda_max - 3) / 2, abs=1e-15)


def test_mathmodels_five_by_five_example():
    # zhjx19/mathmodels AHP() example (same RI table): lambda_max 5.0721, CI 0.0180, CR 0.0161
    a = np.array(
        [
            [1, 1 / 2, 4, 3, 3],
            [2, 1, 7, 5, 5],
            [1 / 4, 1 / 7, 1, 1 / 2, 1 / 3],
            [1 / 3, 1 / 5, 2, 1, 1],
            [1 / 3, 1 / 5, 3, 1, 1],
        ]
    )
    result = ahp_weights(a)
    assert result.weights == pytest.approx((0.2636, 0.4758, 0.0538, 0.0981, 0.1087), abs=1e-4)
    assert result.lambda_max == pytest.approx(5.0721, abs=1e-4)
    assert result.ci == pytest.approx(0.0180, abs=1e-4)
    assert result.cr == pytest.approx(0.0180 / 1.12, abs=1e-4)


def test_inconsistent_matrix_is_refused():
    # cyclic judgements: A >> B >> C >> A
    cyclic = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    with pytest.raises(InconsistentJudgementError) as caught:
        ahp_weights(PairwiseJudgement(("A", "B", "C"), cyclic))
    assert caught.value.cr > 0.1
    assert caught.value.labels == ("A", "B", "C")
    assert isinstance(caught.value, ValueError)


def test_cr_threshold_is_adjustable():
    a = np.array([[1, 1 / 3, 1 / 2], [3, 1, 2], [2, 1 / 2, 1]])
    with pytest.raises(InconsistentJudgementError):
        ahp_weights(a, max_cr=0.005)


@pytest.mark.parametrize(
    "matrix",
    [
        np.array([[1, 2], [2, 1]]),  # not reciprocal
        np.array([[1, -2], [-0.5, 1]]),  # not positive
        np.ones((2, 3)),  # not square
        np.ones((12, 12)),  # beyond the RI table
    ],
)
def test_malformed_matrices_are_refused(matrix):
    with pytest.raises(AhpError):
        ahp_weights(matrix)


def test_two_items_are_always_consistent():
    result = ahp_weights(np.array([[1, 3], [1 / 3, 1]]))
    assert result.weights == pytest.approx((0.75, 0.25), abs=1e-12)
    assert result.cr == 0.0


def test_from_upper_fills_reciprocals_and_ones():
    judgement = PairwiseJudgement.from_upper(("政治引领", "组织建设", "党风廉政"), {("政治引领", "组织建设"): 2})
    assert judgement.matrix.tolist() == [[1, 2, 1], [0.5, 1, 1], [1, 1, 1]]
    assert ahp_weights(judgement).as_dict().keys() == {"政治引领", "组织建设", "党风廉政"}
    with pytest.raises(AhpError):
        PairwiseJudgement.from_upper(("a", "b"), {("a", "z"): 2})


def test_typed_judgements_read_fractions_blanks_as_equal_and_refuse_naming_the_text():
    labels = ("a", "b", "c")
    typed = PairwiseJudgement.from_texts(labels, {("a", "b"): " 1/4 ", ("a", "c"): "", ("b", "c"): "nan"})
    assert typed.matrix.tolist() == [[1, 0.25, 1], [4, 1, 1], [1, 1, 1]]
    for bad in ("abc", "0", "-3", "1/0"):
        with pytest.raises(AhpError) as caught:
            PairwiseJudgement.from_texts(labels, {("a", "b"): "2", ("b", "c"): bad})
        assert caught.value.code == "ahp.bad_text" and caught.value.fields["text"] == bad
        assert f"“{bad}”不是正数或分数" in caught.value.message("zh")


def test_random_index_matches_spec():
    assert RANDOM_INDEX == (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51)
