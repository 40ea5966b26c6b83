"""A CNKI record (Chinese title, English translated title) matches its English PubMed twin."""

import pytest

from review.dedup.services import detection_run
from tests.review.dedup.helpers import record

pytestmark = pytest.mark.django_db

ENGLISH = "Effect of vitamin K2 on bone mineral density in postmenopausal women with osteoporosis"


def test_cnki_record_joins_its_pubmed_twin_through_the_translated_title(cast):
    """Same journal, volume and pages; PubMed brackets the translated title; CNKI has full-width digits."""
    cnki = record(
        cast.review,
        "CNKI",
        title="维生素K2对绝经后骨质疏松症妇女骨密度的影响",
        translated_title=ENGLISH,
        authors=["张伟", "李娜"],
        journal="中华骨质疏松和骨矿盐疾病杂志",
        volume="１２",
        issue="3",
        pages="201-205",
        year=2019,
        language="chi",
    )
    pubmed = record(
        cast.review,
        "PubMed",
        title=f"[{ENGLISH}].",
        authors=["Zhang, W.", "Li, N."],
        journal="Zhonghua Gu Zhi Shu Song He Gu Kuang Yan Ji Bing Za Zhi",
        volume="12",
        issue="3",
        pages="201-5",
        year=2019,
        language="chi",
    )
    detection_run(review=cast.review)
    cnki.refresh_from_db(), pubmed.refresh_from_db()
    assert cnki.duplicate_group_id is not None
    assert cnki.duplicate_group_id == pubmed.duplicate_group_id


def test_chinese_title_without_translation_is_not_matched_to_english(cast):
    """Without an English title on the CNKI record there is nothing to compare: no merge."""
    cnki = record(
        cast.review,
        "CNKI",
        title="维生素K2对绝经后骨质疏松症妇女骨密度的影响",
        translated_title="",
        authors=["张伟"],
        journal="中华骨质疏松和骨矿盐疾病杂志",
        volume="12",
        pages="201-205",
    )
    record(cast.review, "PubMed", title=ENGLISH, authors=["Zhang, W."], volume="12", pages="201-5")
    detection_run(review=cast.review)
    cnki.refresh_from_db()
    assert cnki.duplicate_group_id is None
