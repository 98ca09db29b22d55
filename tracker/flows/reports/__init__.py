"""Monthly spending: grouped in SQL, converted with named rates, shown as tables and charts."""
