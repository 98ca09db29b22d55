"""How records are kept: models, column types, the engine and migrations, per-dialect SQL, paging, bulk writes."""
