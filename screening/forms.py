"""Forms of the screening pages (validation only; the services do the writing)."""

from __future__ import annotations

from django import forms

from screening.models import BulkExclusionCategory, QueueOrder
from screening.services import MAX_REQUIRED_DECISIONS


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class StageSettingsForm(forms.Form):
    required_decisions = forms.IntegerField(
        min_value=1, max_value=MAX_REQUIRED_DECISIONS, help_text="independent decisions each record needs"
    )
    blind = forms.BooleanField(required=False, help_text="reviewers see only their own decisions until revealed")
    maybe_passes = forms.BooleanField(
        required=False,
        label="A mix of include and maybe passes the record",
        help_text="title/abstract only; otherwise a maybe is a conflict",
    )
    include_keywords = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="one per line (or comma-separated); highlighted in green",
    )
    exclude_keywords = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="one per line (or comma-separated); highlighted in red",
    )

    def keywords(self) -> tuple[list[str], list[str]]:
        """Return the include and exclude keywords as lists."""
        return _lines(self.cleaned_data["include_keywords"]), _lines(self.cleaned_data["exclude_keywords"])


class QueueSettingsForm(forms.Form):
    """A stage's queue: the default order and the percentage of random records in prioritised order."""

    order = forms.ChoiceField(
        choices=QueueOrder.choices,
        label="Default queue order",
        help_text="for members who have not chosen their own order on the overview page",
    )
    random_percent = forms.DecimalField(
        min_value=0,
        max_value=50,
        decimal_places=1,
        label="Random records in the prioritised queue (%)",
        help_text=(
            "0 to 50. Once the model has run dry for a reviewer (their last 100/share decisions, 50 at 2%, were"
            " all irrelevant, and it classes none of the unscreened records relevant), this share of the places"
            " in their prioritised queue is drawn at random from the unscreened records, so they also meet"
            " records unlike those the model ranks high. 2% is the default; 0 turns it off."
        ),
        error_messages={
            "invalid": "Give the share of random records as a number of percent, from 0 to 50.",
            "min_value": "The share of random records cannot be below 0%%.",
            "max_value": "The share of random records is at most 50%%; beyond that the queue is mostly random.",
            "max_decimal_places": "Give the percentage with at most one decimal.",
        },
    )

    def random_share(self) -> float:
        """Return the validated percentage as a share in 0-0.5."""
        return float(self.cleaned_data["random_percent"]) / 100


class BulkExcludeForm(forms.Form):
    publication_type = forms.CharField(required=False, help_text="e.g. Review, Editorial, Comment")
    title_contains = forms.CharField(required=False)
    year_before = forms.IntegerField(
        required=False, min_value=1000, max_value=3000, help_text="published before this year"
    )
    # Optional while previewing; the service refuses an exclusion without it.
    category = forms.ChoiceField(
        required=False,
        choices=BulkExclusionCategory.choices,
        widget=forms.RadioSelect,
        initial=BulkExclusionCategory.AUTOMATION,
        help_text="the PRISMA box these records are reported in",
    )


class ResolveForm(forms.Form):
    value = forms.ChoiceField(choices=[("include", "Include"), ("exclude", "Exclude")], widget=forms.RadioSelect)
    reason = forms.ModelChoiceField(queryset=None, required=False, empty_label="(exclusion reason)")  # type: ignore[arg-type]
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why")

    def __init__(self, *args: object, reasons: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["reason"].queryset = reasons  # type: ignore[attr-defined]
