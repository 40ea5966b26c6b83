"""The file import pages: upload, preview (detected format and encoding), commit as a job, summary, undo."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from review.models import ImportBatch, ImportStatus, Record
from tests.review.imports.helpers import RIS_TWO, fixture, source_for


def _upload(client, review, source, name, data):
    url = reverse("imports:upload", args=[review.slug, source.pk])
    return client.post(url, {"files": [SimpleUploadedFile(name, data)]})


def test_preview_shows_detected_format_encoding_and_first_records(cast, client_for):
    """A GB18030 NoteExpress file from Wanfang: the preview names format and encoding and shows titles."""
    client = client_for(cast.lead)
    source = source_for(cast.review, "Wanfang")
    data = fixture("wanfang-noteexpress/mrhelper_demo_wanfang_202101.NET").decode("utf-8").encode("gb18030")
    response = _upload(client, cast.review, source, "wanfang.net", data)
    batch = ImportBatch.objects.get(source=source)
    assert response.status_code == 302 and response.url.endswith(f"/imports/{batch.pk}/preview/")
    page = client.get(response.url).content.decode()
    assert '<strong id="detected-format">noteexpress</strong>' in page
    assert '<strong id="detected-encoding">gb18030</strong>' in page
    assert "20</strong> records to import" in page
    assert Record.objects.count() == 0  # nothing imported before confirmation


def test_choosing_an_encoding_reparses_the_preview(cast, client_for):
    """The encoding select overrides detection (htmx swaps the preview body)."""
    client = client_for(cast.lead)
    batch = ImportBatch.objects.create(
        review=cast.review, source=source_for(cast.review), format="auto", filename="a.ris", status=ImportStatus.PENDING
    )
    batch.original.save("a.ris", ContentFile(RIS_TWO.encode()))
    url = reverse("imports:preview", args=[cast.review.slug, batch.pk])
    page = client.get(url, {"format": "auto", "encoding": "latin-1"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<strong id="detected-encoding">latin-1</strong>' in page
    assert "<html" not in page  # only the partial


def test_an_unknown_format_names_the_accepted_ones(cast, client_for):
    """?format=endnote9 is refused in the page with the list of accepted formats."""
    client = client_for(cast.lead)
    _upload(client, cast.review, source_for(cast.review), "a.ris", RIS_TWO.encode())
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:preview", args=[cast.review.slug, batch.pk]), {"format": "endnote9"})
    text = page.content.decode()
    assert "Unknown format endnote9; accepted formats: auto, ris, medline" in text


def test_an_unreadable_file_shows_file_line_and_reason(cast, client_for):
    """Broken PubMed XML: the preview shows the file, the line and the reason, and offers no import."""
    client = client_for(cast.lead)
    bad = b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>\n<MedlineCitation>\n'
    _upload(client, cast.review, source_for(cast.review), "cut.xml", bad)
    batch = ImportBatch.objects.get()
    page = client.get(
        reverse("imports:preview", args=[cast.review.slug, batch.pk]), {"format": "pubmed-xml", "encoding": "auto"}
    ).content.decode()
    assert 'id="preview-error"' in page and "cut.xml, line" in page
    assert 'id="commit"' not in page


def test_commit_runs_the_import_job_and_the_summary_shows_counts(cast, client_for, django_capture_on_commit_callbacks):
    """Confirming starts the job (eager in tests); the batch page shows imported and skipped counts."""
    client = client_for(cast.lead)
    data = (RIS_TWO + "\nTY  - JOUR\nPY  - 1999\nER  - \n").encode()
    _upload(client, cast.review, source_for(cast.review), "a.ris", data)
    batch = ImportBatch.objects.get()
    url = reverse("imports:preview", args=[cast.review.slug, batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"format": "auto", "encoding": "auto"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.records_imported == 2 and batch.records_skipped == 1
    page = client.get(response.url).content.decode()
    assert '<div class="count" id="imported">2</div>' in page
    assert "skipped</span>" in page


def test_undo_from_the_page_removes_the_records(cast, client_for, django_capture_on_commit_callbacks):
    """The undo button removes the batch's records and says how many."""
    client = client_for(cast.lead)
    _upload(client, cast.review, source_for(cast.review), "a.ris", RIS_TWO.encode())
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:preview", args=[cast.review.slug, batch.pk]), {"format": "ris", "encoding": "auto"}
        )
    response = client.post(reverse("imports:batch_undo", args=[cast.review.slug, batch.pk]), follow=True)
    assert "Import undone: 2 records removed." in response.content.decode()
    assert Record.objects.count() == 0


def test_a_generic_csv_offers_a_column_mapping(cast, client_for, django_capture_on_commit_callbacks):
    """An unrecognised table gets the mapping form; mapping Heading to title imports the titles."""
    client = client_for(cast.lead)
    table = b'Heading,Writers,When\nA trial of K2,"Doe, J.",2020\nAnother trial,"Roe, R.",2021\n'
    _upload(client, cast.review, source_for(cast.review), "mine.csv", table)
    batch = ImportBatch.objects.get()
    url = reverse("imports:preview", args=[cast.review.slug, batch.pk])
    page = client.get(url, {"format": "csv", "encoding": "auto"}).content.decode()
    assert 'name="map_title"' in page and '<option value="Heading">Heading</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {"format": "csv", "encoding": "auto", "map_title": "Heading", "map_authors": "Writers", "map_year": "When"},
        )
    assert sorted(Record.objects.values_list("title", flat=True)) == ["A trial of K2", "Another trial"]
    assert Record.objects.get(title="Another trial").year == 2021


def test_the_batch_page_shows_progress_while_an_sqlite_import_holds_the_write_lock(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    """On SQLite the import's progress goes to a file, which the batch page reads while the job runs."""
    from django.db import connection

    import review.imports.jobs as import_jobs

    if connection.vendor != "sqlite":
        return  # PostgreSQL writes the job row on a second connection instead (outside_progress)
    client = client_for(cast.lead)
    _upload(client, cast.review, source_for(cast.review), "a.ris", RIS_TWO.encode())
    batch = ImportBatch.objects.get()
    seen: list[str] = []
    original = import_jobs.job_live_progress

    def spying(job_id):
        report = original(job_id)

        def spy(done, total, message=""):
            report(done, total, message)
            page = client.get(reverse("imports:batch", args=[cast.review.slug, batch.pk]), HTTP_HX_REQUEST="true")
            seen.append(page.content.decode())

        return spy

    monkeypatch.setattr(import_jobs, "job_live_progress", spying)
    with django_capture_on_commit_callbacks(execute=True):
        preview = reverse("imports:preview", args=[cast.review.slug, batch.pk])
        client.post(preview, {"format": "auto", "encoding": "auto"})
    assert any("Reading a.ris" in page and "Importing" in page for page in seen)
    job = import_jobs.Job.objects.get(kind="file_import")
    assert not (settings.VAR_DIR / "jobs" / f"{job.pk}.progress.json").exists()  # removed when the job ends
