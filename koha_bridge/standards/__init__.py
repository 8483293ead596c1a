"""Thông tư 16/2022/TT-BGDĐT evidence and the roll-up per managing body."""
