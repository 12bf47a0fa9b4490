"""fieldsurvey: offline survey of social organizations for trade-union coverage."""

__version__ = "0.1.0"
