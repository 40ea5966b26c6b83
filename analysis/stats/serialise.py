"""Conversion of result objects to JSON-ready dicts and pandas DataFrames (NaN becomes None)."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

import numpy as np


def clean(value: Any) -> Any:
    """A JSON-ready copy: dataclasses and arrays become dicts and lists; NaN and inf become None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: clean(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [clean(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dict to one level with dotted keys; lists are kept as values."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


class Serialisable:
    """Mixin for frozen result dataclasses: ``to_dict``, ``to_json`` and ``to_frame``."""

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (NaN as None)."""
        result = clean(self)
        assert isinstance(result, dict)
        return result

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict`` as JSON text (never NaN)."""
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """One row with the scalar fields (nested ones as dotted column names)."""
        import pandas as pd  # imported on use: the engine itself does not need pandas

        return pd.DataFrame([flatten(self.to_dict())])
