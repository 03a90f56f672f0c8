"""Related papers ("more like this"), ranked from the library's own text.

- ``stats``: the BM25 figures (document frequencies, lengths) read from the search index;
- ``rank``: ``related_papers(index, paper)``, each ``Related`` with the reasons it was chosen;

May import ``paperbrowse.core.search`` (whose index it reads) and the core's plain
helpers; the search engine never imports this package.
"""
