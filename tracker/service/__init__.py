"""The one facade the CLI and the TUI call."""
