"""Signed Excel bundles: export, verify and read back (Qt-free)."""
