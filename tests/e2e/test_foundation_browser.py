"""A new lead logs in, creates a review and adds a member, in Chromium."""

from __future__ import annotations

import pytest

from review.models import Membership, Review
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_create_review_and_add_member(browser_page, live_server):
    """The whole first visit of a lead, through the real pages."""
    UserFactory(username="alice", email="alice@example.org")
    UserFactory(username="bob", email="bob@example.org")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/reviews/")
    page.click("text=New review")
    page.fill("#id_title", "Vitamin K2 for postmenopausal osteoporosis")
    page.fill("#id_question", "Does vitamin K2 prevent bone loss in postmenopausal women?")
    page.fill("#id_population", "Postmenopausal women")
    page.click("button:has-text('Create review')")
    page.wait_for_selector("text=PRISMA stages so far")
    review = Review.objects.get(title="Vitamin K2 for postmenopausal osteoporosis")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    page.click(".review-nav >> text=Members")
    page.fill("#id_identifier", "bob@example.org")
    page.check("#add-member input[value=reviewer]")
    page.click("button:has-text('Add member')")
    page.wait_for_selector("#member-bob")
    assert "bob added" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "members.png"), full_page=True)
    member = Membership.objects.get(review=review, user__username="bob")
    assert member.is_reviewer and not member.is_lead
