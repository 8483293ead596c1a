"""A delivery from supplier list to MARC21: the importer → fix → exporter pipeline."""
