"""topup's Textual app. It calls `tracker.service.facade.Tracker` in thread workers and never touches SQL."""

import os

# Textual draws changes at most TEXTUAL_FPS times a second (60 by default), on a timer that, after a drawing longer
# than a frame, waits one to two frames more before the next. Forty fresh rows of the top-ups table take ~18 ms to
# draw on the 2-core machine, a frame and a bit, so at 60 a page down waited 30 ms for its drawing to begin and took
# 49 ms (median of five, the benchmark's probe); at 120 it takes 34. Textual draws only what changed, so nothing
# is drawn more often while the screen is still. Read when Textual is first imported; a user's own setting wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
