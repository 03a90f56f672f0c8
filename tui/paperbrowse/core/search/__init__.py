"""The search engine: typo-tolerant, field-aware search over a list of papers.

- ``query``: the query language parsed into terms, phrases and filters;
- ``tokens``: how text is folded and split into words (shared by index and query);
- ``build``: the postings (word -> papers) built with numpy;
- ``match``: exact, prefix and typo-tolerant word matching; ``phrase``: quoted phrases;
- ``filters``: the built-in ``year:``, ``has:``, ``cat:``, ``venue:`` filters;
  ``filter_registry``: the others (``is:``, ``tag:``), registered per library;
- ``spans``: where a hit matched, for highlighting;
- ``results``: hits, scores and the sort orders of a result list;
- ``index``: ``SearchIndex``, which runs a query over all of the above;
- ``index_cache``: the built index saved to disk, keyed by this package's source.

May import ``paperbrowse.core.models``, ``categories``, ``cache`` (file helpers),
``memory`` and ``text``; never the readers, the marks store or the library
(the library owns an index, not the other way round).
"""
