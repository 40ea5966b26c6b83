"""Weighted least squares and trace identities shared by the tau² estimators and meta-regression.

All functions work for an arbitrary k x p design ``X`` in O(k p²) time and memory: the k x k matrix
``P = W - W X (X'WX)^-1 X'W`` of metafor's ``rma.uni`` is never formed.  Traces of products of P with
diagonal matrices D and E are obtained from the identity

    tr(P D P E) = Σ w²de - 2 Σ w d e h + tr(M A_D M A_E),  with h_i = w_i² x_i' M x_i,
    M = (X'WX)^-1 and A_D = X' W D W X.

``X = None`` is the intercept-only model, computed with plain vector sums (the fast path).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


BLAS_THREAD_THRESHOLD = 8192


def vdot(a: FloatArray, b: FloatArray) -> float:
    """Σ a b; long vectors avoid BLAS, whose threads spin on a busy machine for longer than the sum takes."""
    if a.shape[0] < BLAS_THREAD_THRESHOLD:
        return float(a @ b)
    return float(np.einsum("i,i->", a, b))


@dataclass(frozen=True)
class WlsFit:
    """A weighted least-squares fit of y on X (None: intercept only) with weights w.

    ``beta`` are the coefficients, ``vb`` = (X'WX)^-1, ``resid`` = y - X beta and ``rss`` = Σ w resid².
    """

    X: FloatArray | None
    w: FloatArray
    beta: FloatArray
    vb: FloatArray
    resid: FloatArray
    rss: float

    @cached_property
    def hat(self) -> FloatArray:
        """Diagonal of W X M X' W (not the usual hat matrix: it carries a second factor w)."""
        if self.X is None:
            return np.asarray(self.w * self.w * self.vb[0, 0], dtype=np.float64)
        xm = self.X @ self.vb
        return np.asarray(self.w**2 * np.einsum("ij,ij->i", xm, self.X), dtype=np.float64)

    def tr_p(self) -> float:
        """tr(P); Σw - Σw²/Σw for the intercept-only model."""
        if self.X is None:
            return float(self.w.sum() - vdot(self.w, self.w) * self.vb[0, 0])
        return self.tr_pd(np.ones(len(self.w)))

    def tr_pp(self) -> float:
        """tr(PP); Σw² - 2Σw³/Σw + (Σw²)²/(Σw)² for the intercept-only model."""
        if self.X is None:
            w2 = self.w * self.w
            s2, s3, m = float(w2.sum()), vdot(w2, self.w), float(self.vb[0, 0])
            return s2 - 2.0 * s3 * m + (s2 * m) ** 2
        ones = np.ones(len(self.w))
        return self.tr_pdpe(ones, ones)

    def tr_pd(self, d: FloatArray) -> float:
        """tr(P D) for a diagonal D given as a vector."""
        return float(vdot(self.w, d) - vdot(self.hat, d))

    def tr_pdpe(self, d: FloatArray, e: FloatArray) -> float:
        """tr(P D P E) for diagonal D and E given as vectors."""
        w, m = self.w, self.vb
        w2 = w * w
        if self.X is None:
            cross = float(m[0, 0] ** 2 * vdot(w2, d) * vdot(w2, e))
        else:
            a_d = (self.X * (w2 * d)[:, None]).T @ self.X
            a_e = (self.X * (w2 * e)[:, None]).T @ self.X
            cross = float(np.trace(m @ a_d @ m @ a_e))
        de = d * e
        return float(vdot(w2, de) - 2.0 * vdot(w * self.hat, de) + cross)


def intercept(k: int) -> FloatArray:
    """The k x 1 design of an intercept-only model."""
    return np.ones((k, 1), dtype=np.float64)


def wls(y: FloatArray, w: FloatArray, X: FloatArray | None = None) -> WlsFit:
    """Weighted least squares of ``y`` on ``X`` (None: intercept only) with weights ``w``."""
    if X is None:
        sw = float(w.sum())
        mu = float(vdot(w, y)) / sw
        resid = y - mu
        return WlsFit(None, w, np.array([mu]), np.array([[1.0 / sw]]), resid, float(vdot(w, resid * resid)))
    xw = X * w[:, None]
    xtwx = xw.T @ X
    vb: FloatArray = np.asarray(np.linalg.inv(xtwx))
    beta = vb @ (xw.T @ y)
    resid = y - X @ beta
    return WlsFit(X, w, beta, vb, resid, float(vdot(w, resid * resid)))


def design_shape(k: int, X: FloatArray | None) -> tuple[int, int]:
    """(k, p) of a design (p = 1 for the intercept-only ``None``)."""
    return (k, 1) if X is None else (X.shape[0], X.shape[1])
