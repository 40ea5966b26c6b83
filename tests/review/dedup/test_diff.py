"""Difference segments for the side-by-side page."""

from review.dedup.diff import Segment, diff_segments


def test_changed_words_are_marked_on_each_side():
    """Words only one side has are changed; shared words are not; case alone is no change."""
    left, right = diff_segments("Vitamin K2 and BONE loss", "Vitamin K2 and bone density")
    assert Segment("loss", True) in left
    assert Segment("density", True) in right
    assert "".join(s.text for s in left) == "Vitamin K2 and BONE loss"
    assert not any(s.changed and "BONE" in s.text for s in left)


def test_segments_are_plain_text_not_html():
    """Markup in imported text stays text for the template to escape."""
    left, _ = diff_segments("<b>x</b>", "x")
    assert "".join(s.text for s in left) == "<b>x</b>"
