"""Create the demo account and the demo review through the product's own services (safe to run twice)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from review.models import Review
from review.services import review_create

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-vk2-2026"
DEMO_SLUG = "vitamin-k2-demo"


class Command(BaseCommand):
    help = "Create the demo user and the demo review (refused unless DEBUG is on: the password is public)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to create a demo account with a known password while DEBUG is off.")
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "demo@example.org", "first_name": "Demo"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not Review.objects.filter(slug=DEMO_SLUG).exists():
            review_create(
                user=user,
                slug=DEMO_SLUG,
                title="Vitamin K2 for postmenopausal osteoporosis (demo)",
                question="Does vitamin K2 (menatetrenone, MK-7) prevent bone loss and fractures "
                "in postmenopausal women?",
                population="Postmenopausal women, with or without osteoporosis",
                intervention="Vitamin K2 alone or combined with calcium, vitamin D or other anti-osteoporosis drugs",
                comparator="Placebo, no treatment, or the same co-treatment without vitamin K2",
                outcomes="Lumbar spine and femoral neck BMD; fractures; undercarboxylated osteocalcin; adverse events",
                inclusion_criteria="Randomised controlled trials in postmenopausal women.",
                exclusion_criteria="Non-randomised studies; men; secondary osteoporosis.",
            )
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ as {DEMO_USERNAME} / {DEMO_PASSWORD}")
