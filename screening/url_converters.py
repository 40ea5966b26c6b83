"""The ``<stage:...>`` URL converter, shared by the screening pages and the screening API."""

from __future__ import annotations

from django.urls import register_converter


class StageConverter:
    """Only the two stage names match, so a mistyped stage is a plain 404."""

    regex = "title_abstract|full_text"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


# Imported by both URL modules; a module runs once, so the converter is registered once.
register_converter(StageConverter, "stage")
