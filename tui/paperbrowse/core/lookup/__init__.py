"""A paper looked up on the web by its DOI or arXiv id, and added to one of the user's files.

- ``identifiers``: what a user types or pastes (``10.1000/x``, ``doi:...``, a doi.org or
  arxiv.org link, ``arXiv:2004.07180v2``, ``hep-th/9901001``) read as an ``Identifier``;
- ``crossref`` and ``arxiv``: one service's response made a ``Paper``, through the CSL-JSON
  reader (``formats.csljson``), which Crossref's records nearly are already;
- ``client``: the requests (httpx), their failures as one line for the user
  (``LookupFailed``); the services' addresses can be pointed elsewhere (tests replay
  recorded responses from a local server);
- ``adding``: a paper appended to a BibTeX, RIS, JSON Lines or CSL-JSON file, written
  atomically with the old file kept as ``NAME.bak``, never twice the same paper.

May import ``core.models``, ``core.formats``, ``core.citekeys``, ``core.text`` and httpx;
never Textual or the app (import-linter checks it).
"""
