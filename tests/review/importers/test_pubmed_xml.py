"""PubMed XML: streaming parse, mixed-content titles, structured abstracts, IDs, and hostile XML refused."""

from __future__ import annotations

import re

import pytest

from review.importers import ImportFormatError, parse_bytes

from .files import data

ARTICLE = """<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">{pmid}</PMID>
<Article><Journal><ISSN IssnType="Electronic">1234-5678</ISSN><JournalIssue><Volume>7</Volume>
<Issue>2</Issue><PubDate><MedlineDate>2019 Nov-Dec</MedlineDate></PubDate></JournalIssue>
<Title>Journal of Tests</Title></Journal>
<ArticleTitle>Role of <i>TERT</i> in H<sub>2</sub>O and <mml:math
 xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>x</mml:mi></mml:math> cells</ArticleTitle>
<Pagination><MedlinePgn>10-9</MedlinePgn></Pagination>
<Abstract><AbstractText Label="BACKGROUND">Why.</AbstractText>
<AbstractText Label="RESULTS">What <b>bold</b>.</AbstractText></Abstract>
<AuthorList><Author><LastName>Smith</LastName><ForeName>Jane A</ForeName></Author>
<Author><CollectiveName>The Test Group</CollectiveName></Author></AuthorList>
<Language>eng</Language><PublicationTypeList><PublicationType>Journal Article</PublicationType></PublicationTypeList>
</Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId><ArticleId IdType="doi">10.1/ABC</ArticleId>
<ArticleId IdType="pmc">PMC99</ArticleId></ArticleIdList></PubmedData></PubmedArticle>"""


def _file(*articles: str) -> bytes:
    return ('<?xml version="1.0"?>\n<PubmedArticleSet>\n' + "\n".join(articles) + "\n</PubmedArticleSet>\n").encode()


def test_fixture_fields_follow_the_file():
    """PMIDs, titles and DOIs of the efetch fixture are those in the XML."""
    name = "pubmed-xml/biopython_efetch_pubmed2.xml"
    raw = data(name).decode()
    records = parse_bytes(data(name)).records
    assert [r.pmid for r in records] == re.findall(r'<MedlineCitation[^>]*><PMID Version="1">(\d+)</PMID>', raw)
    assert records[0].title == re.findall(r"<ArticleTitle>(.*?)</ArticleTitle>", raw)[0]
    assert records[0].journal == "Cryobiology" and records[0].year == 2001
    assert records[0].pages == "244-55"


def test_inline_markup_is_stripped_and_its_text_kept():
    """<i>, <sub> and MathML disappear from the title; their text stays."""
    record = parse_bytes(_file(ARTICLE.format(pmid=1))).records[0]
    assert record.title == "Role of TERT in H2O and x cells"


def test_structured_abstract_authors_and_ids():
    """Labelled abstract parts, a collective author, DOI/PMCID from ArticleIdList, MedlineDate year."""
    record = parse_bytes(_file(ARTICLE.format(pmid=42))).records[0]
    assert record.abstract == "BACKGROUND: Why. RESULTS: What bold."
    assert record.authors == ["Smith, Jane A", "The Test Group"]
    assert (record.doi, record.pmcid, record.pmid, record.year) == ("10.1/abc", "PMC99", "42", 2019)
    assert record.issn == "1234-5678" and record.language == "eng"


def test_records_carry_their_line():
    """Each article's line is where its <PubmedArticle> tag starts."""
    result = parse_bytes(_file(ARTICLE.format(pmid=1), ARTICLE.format(pmid=2)))
    assert [r.line for r in result.records] == [3, 3 + ARTICLE.count("\n") + 1]


def test_billion_laughs_is_refused():
    """Entity declarations (the billion laughs attack) are refused, never expanded."""
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
        "<PubmedArticleSet>" + ARTICLE.format(pmid="&c;") + "</PubmedArticleSet>\n"
    ).encode()
    with pytest.raises(ImportFormatError, match="declares entities"):
        parse_bytes(bomb, filename="bomb.xml")


def test_external_entity_is_refused():
    """An external entity (file or URL) is refused, so nothing is read from disk or network."""
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<PubmedArticleSet>" + ARTICLE.format(pmid="&x;") + "</PubmedArticleSet>\n"
    ).encode()
    with pytest.raises(ImportFormatError, match="refused"):
        parse_bytes(xxe, filename="xxe.xml", format="pubmed-xml")


def test_truncated_xml_error_names_the_line():
    """Cut-off XML is an ImportFormatError with the line where parsing stopped."""
    broken = _file(ARTICLE.format(pmid=1))[:-40]
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(broken, filename="cut.xml")
    assert caught.value.line is not None and caught.value.line > 1
    assert "not well-formed XML" in caught.value.reason


def test_raw_is_each_article_as_written_in_the_file():
    """The raw text is the article's own bytes (character references and all), not a re-serialisation."""
    data = _file(ARTICLE.format(pmid=1), ARTICLE.format(pmid=2).replace("Why.", "Why &#x2014; now."))
    records = parse_bytes(data).records
    assert [r.raw for r in records] == re.findall(r"<PubmedArticle>.*?</PubmedArticle>", data.decode(), re.S)
    assert "&#x2014;" in records[1].raw and "\u2014" in records[1].abstract


def test_raw_falls_back_to_lxml_where_the_file_could_hide_a_tag():
    """A comment between articles or CDATA in one: the raw text is serialised by lxml, still whole."""
    tricky = ARTICLE.format(pmid=2).replace("Why.", "<![CDATA[a </PubmedArticle> b]]>")
    data = _file(ARTICLE.format(pmid=1), "<!-- <PubmedArticle> -->", tricky, ARTICLE.format(pmid=3))
    records = parse_bytes(data).records
    assert [r.pmid for r in records] == ["1", "2", "3"]
    assert all(r.raw.startswith("<PubmedArticle>") and r.raw.endswith("</PubmedArticle>") for r in records)
    assert "a &lt;/PubmedArticle&gt; b" in records[1].raw


def test_raw_of_a_latin1_file_is_its_text():
    """A file declared ISO-8859-1 gives the characters themselves in raw, as in every other field."""
    article = ARTICLE.format(pmid=1).replace("Journal of Tests", "Revista Médica")
    data = _file(article).replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    record = parse_bytes(data.decode("utf-8").encode("latin-1")).records[0]
    assert record.journal == "Revista Médica" and "Revista Médica" in record.raw
