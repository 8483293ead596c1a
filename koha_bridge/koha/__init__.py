"""Koha's REST API: one client session, thin endpoint helpers, the setup check (no job logic)."""
