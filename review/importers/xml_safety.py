"""Streaming, hardened XML reading for PubMed XML and EndNote XML.

defusedxml's policy is applied to lxml directly: no DTD is loaded, nothing is fetched from the network,
entities are never expanded, and a document that declares entities (billion laughs, external entities)
is refused. defusedxml itself is not used here: its lxml module is deprecated, and its ElementTree
wrappers give no line numbers, which every record and error must carry.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree

from .base import ImportFormatError


def _refuse_entities(tree: etree._ElementTree, filename: str) -> None:
    dtd = tree.docinfo.internalDTD
    names = [entity.name for entity in dtd.iterentities()] if dtd is not None else []
    if names:
        raise ImportFormatError(
            f"the XML declares entities ({', '.join(names[:5])}); refused for safety", filename=filename, line=1
        )


def iter_elements(data: bytes, tags: tuple[str, ...], *, filename: str = "") -> Iterator[etree._Element]:
    """Yield each complete element with one of the tags, then free it (memory stays flat on big files).

    Raises ImportFormatError for XML that is not well-formed (with its line) or that declares entities.
    """
    context = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for _event, element in context:
            if not checked:
                _refuse_entities(element.getroottree(), filename)
                checked = True
            yield element
            element.clear(keep_tail=True)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        if not checked and context.root is not None:
            _refuse_entities(context.root.getroottree(), filename)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno and error.lineno > 0 else None
        raise ImportFormatError(f"not well-formed XML: {error.msg}", filename=filename, line=line) from None


def text_of(element: etree._Element | None) -> str:
    """Return all the text inside an element, markup dropped (``<i>``, ``<sup>``, MathML, ``<style>`` runs)."""
    if element is None:
        return ""
    return "".join(element.itertext())
