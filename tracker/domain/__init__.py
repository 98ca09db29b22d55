"""Pure rules and values: money, time, phones, operators, vocabularies, records, errors, text. No SQLAlchemy."""
