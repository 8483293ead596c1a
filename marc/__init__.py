"""Bibliographic data: acquisition lists in, MARC21 out."""
