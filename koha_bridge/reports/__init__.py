"""Report writers: one table model rendered to XLSX and to PDF (registers, statistics), and the XLSX helpers of row reports."""
