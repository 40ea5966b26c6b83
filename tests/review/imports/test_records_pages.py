"""The records pages: list with search and source filter, a record with its raw text, correction by a lead."""

from django.urls import reverse

from review.models import DuplicateGroup, Record
from tests.factories import RecordFactory


def test_the_list_searches_titles_authors_and_dois(cast, client_for):
    """q matches a title word, an author or a DOI; other records are not listed."""
    hit = RecordFactory(
        batch__source__review=cast.review,
        title="Menaquinone-7 and arterial stiffness",
        authors=["Knapen, M. H."],
        doi="10.1160/th12-11-0831",
    )
    miss = RecordFactory(batch__source__review=cast.review, title="Unrelated", authors=["Other, A."])
    client = client_for(cast.viewer)
    url = reverse("imports:records", args=[cast.review.slug])
    for query in ("arterial", "Knapen", "10.1160/TH12-11-0831"):
        page = client.get(url, {"q": query}).content.decode()
        assert hit.title in page, query
        assert miss.title not in page, query


def test_the_list_filters_by_source(cast, client_for):
    """?source= keeps only the records imported through that search."""
    first = RecordFactory(batch__source__review=cast.review, title="From Embase")
    RecordFactory(batch__source__review=cast.review, title="From CINAHL")
    page = (
        client_for(cast.lead)
        .get(reverse("imports:records", args=[cast.review.slug]), {"source": first.batch.source_id})
        .content.decode()
    )
    assert "From Embase" in page and "From CINAHL" not in page


def test_the_list_shows_duplicate_groups(cast, client_for):
    """A record in a duplicate group is marked primary or duplicate with the group size."""
    a = RecordFactory(batch__source__review=cast.review)
    b = RecordFactory(batch__source__review=cast.review)
    group = DuplicateGroup.objects.create(review=cast.review, primary=a)
    Record.objects.filter(pk__in=[a.pk, b.pk]).update(duplicate_group=group)
    page = client_for(cast.lead).get(reverse("imports:records", args=[cast.review.slug])).content.decode()
    assert "primary · group of 2" in page and "duplicate · group of 2" in page


def test_imported_text_is_escaped_everywhere(cast, client_for):
    """A hostile title and raw record are shown as text, never as markup."""
    record = RecordFactory(
        batch__source__review=cast.review, title="<script>alert(1)</script>", raw="TI  - <img src=x onerror=alert(2)>"
    )
    client = client_for(cast.lead)
    listing = client.get(reverse("imports:records", args=[cast.review.slug])).content.decode()
    detail = client.get(reverse("imports:record", args=[cast.review.slug, record.pk])).content.decode()
    assert "<script>alert(1)" not in listing and "&lt;script&gt;alert(1)" in listing
    assert "<img src=x" not in detail and "&lt;img src=x onerror=alert(2)&gt;" in detail
    assert '<pre class="raw" id="raw">' in detail


def test_a_lead_corrects_a_record_from_its_page(cast, client_for):
    """The correction form saves the change and the page then shows the imported value."""
    record = RecordFactory(batch__source__review=cast.review, abstract="", authors=["Shiraki, M."])
    client = client_for(cast.lead)
    data = {name: getattr(record, name) or "" for name in ["title", "journal", "year"]}
    data.update(abstract="Recovered abstract.", authors="Shiraki, M.\nOrimo, H.")
    response = client.post(reverse("imports:record_correct", args=[cast.review.slug, record.pk]), data, follow=True)
    record.refresh_from_db()
    assert record.abstract == "Recovered abstract."
    assert record.authors == ["Shiraki, M.", "Orimo, H."]
    assert record.original_values == {"abstract": "", "authors": ["Shiraki, M."]}
    assert "Corrected fields" in response.content.decode()


def test_the_correction_form_is_not_shown_to_reviewers(cast, client_for):
    """Only members who may import see the correction form."""
    record = RecordFactory(batch__source__review=cast.review)
    page = client_for(cast.reviewer).get(reverse("imports:record", args=[cast.review.slug, record.pk]))
    assert 'id="correct"' not in page.content.decode()


def test_the_search_finds_accented_and_chinese_authors(cast, client_for):
    """Author search works beyond ASCII (authors are stored as JSON)."""
    RecordFactory(batch__source__review=cast.review, title="Accented", authors=["Müller, Jürgen"])
    RecordFactory(batch__source__review=cast.review, title="Chinese", authors=["江文杰"])
    client = client_for(cast.lead)
    url = reverse("imports:records", args=[cast.review.slug])
    assert "Accented" in client.get(url, {"q": "Müller"}).content.decode()
    assert "Chinese" in client.get(url, {"q": "江文杰"}).content.decode()
