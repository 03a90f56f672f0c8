"""Text from files made safe and plain: cleaning, LaTeX to Unicode, counted nouns.

- ``clean``: control codes and terminal escapes stripped, spaces squashed, URLs found;
- ``latex``: LaTeX (accents, macros, math, ``\\href``) to plain Unicode, through
  pylatexenc, which is imported on first use;
- ``counts``: "1 paper", "2 papers".

May import only the standard library, pylatexenc and ``paperbrowse.core.errors``:
every reader and the search depend on this package, so it depends on none of them.
"""
