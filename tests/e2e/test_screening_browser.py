"""Keyboard-only screening in Chromium: two reviewers, a conflict, and the lead resolving it."""

import os
from pathlib import Path

import pytest

from tests.conftest import need_service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pw-for-tests-1"
# The keys each reviewer presses, one per record in import order: they differ on the fourth record
# only (exclude against include), which becomes the one conflict.
PLAN_1 = "iiieeeeemiie"
PLAN_2 = "iiiieeeemiie"


@pytest.fixture
def browser():
    need_service(CHROMIUM.exists(), "Chromium is not installed at /usr/bin/chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def reviewer2(cast):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username="reviewer2")
    MembershipFactory(review=cast.review, user=user, is_reviewer=True)
    return user


@pytest.fixture
def records(cast):
    from tests.factories import RecordFactory

    return [RecordFactory(review=cast.review, batch__source__review=cast.review, position=i) for i in range(12)]


@pytest.fixture
def review(cast, reviewer2, records):
    from screening.models import QueueOrder
    from screening.services import stage_settings_update
    from screening.services_prefs import queue_order_set

    for user in (cast.reviewer, reviewer2):
        queue_order_set(review=cast.review, user=user, order=QueueOrder.IMPORTED)
    stage_settings_update(
        review=cast.review,
        stage="title_abstract",
        actor=cast.lead,
        required_decisions=2,
        blind=True,
        maybe_passes=True,
        include_keywords=["menatetrenone"],
        exclude_keywords=["rats"],
    )
    return cast.review


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _current(page):
    return page.eval_on_selector("article.record", "el => el.dataset.record")


def _press_and_wait(page, key):
    """Press ``key`` and wait until htmx has swapped in another record (or the end of the queue)."""
    before = _current(page)
    page.keyboard.press(key)
    page.wait_for_function(
        "before => { const el = document.querySelector('article.record');"
        " return el ? el.dataset.record !== before : document.querySelector('.queue-done') !== null; }",
        arg=before,
    )


def _screen(browser, live_server, review, username, plan, shot=None):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # a new context: its own session
    page.set_default_timeout(15_000)
    _login(page, live_server, username)
    page.goto(f"{live_server.url}/reviews/{review.slug}/screening/title_abstract/")
    if shot:
        page.wait_for_selector("#progress .progress-row")
        page.screenshot(path=str(SHOTS / shot), full_page=True)
    for key in plan:
        _press_and_wait(page, key)
    page.wait_for_selector(".queue-done")
    return page


def test_two_reviewers_screen_by_keyboard_and_the_lead_resolves_the_conflict(
    browser, live_server, cast, reviewer2, records, review
):
    """Twelve records each, keys only; one disagreement becomes the conflict the lead resolves."""
    from screening.models import Decision
    from screening.selectors import record_outcome

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _screen(browser, live_server, review, "reviewer", PLAN_1, shot="e2e-screening-page.png")
    # Keys beyond deciding: back with the arrow, undo with U, decide again.
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector(f"article.record[data-record='{records[-1].pk}']")
    page.keyboard.press("u")
    page.wait_for_selector(f"article.record[data-record='{records[-1].pk}'] ~ form .mine", state="detached")
    _press_and_wait(page, "e")
    page.keyboard.press("?")
    assert page.is_visible("#keys-help")
    _screen(browser, live_server, review, "reviewer2", PLAN_2)
    assert Decision.objects.count() == 24

    lead = browser.new_page(viewport={"width": 1400, "height": 1000})
    _login(lead, live_server, "lead")
    lead.goto(f"{live_server.url}/reviews/{review.slug}/screening/title_abstract/conflicts/")
    assert "reviewer2" not in lead.content()
    lead.click("button:has-text('Reveal the decisions')")
    lead.wait_for_selector("table.conflicts")
    assert "disagreement" in lead.content()
    lead.screenshot(path=str(SHOTS / "e2e-conflict-list.png"), full_page=True)
    lead.click("a.button:has-text('Resolve')")
    lead.wait_for_selector("input[name=value]")
    lead.screenshot(path=str(SHOTS / "e2e-conflict-page.png"), full_page=True)
    lead.check("input[name=value][value=include]")
    lead.fill("textarea[name=note]", "Randomised trial in postmenopausal women: meets the criteria")
    lead.click("form.card button")
    lead.wait_for_selector("text=No conflicts.")
    assert record_outcome(records[3], "title_abstract").outcome == "included"
