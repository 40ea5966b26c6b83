"""Weighted least squares and trace identities shared by the tau² estimators and meta-regression.

All functions work for an arbitrary k x p design ``X`` in O(k p²) time and memory: the k x k matrix
``P = W - W X (X'WX)^-1 X'W`` of metafor's ``rma.uni`` is never formed.  Traces of products of P with
diagonal matrices D and E are obtained from the identity

    tr(P D P E) = Σ w²de - 2 Σ w d e h + tr(M A_D M A_E),  with h_i = w_i² x_i' M x_i,
    M = (X'WX)^-1 and A_D = X' W D W X.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WlsFit:
    """A weighted least-squares fit of y on X with weights w.

    ``beta`` are the coefficients, ``vb`` = (X'WX)^-1, ``resid`` = y - X beta and ``rss`` = Σ w resid².
    """

    X: FloatArray
    w: FloatArray
    beta: FloatArray
    vb: FloatArray
    resid: FloatArray
    rss: float

    @property
    def hat(self) -> FloatArray:
        """Diagonal of W X M X' W (not the usual hat matrix: it carries a second factor w)."""
        xm = self.X @ self.vb
        return np.asarray(self.w**2 * np.einsum("ij,ij->i", xm, self.X), dtype=np.float64)

    def tr_pd(self, d: FloatArray) -> float:
        """tr(P D) for a diagonal D given as a vector."""
        return float(np.sum(self.w * d) - np.sum(self.hat * d))

    def tr_pdpe(self, d: FloatArray, e: FloatArray) -> float:
        """tr(P D P E) for diagonal D and E given as vectors."""
        w, X, m = self.w, self.X, self.vb
        a_d = X.T @ (X * (w * d * w)[:, None])
        a_e = X.T @ (X * (w * e * w)[:, None])
        cross = float(np.trace(m @ a_d @ m @ a_e))
        return float(np.sum(w * w * d * e) - 2.0 * np.sum(w * d * e * self.hat) + cross)


def intercept(k: int) -> FloatArray:
    """The k x 1 design of an intercept-only model."""
    return np.ones((k, 1), dtype=np.float64)


def wls(y: FloatArray, w: FloatArray, X: FloatArray) -> WlsFit:
    """Weighted least squares of ``y`` on ``X`` with weights ``w``."""
    xw = X * w[:, None]
    xtwx = X.T @ xw
    if X.shape[1] == 1:
        vb = np.array([[1.0 / xtwx[0, 0]]])
    else:
        vb = np.linalg.inv(xtwx)
    beta = vb @ (xw.T @ y)
    resid = y - X @ beta
    return WlsFit(X=X, w=w, beta=beta, vb=vb, resid=resid, rss=float(np.sum(w * resid * resid)))
