"""Classification schemes, call numbers, accession numbers and printable labels."""
