"""The search log (sources page) and the search appendix exports."""

import csv
import io
from datetime import date

from django.urls import reverse

from review.imports.appendix import appendix_csv, appendix_markdown
from review.imports.editing import source_create
from review.imports.services import record_import
from tests.review.imports.helpers import RIS_TWO


def _logged(cast, **extra):
    fields = {
        "name": "Embase",
        "interface": "Embase.com",
        "date_run": date(2026, 1, 5),
        "query": "'menaquinone'/exp AND bone",
        "filters": "English; 2000-2025",
        "hits_reported": 3,
    }
    fields.update(extra)
    source = source_create(review=cast.review, user=cast.lead, **fields)
    record_import(source=source, user=cast.lead, data=RIS_TWO.encode(), filename="embase.ris")
    return source


def test_the_page_says_when_imported_records_differ_from_hits(cast, client_for):
    """3 hits reported, 2 imported: the log shows both and says they differ."""
    _logged(cast)
    page = client_for(cast.viewer).get(reverse("imports:sources", args=[cast.review.slug])).content.decode()
    assert '<strong class="identified">2</strong>' in page
    assert "Differs from the 3 hits reported" in page
    assert "&#x27;menaquinone&#x27;/exp AND bone" in page


def test_the_appendix_csv_has_one_row_per_search_with_prisma_s_items(cast):
    """Source, interface, date, full string, filters, hits and records imported; formulas neutralised."""
    _logged(cast)
    source_create(
        review=cast.review, user=cast.lead, name="Citation searching", kind="other", query="=cmd|' /C calc'!A0"
    )
    rows = list(csv.DictReader(io.StringIO(appendix_csv(cast.review).decode("utf-8-sig"))))
    embase = next(r for r in rows if r["source"] == "Embase")
    assert embase["interface"] == "Embase.com" and embase["date_run"] == "2026-01-05"
    assert embase["hits_reported"] == "3" and embase["records_imported"] == "2"
    other = next(r for r in rows if r["source"] == "Citation searching")
    assert other["kind"].startswith("Other method") and other["search_string"].startswith("'=")


def test_the_appendix_text_groups_databases_and_other_methods(cast):
    """Markdown: databases and other methods in their own sections, the query verbatim (not escaped)."""
    _logged(cast, query="a < b & 'c'")
    source_create(review=cast.review, user=cast.lead, name="Reference lists", kind="other")
    text = appendix_markdown(cast.review).decode()
    assert text.index("## Databases") < text.index("### Embase") < text.index("## Other methods")
    assert "a < b & 'c'" in text
    assert "differs from the 3 hits reported" in text


def test_the_appendix_downloads(cast, client_for):
    """Both files download for any member; other extensions are 404."""
    _logged(cast)
    client = client_for(cast.viewer)
    response = client.get(reverse("imports:appendix", args=[cast.review.slug, "csv"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client.get(reverse("imports:appendix", args=[cast.review.slug, "md"])).status_code == 200
    assert client.get(reverse("imports:appendix", args=[cast.review.slug, "exe"])).status_code == 404
