"""PubMed XML (efetch ``retmode=xml``, or "Save > XML"): ``PubmedArticle`` and ``PubmedBookArticle``.

Read with lxml's iterparse (streaming; see xml_safety) rather than Bio.Entrez, which keeps inline markup
as literal "<i>" text and wants the DTD. Each article is walked once, child by child, dispatching on the
tag: on 100,000 records this is several times faster than ``find``/``findtext`` (path lookups) or one
XPath query per field. Mixed content (titles, abstracts) is joined with ``itertext()``, so the text of
<i>, <sup> and MathML is kept and the tags dropped. The record verbatim is the article's own bytes in the
file (see _Verbatim), not the element serialised again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from .base import ParsedRecord
from .normalise import pages, parse_year
from .xml_safety import iter_elements

TAGS = ("PubmedArticle", "PubmedBookArticle")
_MESH_TAGS = ("MeshHeading", "DescriptorName", "QualifierName")
_NAME_ENDS = (b">", b" ", b"\t", b"\r", b"\n")  # what may follow a tag's name in a start tag
_HIDING_MARKUP = re.compile(rb"<[!?]")  # comments, CDATA, declarations, processing instructions
_DECLARED_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
_Element = etree._Element


def _text(element: _Element) -> str:
    return "".join(element.itertext())


def _children(element: _Element) -> dict[str, str]:
    """Return {tag: text} of an element's children (lxml's findtext goes through a slow path lookup)."""
    return {child.tag: child.text or "" for child in element}


def _mesh_terms(mesh_list: _Element) -> list[str]:
    """Return "Descriptor/Qualifier/..." per MeshHeading.

    One walk over the list in lxml's C code, which skips the other elements without making Python objects
    for them: cheaper than reading each heading child by child (measured on the benchmark's records).
    """
    headings: list[list[str]] = []
    for node in mesh_list.iter(_MESH_TAGS):
        if node.tag == "MeshHeading":
            headings.append([])
        elif headings:
            headings[-1].append(node.text or "")
    return ["/".join(names) for names in headings]


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
            record.mesh_terms = _mesh_terms(child)
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


def to_record(article: _Element, raw: str | None = None) -> ParsedRecord:
    """Map one PubmedArticle or PubmedBookArticle element onto a ParsedRecord.

    ``raw`` is the article verbatim; without it the element is serialised.
    """
    if raw is None:
        raw = etree.tostring(article, encoding="unicode", with_tail=False)
    record = ParsedRecord(line=article.sourceline or 0, raw=raw)
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


class _Verbatim:
    """Finds each article's own text in the file's bytes, in document order.

    Why not etree.tostring: serialising every element again costs twice as much as finding its bytes, and
    the raw text should be the file's own. lxml gives no byte offsets, so the n-th article is the n-th
    "<PubmedArticle" (or "<PubmedBookArticle") start tag. That holds where every "<" starts a tag, which is
    checked: nothing but whitespace between two articles, no comment, CDATA, processing instruction or
    DTD declaration before or inside them (whose text could hide a tag), no article inside an article, and
    a UTF-8 (or ASCII) document. At the first doubt, this and every later article are serialised by lxml.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0  # where the previous article ended
        self.usable = _utf8(data)

    def text(self, article: _Element) -> str | None:
        """Return the article's text as in the file, or None when it cannot be told for sure."""
        text = self._slice(article.tag.encode()) if self.usable else None
        if text is None:
            self.usable = False
        return text

    def _slice(self, tag: bytes) -> str | None:
        data, opening, close = self.data, b"<" + tag, b"</" + tag + b">"
        start = self._start_tag(opening)
        end = data.find(close, start) if start >= 0 else -1
        if end < 0 or self._doubtful(data[self.position : start]):
            return None
        end += len(close)
        if data.find(opening, start + len(opening), end) >= 0 or self._hidden_markup(start, end):
            return None
        self.position = end
        text = data[start:end].decode("utf-8", "replace")
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text

    def _hidden_markup(self, start: int, end: int) -> bool:
        """Return True if the bytes hold "<!" or "<?" (the regular expression only when "!" or "?" occurs)."""
        data = self.data
        if data.find(b"!", start, end) < 0 and data.find(b"?", start, end) < 0:
            return False
        return _HIDING_MARKUP.search(data, start, end) is not None

    def _doubtful(self, gap: bytes) -> bool:
        """Return True if what precedes an article could hide a tag."""
        if self.position:
            return bool(gap.strip())  # between two articles: whitespace only
        head = gap.replace(b"<!DOCTYPE", b"", 1)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
            head = head[head.find(b"?>") + 2 :]  # the XML declaration is the one "<?" allowed
        return _HIDING_MARKUP.search(head) is not None

    def _start_tag(self, opening: bytes) -> int:
        """Return the offset of the next start tag ``opening`` (not a longer name such as the set's)."""
        data, after = self.data, len(opening)
        start = data.find(opening, self.position)
        while start >= 0 and data[start + after : start + after + 1] not in _NAME_ENDS:
            start = data.find(opening, start + 1)
        return start


def _utf8(data: bytes) -> bool:
    """Return True if the document is UTF-8 (or ASCII): no UTF-16/32 byte order, no other declared encoding.

    Read from the XML declaration here because lxml tells the encoding only once the whole file is parsed.
    """
    if b"\x00" in data[:4]:
        return False
    declared = _DECLARED_ENCODING.match(data, 0, 512)
    return not declared or declared.group(1).lower() in (b"utf-8", b"utf8", b"ascii", b"us-ascii")


def parse(data: bytes, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a PubMed XML file, given its bytes (the XML declaration names the encoding)."""
    verbatim = _Verbatim(data)
    for article in iter_elements(data, TAGS, filename=filename):
        yield to_record(article, verbatim.text(article))
