"""analytics.stats.unit_series against hand computations: lag-1 autocorrelation over consecutive calendar months, the
effective sample size n_eff = n(1 − a_x a_y)/(1 + a_x a_y) and the t test on n_eff − 2 (non-integer) df."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analytics.stats.unit_series import lag1_autocorrelation, own_series_correlation
from tests.fixtures import X24, Y24, hand_lag1, hand_test

NAN = math.nan


def test_a_24_month_series_matches_the_hand_computation():
    got = own_series_correlation(np.array(X24), np.array(Y24), lag=0)
    a_x, a_y = hand_lag1(X24), hand_lag1(Y24)
    assert (a_x, a_y) == pytest.approx((0.5714068692, 0.2051313235), rel=1e-9)
    want = hand_test(X24, Y24, a_x, a_y)
    assert got.n == 24 and got.lag == 0
    assert (got.a_x, got.a_y) == pytest.approx((a_x, a_y), rel=1e-12)
    for key, value in want.items():
        assert getattr(got, key) == pytest.approx(value, rel=1e-10), key
    assert got.n_eff == pytest.approx(18.9640371, rel=1e-8) and got.p == pytest.approx(0.0948516, rel=1e-5)
    assert got.p > stats.pearsonr(X24, Y24).pvalue  # the naive test on 24 "independent" months is too sure
    assert not got.insufficient and got.exploratory


def test_the_complete_series_estimator_is_the_standard_acf():
    acf = pytest.importorskip("statsmodels.tsa.stattools").acf
    assert lag1_autocorrelation(np.array(X24)) == pytest.approx(acf(X24, nlags=1)[1], rel=1e-12)
    assert lag1_autocorrelation(np.array(Y24)) == pytest.approx(acf(Y24, nlags=1)[1], rel=1e-12)


def test_a_gap_month_breaks_the_lag1_pair_across_it():
    values = [3.0, 4.0, 7.0, NAN, 5.0, 7.0, 9.0, 8.0]
    # mean over the 7 values present; lag-1 pairs (0,1) (1,2) (4,5) (5,6) (6,7): not (2,4) across the gap
    m = (3 + 4 + 7 + 5 + 7 + 9 + 8) / 7
    d = {t: v - m for t, v in enumerate(values) if not math.isnan(v)}
    num = d[0] * d[1] + d[1] * d[2] + d[4] * d[5] + d[5] * d[6] + d[6] * d[7]
    den = sum(v * v for v in d.values())
    assert lag1_autocorrelation(np.array(values)) == pytest.approx(num / den, rel=1e-12)
    closed_up = [3.0, 4.0, 7.0, 5.0, 7.0, 9.0, 8.0]  # "the next row" would pair 7 with 5: a different number
    assert lag1_autocorrelation(np.array(closed_up)) != pytest.approx(num / den, rel=1e-6)


def test_a_month_missing_in_y_drops_the_pair_and_breaks_both_series():
    x, y = list(X24), list(Y24)
    y[9] = NAN
    got = own_series_correlation(np.array(x), np.array(y), lag=0)
    xp = [v if t != 9 else NAN for t, v in enumerate(x)]  # x at the pair months only
    a_x, a_y = hand_lag1(xp), hand_lag1(y)
    assert got.n == 23
    assert (got.a_x, got.a_y) == pytest.approx((a_x, a_y), rel=1e-12)
    assert got.a_x != pytest.approx(hand_lag1(x), rel=1e-6)
    want = hand_test([v for t, v in enumerate(x) if t != 9], [v for t, v in enumerate(y) if t != 9], a_x, a_y)
    assert (got.r, got.n_eff, got.p) == pytest.approx((want["r"], want["n_eff"], want["p"]), rel=1e-10)


def test_lag_pairs_x_of_month_t_with_y_of_month_t_plus_lag():
    lag = 2
    got = own_series_correlation(np.array(X24), np.array(Y24), lag=lag)
    xs, ys = X24[: 24 - lag], Y24[lag:]
    want = hand_test(xs, ys, hand_lag1(xs), hand_lag1(ys))
    assert got.n == 22
    assert (got.r, got.n_eff, got.t, got.p) == pytest.approx(
        (want["r"], want["n_eff"], want["t"], want["p"]), rel=1e-10
    )
    x_bounded = np.array(X24[:12] + [NAN] * 12)  # x's months bounded to the first year: y may run past them
    assert own_series_correlation(x_bounded, np.array(Y24), lag=lag).n == 12
    with pytest.raises(ValueError, match="lag"):
        own_series_correlation(np.array(X24), np.array(Y24), lag=-1)


def test_negative_autocorrelation_counts_as_zero():
    zigzag = [1.0, -1.2, 0.9, -1.1, 1.3, -0.8, 1.0, -1.0, 1.1, -0.9, 1.2, -1.3]
    m = sum(zigzag) / 12
    raw = sum((zigzag[t] - m) * (zigzag[t + 1] - m) for t in range(11)) / sum((v - m) ** 2 for v in zigzag)
    assert raw < -0.8
    assert lag1_autocorrelation(np.array(zigzag)) == 0.0
    y = [0.3, -0.5, 0.8, -0.2, 1.1, -0.9, 0.4, -0.6, 0.2, -1.4, 0.7, -0.1]
    got = own_series_correlation(np.array(zigzag), np.array(y), lag=0)
    assert got.a_x == 0.0 and got.n_eff == 12.0  # no discount, and never a bonus above n
    want = hand_test(zigzag, y, 0.0, 0.0)
    assert got.p == pytest.approx(stats.pearsonr(zigzag, y).pvalue, rel=1e-10) == pytest.approx(want["p"])


def test_insufficient_below_an_effective_n_of_10():
    got = own_series_correlation(np.array(X24), np.array(X24) * 0.5 + np.arange(24.0), lag=0)
    assert got.n == 24 and got.n_eff < 10  # y trends, x is autocorrelated: 24 months are worth < 10
    a = hand_lag1(X24)
    assert got.a_x == pytest.approx(a, rel=1e-12)
    assert (got.r, got.p, got.t, got.df, got.ci_low, got.ci_high) == (None,) * 6
    assert got.insufficient and got.exploratory
    zigzag = np.array([1.0, -1.0] * 5 + [1.0])  # a = 0 after clipping: n_eff = n
    y = np.array([0.2, 0.1, 0.5, -0.3, 0.9, 0.0, -0.4, 0.6, 0.3, -0.2, 0.8])
    assert not own_series_correlation(zigzag[:10], y[:10], 0).insufficient  # n_eff = 10
    assert own_series_correlation(zigzag[:9], y[:9], 0).insufficient  # n_eff = 9


def test_degenerate_series():
    assert math.isnan(lag1_autocorrelation(np.array([NAN, 4.0, NAN])))  # one value
    assert math.isnan(lag1_autocorrelation(np.array([2.0, 2.0, NAN, 2.0])))  # no variation
    assert lag1_autocorrelation(np.array([1.0, NAN, 3.0, NAN, 2.0])) == 0.0  # no consecutive months
    flat = own_series_correlation(np.full(20, 5.0), np.arange(20.0), 0)
    assert flat.insufficient and flat.r is None and math.isnan(flat.n_eff)
    empty = own_series_correlation(np.array([NAN] * 5), np.array([1.0] * 5), 0)
    assert empty.n == 0 and empty.insufficient
    zigzag = np.array([1.0, -1.0] * 6)
    perfect = own_series_correlation(zigzag, 2 * zigzag + 1, 0)
    assert (perfect.r, perfect.p, perfect.ci_low, perfect.ci_high) == (1.0, 0.0, 1.0, 1.0)
