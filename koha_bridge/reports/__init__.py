"""Report writers: one table model rendered to XLSX and to PDF (registers, statistics)."""
