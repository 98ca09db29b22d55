"""Writing top-ups out: canonical CSV and bundles with their receipts."""
