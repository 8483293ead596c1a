"""Push records and items to Koha: plan, then send, journalled and resumable."""
