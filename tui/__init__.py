"""topup's Textual app. It calls `tracker.service.facade.Tracker` in thread workers and never touches SQL."""
