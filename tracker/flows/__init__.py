"""What moves many top-ups or reads them all: importing, exporting, reports, checks, the receipt store."""
