"""apiforge: correct API calls out of natural language, grounded in the API's own description."""

__version__ = "0.1.0"
