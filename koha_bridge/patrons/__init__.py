"""The yearly patron sync: class rosters → plan (diff against Koha) → apply, and cards.

``read_rosters`` reads the files, ``plan_sync`` compares them with the store's mirror of
Koha, ``write_plan`` writes the reviewable XLSX, ``Applier.run`` carries the plan out,
and ``write_cards`` prints library cards.
"""
