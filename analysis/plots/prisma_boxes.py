"""PRISMA 2020 flow diagram content: which boxes a template has and the text in each.

Field keys are those of the PRISMA2020 R package CSV template (Haddaway et al., Campbell Systematic
Reviews 2022;18:e1230), as listed in /work/shared/reference/prisma2020_fields.json; box wording is that
of Page et al., BMJ 2021;372:n71, Figure 1. Arithmetic consistency (rules P-02 to P-18) is checked by
the review services, not here: this module only renders what it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

NamedCounts = tuple[tuple[str, int | None], ...]

COUNT_FIELDS = frozenset(
    {
        "previous_studies",
        "previous_reports",
        "database_results",
        "register_results",
        "duplicates",
        "excluded_automatic",
        "excluded_other",
        "records_screened",
        "records_excluded",
        "records_excluded_by_human",
        "records_excluded_by_automation",
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "dbr_assessed",
        "website_results",
        "organisation_results",
        "citations_results",
        "other_sought_reports",
        "other_notretrieved_reports",
        "other_assessed",
        "new_studies",
        "new_reports",
        "total_studies",
        "total_reports",
    }
)
LIST_FIELDS = frozenset(
    {
        "database_specific_results",
        "register_specific_results",
        "dbr_excluded",
        "other_excluded",
        "other_sources",
    }
)
TEMPLATES = ("new_dbr", "new_dbr_other", "updated_dbr", "updated_dbr_other")
_UPDATED_FIELDS = ("previous_studies", "previous_reports", "total_studies", "total_reports")
_OTHER_FIELDS = (
    "website_results",
    "organisation_results",
    "citations_results",
    "other_sources",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
    "other_excluded",
)
NOT_REPORTED = "–"


@dataclass(frozen=True)
class PrismaCounts:
    """Validated diagram input: plain counts (None = not reported) and the named-count lists."""

    counts: Mapping[str, int | None]
    lists: Mapping[str, NamedCounts]

    def n(self, key: str) -> str:
        """Return ``"(n = 12)"`` for a count, with a dash when it is not reported."""
        value = self.counts.get(key)
        return f"(n = {NOT_REPORTED if value is None else value})"

    def named(self, key: str) -> list[str]:
        """Return one ``"Name (n = 3)"`` line per entry of a list field."""
        return [f"{name} (n = {NOT_REPORTED if n is None else n})" for name, n in self.lists.get(key, ())]


def _count(key: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"PRISMA field {key!r} must be a whole number >= 0 or None, got {value!r}")
    return value


def _named_item(key: str, item: object) -> tuple[str, int | None]:
    if isinstance(item, Mapping):
        name = item.get("name", item.get("reason"))
        return str(name), _count(key, item.get("n"))
    if isinstance(item, tuple | list) and len(item) == 2:
        return str(item[0]), _count(key, item[1])
    raise ValueError(f"PRISMA field {key!r}: expected {{name or reason, n}} entries, got {item!r}")


def parse_named_counts(key: str, value: object) -> NamedCounts:
    """Return (name, n) pairs from a list of {name|reason, n} or the CSV form ``"Reason, 12; Reason, 3"``."""
    if value is None:
        return ()
    if isinstance(value, str):
        pairs = []
        for part in filter(None, (p.strip() for p in value.split(";"))):
            name, _, number = part.rpartition(",")
            if not name or not number.strip().isdigit():
                raise ValueError(f"PRISMA field {key!r}: cannot read {part!r}; write 'Reason, 12; Reason, 3'")
            pairs.append((name.strip(), int(number)))
        return tuple(pairs)
    if isinstance(value, list | tuple):
        return tuple(_named_item(key, item) for item in value)
    raise ValueError(f"PRISMA field {key!r} must be a list of entries or a 'Name, n; Name, n' string")


def read_counts(values: Mapping[str, object]) -> PrismaCounts:
    """Return validated counts; unknown keys are refused so that a misspelt field is never dropped."""
    unknown = sorted(set(values) - COUNT_FIELDS - LIST_FIELDS)
    if unknown:
        raise ValueError(f"unknown PRISMA field(s): {', '.join(unknown)}")
    counts = {k: _count(k, v) for k, v in values.items() if k in COUNT_FIELDS}
    lists = {k: parse_named_counts(k, v) for k, v in values.items() if k in LIST_FIELDS}
    return PrismaCounts(counts, lists)


def infer_template(values: Mapping[str, object]) -> str:
    """Return the template the given fields call for: updated if previous/total counts are given, and
    with the other-methods column if any of its fields are."""
    updated = any(values.get(k) not in (None, "", [], ()) for k in _UPDATED_FIELDS)
    other = any(values.get(k) not in (None, "", [], ()) for k in _OTHER_FIELDS)
    return f"{'updated' if updated else 'new'}_dbr{'_other' if other else ''}"


def box_texts(data: PrismaCounts, template: str) -> dict[str, str]:
    """Return the text of every box of ``template``, keyed by the box ids of prisma2020_fields.json."""
    updated = template.startswith("updated")
    new = "new " if updated else ""
    texts = {
        "hdr_dbr": f"Identification of {new}studies via databases and registers",
        "box_identified_dbr": "\n".join(
            [
                "Records identified from*:",
                f"Databases {data.n('database_results')}",
                *data.named("database_specific_results"),
                f"Registers {data.n('register_results')}",
                *data.named("register_specific_results"),
            ]
        ),
        "box_removed_before_screening": "\n".join(
            [
                "Records removed before screening:",
                f"Duplicate records removed {data.n('duplicates')}",
                f"Records marked as ineligible by automation tools {data.n('excluded_automatic')}",
                f"Records removed for other reasons {data.n('excluded_other')}",
            ]
        ),
        "box_screened": f"Records screened\n{data.n('records_screened')}",
        "box_records_excluded": _records_excluded(data),
        "box_sought_dbr": f"Reports sought for retrieval\n{data.n('dbr_sought_reports')}",
        "box_not_retrieved_dbr": f"Reports not retrieved\n{data.n('dbr_notretrieved_reports')}",
        "box_assessed_dbr": f"Reports assessed for eligibility\n{data.n('dbr_assessed')}",
        "box_excluded_dbr": "\n".join(["Reports excluded:", *data.named("dbr_excluded")]),
        "box_included_new": (
            f"{'New studies' if updated else 'Studies'} included in review\n{data.n('new_studies')}\n"
            f"Reports of {new}included studies\n{data.n('new_reports')}"
        ),
    }
    if updated:
        texts |= _updated_texts(data)
    if template.endswith("_other"):
        texts |= _other_texts(data, new)
    return texts


def _records_excluded(data: PrismaCounts) -> str:
    lines = ["Records excluded**", data.n("records_excluded")]
    if data.counts.get("records_excluded_by_human") is not None:
        lines.append(f"by a human {data.n('records_excluded_by_human')}")
    if data.counts.get("records_excluded_by_automation") is not None:
        lines.append(f"by automation tools {data.n('records_excluded_by_automation')}")
    return "\n".join(lines)


def _updated_texts(data: PrismaCounts) -> dict[str, str]:
    return {
        "hdr_previous": "Previous studies",
        "box_previous": (
            f"Studies included in previous version of review {data.n('previous_studies')}\n\n"
            f"Reports of studies included in previous version of review {data.n('previous_reports')}"
        ),
        "box_included_total": (
            f"Total studies included in review\n{data.n('total_studies')}\n"
            f"Reports of total included studies\n{data.n('total_reports')}"
        ),
    }


def _other_texts(data: PrismaCounts, new: str) -> dict[str, str]:
    return {
        "hdr_other": f"Identification of {new}studies via other methods",
        "box_identified_other": "\n".join(
            [
                "Records identified from:",
                f"Websites {data.n('website_results')}",
                f"Organisations {data.n('organisation_results')}",
                f"Citation searching {data.n('citations_results')}",
                *data.named("other_sources"),
            ]
        ),
        "box_sought_other": f"Reports sought for retrieval\n{data.n('other_sought_reports')}",
        "box_not_retrieved_other": f"Reports not retrieved\n{data.n('other_notretrieved_reports')}",
        "box_assessed_other": f"Reports assessed for eligibility\n{data.n('other_assessed')}",
        "box_excluded_other": "\n".join(["Reports excluded:", *data.named("other_excluded")]),
    }


FOOTNOTES = (
    "*Consider, if feasible to do so, reporting the number of records identified from each database or "
    "register searched (rather than the total number across all databases/registers).",
    "**If automation tools were used, indicate how many records were excluded by a human and how many "
    "were excluded by automation tools.",
    "From: Page MJ, McKenzie JE, Bossuyt PM, Boutron I, Hoffmann TC, Mulrow CD, et al. The PRISMA 2020 "
    "statement: an updated guideline for reporting systematic reviews. BMJ 2021;372:n71. "
    "doi: 10.1136/bmj.n71",
)
