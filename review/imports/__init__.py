"""Issue 3, "Import search results": the search log, file and PubMed imports, records, undo and exports.

Parsing lives in ``review/importers/`` (one module per format); this package is the Django side:
services that write, selectors that read, background jobs, pages and exports.
"""
