"""The statutory registers of a school library, built from the store's mirror of Koha."""
