"""The meta-analysis engine: pure Python on numpy/scipy/pandas, no Django.

Entry point
-----------
``meta_analysis(studies, measure, model=None, data_type=None) -> MetaAnalysisResult``

* ``studies``: a list of dicts, a dict of equal-length columns, or a pandas DataFrame, with
  ``study`` (label) and, by data type:

  - dichotomous (``OR``, ``RR``, ``RD``, ``PETO_OR``): ``events_1``, ``total_1``, ``events_2``, ``total_2``
  - continuous (``MD``, ``SMD``): ``mean_1``, ``sd_1``, ``n_1``, ``mean_2``, ``sd_2``, ``n_2``
  - generic (``GENERIC``, or ``OR``/``RR`` on the log scale): ``yi`` and ``vi`` (or ``se``, or
    ``ci_lower``/``ci_upper``: a 95% CI on the yi scale, whatever ``level``)

  Any other column is a covariate (subgroups, cumulative order, exclusions).
* ``model``: a ``ModelSpec`` or a dict with the keys of the case schema's ``model`` object
  (``effect_model``, ``pooling``, ``tau2_method``, ``ci_method``, ``prediction_interval``,
  ``subgroup_variable``, ``sensitivity``, ``small_study_tests``, ``trimfill``, ``also_report``, ...;
  see ``ModelSpec`` and docs/analysis-engine.md).  Unknown options raise ``MetaAnalysisInputError``
  naming the accepted values.

Result types (stable; the plots and the Django app read them)
--------------------------------------------------------------
``MetaAnalysisResult``
    ``measure``, ``spec`` (ModelSpec), ``studies`` (tuple of ``StudyRow``, input order, including
    studies left out with ``included=False`` and a ``note``), ``fit`` (``ModelFit``), ``subgroups``
    (tuple of ``SubgroupResult``), ``subgroup_test`` (``SubgroupTest``), ``leave_one_out`` and
    ``cumulative`` (tuples of ``SensitivityRow``), ``small_study_tests`` (name -> ``RegressionTest`` or
    ``RankTest``), ``trimfill`` (``TrimFillResult``), ``binary_tests`` (name -> ``ChiSquareTest``),
    ``fit_statistics`` (``FitStatistics``), ``warnings`` (plain sentences, e.g. continuity corrections).
    ``to_dict()`` uses the case schema's key names (NaN as None); ``to_frame()`` is the per-study table.
``StudyRow``
    ``study``, ``yi``, ``vi``, ``se``, ``ci_lower``, ``ci_upper`` (log scale for ratios),
    ``weight_fixed``/``weight_random`` (percent), ``w_fixed``/``w_random`` (raw), ``included``, ``note``,
    ``data`` (the input row).
``ModelFit``
    ``k``, ``fixed`` and ``random`` (``PooledEstimate``: ``estimate``, ``se``, ``ci_lower``, ``ci_upper``,
    ``statistic``, ``p``, ``test`` z/t, ``df``), ``fixed_heterogeneity`` and ``heterogeneity``
    (``Heterogeneity``: ``Q``, ``Q_df``, ``Q_p``, ``I2``, ``H2``, ``H``, ``tau2``, ``tau``, ``se_tau2``,
    iterations and convergence of the tau² estimator), ``heterogeneity_ci`` (``HeterogeneityCI``),
    ``prediction`` (``PredictionInterval``), ``w_fixed``, ``w_random``.

Every result type is a frozen dataclass with ``to_dict()``, ``to_json()`` and ``to_frame()``.

Other functions: ``pool(yi, vi, model)`` (the vectorised core: a ``ModelFit`` from arrays),
``meta_regression`` (mixed-effects meta-regression, Knapp-Hartung option),
``exclude_and_reanalyse`` (sensitivity by a study attribute), ``estimate_tau2``, ``run_cases`` (the
case-file runner behind ``python -m analysis.stats CASES.json`` and ``manage.py metaanalyze``).
"""

from .analysis import exclude_and_reanalyse, meta_analysis, pool
from .cases import run_case, run_cases
from .errors import ConvergenceError, MetaAnalysisError, MetaAnalysisInputError, MetaAnalysisWarning
from .heterogeneity import Heterogeneity, HeterogeneityCI
from .metareg import Coefficient, MetaRegressionResult, meta_regression
from .models import ModelFit
from .options import ModelSpec, TrimFillSpec
from .pooling import PooledEstimate, PredictionInterval
from .results import (
    ChiSquareTest,
    FitStatistics,
    MetaAnalysisResult,
    RankTest,
    RegressionTest,
    SensitivityRow,
    StudyRow,
    SubgroupResult,
    SubgroupTest,
    TrimFillResult,
)
from .tau2 import TAU2_METHODS, Tau2Estimate, estimate_tau2

__all__ = [
    "TAU2_METHODS",
    "ChiSquareTest",
    "Coefficient",
    "ConvergenceError",
    "FitStatistics",
    "Heterogeneity",
    "HeterogeneityCI",
    "MetaAnalysisError",
    "MetaAnalysisInputError",
    "MetaAnalysisResult",
    "MetaAnalysisWarning",
    "MetaRegressionResult",
    "ModelFit",
    "ModelSpec",
    "PooledEstimate",
    "PredictionInterval",
    "RankTest",
    "RegressionTest",
    "SensitivityRow",
    "StudyRow",
    "SubgroupResult",
    "SubgroupTest",
    "Tau2Estimate",
    "TrimFillResult",
    "TrimFillSpec",
    "estimate_tau2",
    "exclude_and_reanalyse",
    "meta_analysis",
    "meta_regression",
    "pool",
    "run_case",
    "run_cases",
]
