"""Reading CSV files and bundles into top-ups: profiles, encodings, validation, duplicates."""
