"""Getting text in and data out, in one-way layers (each imports only those below it):

    cli → flows → load | report | evaluate → extract → validate → extractors
        → readers → lexicon → text → settings → schemas

``flows`` and ``extractors`` are top-level packages; every other layer is a sub-package
here. The contract is ``[tool.importlinter]`` in pyproject.toml.
"""
