"""Forms of the duplicate pages: bulk accept above a score, and the review's thresholds."""

from __future__ import annotations

from django import forms

from review.models import DedupSettings


class BulkMergeForm(forms.Form):
    min_score = forms.FloatField(
        min_value=0.0,
        max_value=1.0,
        initial=0.9,
        label="Merge every possible duplicate scoring at least",
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


class DedupSettingsForm(forms.ModelForm):
    class Meta:
        model = DedupSettings
        fields = ["auto_merge_threshold", "queue_threshold"]
        widgets = {name: forms.NumberInput(attrs={"step": "0.01"}) for name in fields}

    def clean(self) -> dict:
        data = super().clean()
        auto, queue = data.get("auto_merge_threshold"), data.get("queue_threshold")
        for name in ("auto_merge_threshold", "queue_threshold"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, "Give a score between 0 and 1.")
        if auto is not None and queue is not None and queue > auto:
            self.add_error("queue_threshold", "The queue threshold cannot be above the automatic-merge threshold.")
        return data
