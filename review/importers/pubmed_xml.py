"""PubMed XML (efetch ``retmode=xml``, or "Save > XML"): ``PubmedArticle`` and ``PubmedBookArticle``.

Read with lxml's iterparse (streaming; see xml_safety) rather than Bio.Entrez, which keeps inline markup
as literal "<i>" text and wants the DTD. Each article is walked once, child by child, dispatching on the
tag: on 100,000 records this is several times faster than ``find``/``findtext`` (path lookups) or one
XPath query per field. Mixed content (titles, abstracts) is joined with ``itertext()``, so the text of
<i>, <sup> and MathML is kept and the tags dropped.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .base import ParsedRecord
from .normalise import pages, parse_year
from .xml_safety import iter_elements

TAGS = ("PubmedArticle", "PubmedBookArticle")
_Element = etree._Element


def _text(element: _Element) -> str:
    return "".join(element.itertext())


def _children(element: _Element) -> dict[str, str]:
    """Return {tag: text} of an element's children (lxml's findtext goes through a slow path lookup)."""
    return {child.tag: child.text or "" for child in element}


def _authors(author_list: _Element) -> list[str]:
    names = []
    for author in author_list:
        family = given = initials = ""
        for part in author:
            tag = part.tag
            if tag == "LastName":
                family = part.text or ""
            elif tag == "ForeName":
                given = part.text or ""
            elif tag == "Initials":
                initials = part.text or ""
            elif tag == "CollectiveName":
                family, given, initials = _text(part), "", ""
                break
        given = given or initials
        if family:
            names.append(f"{family}, {given}" if given else family)
    return names


def _abstract(abstract: _Element) -> str:
    parts = []
    for node in abstract.iterchildren("AbstractText"):
        label, text = node.get("Label"), _text(node).strip()
        parts.append(f"{label}: {text}" if label else text)
    return "\n".join(parts)


def _journal(record: ParsedRecord, journal: _Element) -> None:
    for child in journal:
        tag = child.tag
        if tag == "Title":
            record.journal = child.text or ""
        elif tag == "ISSN" and not record.issn:
            record.issn = child.text or ""
        elif tag == "JournalIssue":
            for part in child:
                if part.tag == "Volume":
                    record.volume = part.text or ""
                elif part.tag == "Issue":
                    record.issue = part.text or ""
                elif part.tag == "PubDate":
                    date = _children(part)
                    record.year = parse_year(date.get("Year") or date.get("MedlineDate"))


def _pagination(pagination: _Element) -> str:
    parts = _children(pagination)
    return parts.get("MedlinePgn") or pages(parts.get("StartPage", ""), parts.get("EndPage", ""))


def _article(record: ParsedRecord, article: _Element) -> None:
    """Read the children of an Article (or of a BookDocument, which holds the same ones)."""
    for child in article:
        tag = child.tag
        if tag == "ArticleTitle" or (tag == "Book" and not record.title):
            record.title = _text(child) if tag == "ArticleTitle" else _children(child).get("BookTitle", "")
        elif tag == "Journal":
            _journal(record, child)
        elif tag == "VernacularTitle":
            record.translated_title = _text(child)
        elif tag == "Pagination":
            record.pages = _pagination(child)
        elif tag == "Abstract":
            record.abstract = _abstract(child)
        elif tag == "AuthorList":
            record.authors = record.authors or _authors(child)
        elif tag == "Language" and not record.language:
            record.language = child.text or ""
        elif tag in ("PublicationTypeList", "PublicationType"):
            record.publication_types += (
                [child.text or ""] if tag == "PublicationType" else [t.text or "" for t in child]
            )
        elif tag == "ELocationID" and child.get("EIdType") == "doi" and not record.doi:
            record.doi = child.text or ""
        elif tag == "ArticleDate" and record.year is None:
            record.year = parse_year(_children(child).get("Year"))
        elif tag == "ArticleIdList":
            _ids(record, child)


def _citation(record: ParsedRecord, citation: _Element) -> None:
    for child in citation:
        tag = child.tag
        if tag == "PMID":
            record.pmid = (child.text or "").strip()
        elif tag == "Article":
            _article(record, child)
        elif tag == "MeshHeadingList":
            record.mesh_terms = ["/".join([n.text or "" for n in heading]) for heading in child]
        elif tag == "KeywordList":
            record.keywords += [_text(keyword) for keyword in child]
    if citation.tag == "BookDocument":
        _article(record, citation)  # a book's title, authors, abstract sit right under BookDocument


def _ids(record: ParsedRecord, id_list: _Element) -> None:
    for node in id_list:
        kind = node.get("IdType")
        if kind == "doi" and not record.doi:
            record.doi = node.text or ""
        elif kind == "pmc" and not record.pmcid:
            record.pmcid = node.text or ""


def to_record(article: _Element) -> ParsedRecord:
    """Map one PubmedArticle or PubmedBookArticle element onto a ParsedRecord."""
    record = ParsedRecord(line=article.sourceline or 0, raw=etree.tostring(article, encoding="unicode"))
    for part in article:
        if part.tag in ("MedlineCitation", "BookDocument"):
            _citation(record, part)
        elif part.tag == "PubmedData" or part.tag == "PubmedBookData":
            for id_list in part.iterchildren("ArticleIdList"):
                _ids(record, id_list)
    record.source_database = "PubMed"
    record.accession = record.pmid
    if not record.pmid:
        record.warnings.append("no PMID")
    return record


def parse(data: bytes, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a PubMed XML file, given its bytes (the XML declaration names the encoding)."""
    for article in iter_elements(data, TAGS, filename=filename):
        yield to_record(article)
