"""Report writers shared by every job: one table model rendered to XLSX and to PDF."""
