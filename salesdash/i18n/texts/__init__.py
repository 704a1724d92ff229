"""Text catalogues, one module per topic; each defines ``TEXTS = {key: (en, zh)}``."""
