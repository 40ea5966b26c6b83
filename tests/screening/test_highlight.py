"""Keyword highlighting: matches become segments, the template escapes every piece before marking."""

from django.template.loader import render_to_string

from screening.highlight import highlight_segments

TEMPLATE = "screening/partials/highlighted.html"


def test_include_and_exclude_keywords_get_their_kind():
    """Include and exclude keywords are found case-insensitively and tagged with their colour."""
    segments = highlight_segments("Randomised trial in Rats", ["randomised"], ["rats"])
    assert segments == [("Randomised", "include"), (" trial in ", ""), ("Rats", "exclude")]


def test_chinese_keywords_match_without_spaces():
    """Chinese text has no spaces between words; keywords still match inside it."""
    segments = highlight_segments("本研究为随机对照试验，不含大鼠。", ["随机对照"], ["大鼠"])
    assert ("随机对照", "include") in segments and ("大鼠", "exclude") in segments
    assert "".join(text for text, _ in segments) == "本研究为随机对照试验，不含大鼠。"


def test_the_longest_keyword_wins():
    """'bone mineral density' is marked whole, not as 'bone' plus the rest."""
    segments = highlight_segments("low bone mineral density", ["bone", "bone mineral density"], [])
    assert ("bone mineral density", "include") in segments


def test_no_keywords_leave_the_text_whole():
    """Without keywords the text is one plain segment."""
    assert highlight_segments("Plain title", [], []) == [("Plain title", "")]


def test_a_script_in_a_title_is_escaped_and_still_highlighted():
    """Imported text is escaped first; only then are the matches wrapped in <mark>."""
    segments = highlight_segments("<script>alert('trial')</script> randomised trial", ["trial"], [])
    html = render_to_string(TEMPLATE, {"segments": segments})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;" in html
    assert html.count('<mark class="hl-include">trial</mark>') == 2


def test_a_keyword_never_matches_inside_an_escaped_entity():
    """A keyword 'amp' does not break the escaping of '&' (matching runs on the raw text)."""
    html = render_to_string(TEMPLATE, {"segments": highlight_segments("A & B", ["amp", "lt"], [])})
    assert html == "A &amp; B"


def test_the_highlighted_filter_renders_what_the_partial_template_renders():
    """The panel's one-pass filter gives the partial's markup, every piece escaped."""
    from django.template.loader import get_template

    from screening.templatetags.screening_keys import highlighted

    partial = get_template("screening/partials/highlighted.html")
    for text in ["<script>alert(\"x\")</script> Randomised & RATS 'q' review 随机对照", "plain", ""]:
        segments = highlight_segments(text, ["randomised", "随机对照", "<script>"], ["rats", "review", "&"])
        assert str(highlighted(segments)) == partial.render({"segments": segments})
    assert "<script>" not in str(highlighted(highlight_segments("<script>", ["<script>"], [])))
