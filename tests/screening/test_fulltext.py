"""Full-text PDFs: checked, size-limited, served only to members in a sandbox; "not retrieved"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from screening.models import FullText

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload_url(cast, record):
    return f"/reviews/{cast.review.slug}/screening/records/{record.pk}/fulltext/"


def test_a_pdf_is_stored_and_served_with_safe_headers(cast, passed, client_for):
    """The uploaded PDF is served inline with nosniff and a sandboxing content security policy."""
    client = client_for(cast.reviewer)
    client.post(_upload_url(cast, passed[0]), {"file": SimpleUploadedFile("paper.pdf", PDF), "stage": "full_text"})
    fulltext = FullText.objects.get(record=passed[0])
    assert fulltext.size == len(PDF) and fulltext.original_name == "paper.pdf"
    response = client.get(f"/reviews/{cast.review.slug}/screening/records/{passed[0].pk}/fulltext.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PDF


def test_a_file_that_is_not_a_pdf_is_refused(cast, passed, client_for):
    """An HTML file renamed .pdf is refused (magic bytes %PDF-)."""
    fake = SimpleUploadedFile("paper.pdf", b"<html><script>alert(1)</script></html>")
    client_for(cast.reviewer).post(_upload_url(cast, passed[0]), {"file": fake})
    assert not FullText.objects.exists()


def test_a_file_over_the_limit_is_refused(cast, passed, client_for, settings):
    """FULLTEXT_MAX_BYTES bounds the size."""
    settings.FULLTEXT_MAX_BYTES = 10
    client_for(cast.reviewer).post(_upload_url(cast, passed[0]), {"file": SimpleUploadedFile("p.pdf", PDF)})
    assert not FullText.objects.exists()


def test_outsiders_get_404_and_viewers_may_read(cast, passed, client_for):
    """The file is for members only; a viewer may read it but not upload."""
    client_for(cast.reviewer).post(_upload_url(cast, passed[0]), {"file": SimpleUploadedFile("p.pdf", PDF)})
    url = f"/reviews/{cast.review.slug}/screening/records/{passed[0].pk}/fulltext.pdf"
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.viewer).get(url).status_code == 200
    response = client_for(cast.viewer).post(_upload_url(cast, passed[0]), {"file": SimpleUploadedFile("p.pdf", PDF)})
    assert response.status_code == 403


def test_not_retrieved_is_marked_and_undone(cast, passed, client_for):
    """A reviewer marks the report not retrieved, and can take it back."""
    client = client_for(cast.reviewer)
    url = f"/reviews/{cast.review.slug}/screening/records/{passed[0].pk}/not-retrieved/"
    client.post(url, {"note": "library has no access"})
    assert FullText.objects.get(record=passed[0]).not_retrieved
    client.post(url, {"undo": "1"})
    assert not FullText.objects.get(record=passed[0]).not_retrieved


def test_the_full_text_page_shows_the_pdf_beside_the_decision(cast, passed, client_for):
    """The full-text screening page embeds the PDF and asks for a reason to exclude."""
    client = client_for(cast.reviewer)
    client.post(_upload_url(cast, passed[0]), {"file": SimpleUploadedFile("p.pdf", PDF)})
    html = client.get(f"/reviews/{cast.review.slug}/screening/full_text/?record={passed[0].pk}").content.decode()
    assert '<iframe class="pdf"' in html and 'name="reason"' in html
