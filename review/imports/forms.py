"""Forms of the import pages."""

from __future__ import annotations

from typing import Any

from django import forms

from review.importers.base import LIST_FIELDS as RECORD_LIST_FIELDS
from review.imports.editing import CORRECTABLE_FIELDS
from review.imports.formats_out import EXPORT_FORMATS
from review.imports.selectors import export_set_choices
from review.models import Record, Source
from review.models.records import BIBLIOGRAPHIC_FIELDS

# The list fields of the correction form, edited one value per line.
LIST_FIELDS = [name for name in CORRECTABLE_FIELDS if name in RECORD_LIST_FIELDS]
# Fields the mapping form offers for a generic CSV/Excel column, in the order it shows them (the rarer
# ones are left out of the form; a --mapping file may name any of review.importers.FIELDS).
NOT_MAPPABLE = frozenset({"translated_abstract", "pmcid", "mesh_terms", "source_database"})
MAPPABLE_FIELDS = [name for name in BIBLIOGRAPHIC_FIELDS if name not in NOT_MAPPABLE]
ENCODINGS = [
    ("auto", "Detect"),
    ("utf-8", "UTF-8"),
    ("utf-8-sig", "UTF-8 with BOM"),
    ("gb18030", "GB18030 / GBK"),
    ("cp1252", "Windows-1252"),
    ("latin-1", "Latin-1"),
    ("utf-16", "UTF-16"),
    ("big5", "Big5"),
    ("shift_jis", "Shift JIS"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(help_text="One or several export files of this search.")


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["kind", "name", "interface", "date_run", "query", "filters", "hits_reported", "notes"]
        widgets = {
            "date_run": forms.DateInput(attrs={"type": "date"}),
            "query": forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
            "filters": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "query": "Full search string",
            "filters": "Filters and limits",
            "hits_reported": "Hits reported by the database",
            "interface": "Interface / platform",
        }


def format_choices() -> list[tuple[str, str]]:
    """Return (key, description) of every import format, "auto" first."""
    from review.importers import FORMATS

    return [("auto", "Detect"), *FORMATS.items()]


def _accepted_formats() -> str:
    return ", ".join(key for key, _ in format_choices())


class PreviewForm(forms.Form):
    format = forms.ChoiceField(choices=format_choices, initial="auto")
    encoding = forms.ChoiceField(choices=ENCODINGS, initial="auto")

    def __init__(self, *args: Any, columns: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].error_messages["invalid_choice"] = (
            f"Unknown format %(value)s; accepted formats: {_accepted_formats()}."
        )
        self.fields["encoding"].error_messages["invalid_choice"] = "Unknown encoding %(value)s; choose one of the list."
        choices = [("", "(automatic)"), *((c, c) for c in columns or [])]
        for name in MAPPABLE_FIELDS if columns else []:
            self.fields[f"map_{name}"] = forms.ChoiceField(choices=choices, required=False, label=name)

    def choices(self) -> dict[str, Any]:
        """Return format, encoding and mapping as chosen (automatic when unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {"format": "auto", "encoding": "auto", "mapping": None}
        data = self.cleaned_data
        mapping = {name: data[f"map_{name}"] for name in MAPPABLE_FIELDS if data.get(f"map_{name}")}
        return {"format": data["format"], "encoding": data["encoding"], "mapping": mapping or None}

    def commit_fields(self) -> list[tuple[str, str]]:
        """Return (name, value) of the current choices, carried by the commit form as hidden inputs."""
        chosen = self.choices()
        pairs = [("format", chosen["format"]), ("encoding", chosen["encoding"])]
        return pairs + [(f"map_{name}", column) for name, column in (chosen["mapping"] or {}).items()]

    def mapping_fields(self) -> list[forms.BoundField]:
        """Return the bound column selects, for the template."""
        return [self[name] for name in self.fields if name.startswith("map_")]


class PubmedSearchForm(forms.Form):
    query = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="A PubMed query, as typed in PubMed's search box.",
    )
    source_name = forms.CharField(initial="PubMed", max_length=200)
    max_records = forms.IntegerField(
        required=False, min_value=1, label="Import at most", help_text="Leave empty to import every hit."
    )
    hits = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PmidForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Source.objects.none())
    pmids = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="PMIDs",
        help_text="Separated by spaces, commas or new lines.",
    )

    def __init__(self, *args: Any, review: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = review.sources.all()


class ExportForm(forms.Form):
    which = forms.ChoiceField(label="Records", choices=export_set_choices)
    format = forms.ChoiceField(choices=[(k, v[0]) for k, v in EXPORT_FORMATS.items()])


class RecordCorrectionForm(forms.ModelForm):
    """The correctable fields; list fields are edited one value per line."""

    authors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One author per line, “Family, Given”.",
    )
    keywords = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="One keyword per line."
    )
    publication_types = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="One per line."
    )

    class Meta:
        model = Record
        fields = CORRECTABLE_FIELDS
        labels = {"issn": "ISSN", "doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "url": "URL"}
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "translated_title": forms.Textarea(attrs={"rows": 2}),
            "abstract": forms.Textarea(attrs={"rows": 6}),
            "translated_abstract": forms.Textarea(attrs={"rows": 3}),
            "url": forms.TextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in LIST_FIELDS:
            self.initial[name] = "\n".join(getattr(self.instance, name) or [])

    def changes(self) -> dict[str, Any]:
        """Return the cleaned values with the list fields split into lists."""
        data = {name: self.cleaned_data[name] for name in CORRECTABLE_FIELDS}
        for name in LIST_FIELDS:
            data[name] = [line.strip() for line in (data[name] or "").splitlines() if line.strip()]
        for name, value in data.items():
            if value is None and name != "year":
                data[name] = ""
        return data
