"""A paper's own files: finding its PDFs, looking inside them safely, opening them.

- ``locate``: the paths a paper's library gives (``Paper.files``), resolved against the
  library's folder, plus PDFs found by convention (``KEY.pdf``, a DOI or an arXiv id as
  the name) beside the library and in the user's PDF folders.
- ``check``: what can be told about a file without reading it as a PDF (missing, a
  folder, a FIFO, empty, a zip): never opens anything that could block.
- ``worker``: page counts and text, read with pypdfium2 in a separate process with a
  time limit and a memory cap, so a hostile PDF cannot hang or kill the app. Only
  text is read: forms, JavaScript, launch actions and embedded files are never touched.
- ``viewer``: the command that opens a PDF (``$PAPERBROWSE_PDF_VIEWER``, else the
  platform's opener), run detached and never through a shell.
- ``fulltext``: extracted text, cached per file (path, size, mtime) in the cache folder.

May import ``paperbrowse.core`` modules (models, locations) and the standard library;
never Textual, Rich or the app.
"""
