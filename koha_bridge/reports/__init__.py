"""Report writers shared by every job (XLSX now; the register table model joins here)."""
