"""textual-image asked before the app starts without numpy, and its Sixel encoder given numpy before a picture."""

from __future__ import annotations

import json
import subprocess
import sys

# In a fresh interpreter: the test process has numpy already (pandas), so it cannot show what start-up loads.
SCRIPT = """
import json, sys
from tui.app import prepare
prepare()
started_with_numpy = "numpy" in sys.modules
import PIL.Image
from textual_image import _sixel
picture = PIL.Image.effect_mandelbrot((120, 90), (-2.0, -1.5, 1.0, 1.5), 60).convert("RGB")
before = (_sixel._HAS_NUMPY, _sixel.image_to_sixels(picture))
from tui import terminal_images
accelerated = terminal_images.accelerate()
after = (_sixel._HAS_NUMPY, _sixel.image_to_sixels(picture))
print(json.dumps({"started_with_numpy": started_with_numpy, "accelerated": accelerated,
                  "numpy_now": "numpy" in sys.modules, "before": before, "after": after,
                  "again": terminal_images.accelerate()}))
"""


def test_the_app_starts_without_numpy_and_a_picture_is_encoded_alike_with_it() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout)
    assert not seen["started_with_numpy"]  # 40 ms that a start-up without a picture does not pay
    (plain_flag, plain), (fast_flag, fast) = seen["before"], seen["after"]
    assert (plain_flag, fast_flag) == (False, True)
    assert seen["accelerated"] and seen["again"] and seen["numpy_now"]
    assert plain.startswith("\x1bP") and len(plain) > 1000  # a real Sixel picture, not an empty string
    assert fast == plain  # the same picture either way
