"""In Chromium: a reviewer decides a possible duplicate with the keyboard, then undoes it."""

import pytest

from review.dedup.services import detection_run
from review.models import DuplicatePair, PairStatus
from tests.review.dedup.helpers import record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reviewer_merges_with_m_and_undoes_with_u(browser_page, live_server, cast):
    """m merges through htmx without leaving the page; u puts the pair back in the queue."""
    record(cast.review, "PubMed")
    record(cast.review, "Embase", volume="16", pages="")
    detection_run(review=cast.review)
    pair = DuplicatePair.objects.get()
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/reviews/{cast.review.slug}/duplicates/pairs/{pair.pk}/")
    page.keyboard.press("m")
    page.wait_for_selector('#pair-card[data-status="merged"]')
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    page.keyboard.press("u")
    page.wait_for_selector('#pair-card[data-status="queued"]')
    pair.refresh_from_db()
    assert pair.status == PairStatus.QUEUED
