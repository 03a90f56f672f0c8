"""Citing papers: citation forms for LaTeX and pandoc, and references in CSL styles.

- ``forms``: the keys of some papers as ``\\cite{a,b}``, ``\\citep``, ``\\citet``,
  pandoc's ``[@a; @b]`` and ``@a``, or bare keys;
- ``styles``: the eight bundled CSL styles (``styles/``, CC BY-SA 3.0, see its
  ``LICENSE``) by name, or a user's own ``.csl`` file;
- ``references``: papers rendered in a style through citeproc-py, as plain text,
  Markdown or HTML;
- ``polish``: what citeproc-py's output lacks and a style prescribes (a space after
  the citation number, punctuation inside closing quotes, APA's sentence case, a
  journal's name left in the title case it was written in);
- ``speedups`` (citeproc-py's walk made faster, same output), ``parallel`` (a big
  selection rendered on every core) and ``remembered`` (the same selection again).

The keys themselves are made by ``core.citekeys`` (the writers in ``formats`` use
them too). May import ``models``, ``citekeys``, ``errors``, ``text`` and
``formats`` (for the CSL-JSON item of a paper); nothing imports this package but the
command line and the app.
"""
