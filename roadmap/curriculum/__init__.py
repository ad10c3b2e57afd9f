"""The curriculum file: its specs (``spec``), parser (``parse``, ``reader``), importer and exporter.

``spec``, ``reader`` and ``parse`` are pure (no Django); ``importer`` and ``exporter`` read
and write the database; ``sections`` lets a higher layer own a section of the file.
"""
