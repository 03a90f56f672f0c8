"""The domain: models, parsing, search, export and storage.

Nothing in this package imports Textual or Rich; ``tests/test_import_hygiene.py``
and the import-linter contract in ``pyproject.toml`` keep it that way.
"""
