"""topup's Textual app. It calls `tracker.service.Tracker` in thread workers and never touches SQL."""
