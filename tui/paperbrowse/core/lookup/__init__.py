"""A paper looked up on the web by its DOI or arXiv id, and added to one of the user's files.

- ``identifiers``: what a user types or pastes (``10.1000/x``, ``doi:...``, a doi.org or
  arxiv.org link, ``arXiv:2004.07180v2``, ``hep-th/9901001``) read as an ``Identifier``;
- ``crossref`` and ``arxiv``: one service's response made a ``Paper``, through the CSL-JSON
  reader (``formats.csljson``), which Crossref's records nearly are already;
- ``client``: the requests (httpx), their failures as one line for the user
  (``LookupFailed``); the services' addresses can be pointed elsewhere (tests replay
  recorded responses from a local server);
- ``pasted``: a BibTeX entry pasted instead of an identifier, read as it is, its key kept;
- ``target``: the file a paper goes to, checked first (its kind, that it may be written,
  UTF-8, its last entry closed), and which of a library's files can take one;
- ``known``: what a new paper must not repeat: a paper the file or library has (merging's
  rule, ``merge.copy_of``, or the same arXiv id), or a citation key;
- ``adding``: papers appended to a BibTeX, RIS, JSON Lines or CSL-JSON file in one write,
  atomically, the old file kept as ``NAME.bak`` (once per run: ``core.backups``).

May import ``core.models``, ``core.formats``, ``core.citekeys``, ``core.merge``,
``core.store``, ``core.cache`` and httpx; never Textual or the app (import-linter checks it).
"""
