"""The Textual app: it presents the core and holds no domain logic of its own."""
