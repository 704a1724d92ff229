"""salesdash: presale and sales management analytics over an embedded DuckDB store (portable through ibis)."""

__version__ = "0.1.0"
