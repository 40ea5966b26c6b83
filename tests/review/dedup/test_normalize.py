"""Normalisation makes typographic variants of one title compare equal."""

from review.dedup.normalize import (
    first_page,
    fold,
    normalize_doi,
    normalize_text,
    normalize_title,
    unescape_markup,
)


def test_html_entities_and_tags_are_removed():
    """Doubly escaped entities and inline tags from RIS exports become plain text."""
    title = "Effect of &lt;i&gt;Lactobacillus&lt;/i&gt; &amp;amp; diet"
    assert normalize_title(title) == "effect of lactobacillus diet"


def test_diacritics_are_folded():
    """Accented letters compare equal to their plain forms."""
    assert normalize_text("Müller-Werdan Schöndube") == "muller werdan schondube"


def test_full_width_characters_are_folded():
    """Full-width Latin letters and digits from Chinese exports become ASCII."""
    assert normalize_text("ＣＯＶＩＤ－１９ ｔｒｉａｌ") == "covid 19 trial"


def test_latex_accents_and_escapes_are_resolved():
    """BibTeX accents and escaped characters become plain letters."""
    assert unescape_markup(r"Sch{\"o}ndube \& M{\'e}ndez") == "Schondube & Mendez"
    title = r"\textit{In vitro} study of G{\"o}ttingen minipigs"
    assert normalize_title(title) == "in vitro study of gottingen minipigs"


def test_greek_letters_are_spelled_out():
    """ "TNF-α" and "TNF-alpha" are the same title."""
    assert normalize_title("Anti-TNF-α therapy") == normalize_title("Anti-TNF-alpha therapy")


def test_translation_markers_and_brackets_are_dropped():
    """PubMed's brackets around a translated title and language markers do not count."""
    plain = normalize_title("Research on fast track surgery in lung cancer")
    assert normalize_title("[Research on fast track surgery in lung cancer]") == plain
    assert normalize_title("Research on fast track surgery in lung cancer [Chinese]") == plain
    assert normalize_title("[Research on fast track surgery in lung cancer] LA: Chi") == plain
    assert normalize_title("Research on fast track surgery in lung cancer (author's transl)") == plain


def test_british_and_american_spellings_agree():
    """Oesophageal and esophageal are one word for matching."""
    assert normalize_title("Paediatric oesophageal tumours") == normalize_title("Pediatric esophageal tumors")


def test_doi_prefixes_and_url_encoding_are_removed():
    """Resolver URLs, "doi:" prefixes and %-encoding give the bare DOI."""
    assert normalize_doi("http://dx.doi.org/10.1016/S0025-7753%2817%2930624-3") == "10.1016/s0025-7753(17)30624-3"
    assert normalize_doi("doi: 10.1000/XYZ.") == "10.1000/xyz"
    assert normalize_doi("not a doi") == ""


def test_first_page_keeps_the_number_only():
    """Page prefixes and suffixes vary between databases; roman front matter counts as no page."""
    assert first_page("e182-5") == "182"
    assert first_page("S417-S429") == "417"
    assert first_page("811a") == "811"
    assert first_page("iii-xi") == ""


def test_fold_keeps_cjk_characters():
    """Chinese characters survive folding (they are compared as they are)."""
    assert fold("维生素K2") == "维生素k2"
