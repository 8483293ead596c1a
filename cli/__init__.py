"""The ``koha-bridge`` command line (click). Thin: parse, call one function, render."""
