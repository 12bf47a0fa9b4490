"""The county (or city) office's screens: merge bundles, resolve conflicts, statistics."""
