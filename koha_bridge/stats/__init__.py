"""Statistics of a school year computed from the store's mirror of Koha."""
