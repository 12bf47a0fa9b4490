"""The case list and the township dashboard: every organization with its status."""
