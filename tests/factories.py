"""factory_boy factories shared by every test module."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from review.models import ImportBatch, Membership, Record, Review, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests-1")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    title = factory.Sequence(lambda n: f"Vitamin K2 and bone density {n}")
    slug = factory.Sequence(lambda n: f"vk2-{n}")
    question = "Does vitamin K2 prevent postmenopausal osteoporosis?"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    review = factory.SubFactory(ReviewFactory)
    user = factory.SubFactory(UserFactory)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    review = factory.SubFactory(ReviewFactory)
    name = factory.Sequence(lambda n: f"Database {n}")


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    source = factory.SubFactory(SourceFactory)
    review = factory.LazyAttribute(lambda b: b.source.review)
    format = "ris"
    status = "done"


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Record

    batch = factory.SubFactory(ImportBatchFactory)
    review = factory.LazyAttribute(lambda r: r.batch.review)
    title = factory.Sequence(lambda n: f"Menatetrenone and fracture risk, trial {n}")
    abstract = "A randomised controlled trial of menatetrenone in postmenopausal women."
    authors = factory.LazyFunction(lambda: ["Shiraki, M.", "Orimo, H."])
    year = 2000
    journal = "J Bone Miner Res"
