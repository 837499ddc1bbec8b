"""Certificate images for a completed tier, drawn with Pillow in a font that has Chinese glyphs.

The font is found, in order: $FARMSKILLS_CJK_FONT, then the Debian packages `fonts-wqy-microhei`
and `fonts-noto-cjk` (`.ci/run` installs the first; `apt-get install fonts-wqy-microhei` on a
server). Without one, certificates are skipped with a clear log line rather than drawn as boxes.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
SIZE = (1000, 700)  # small enough to send quickly on a weak signal (~40 KB as PNG)
PAPER, INK, GOLD = (253, 250, 240), (40, 40, 40), (191, 144, 0)


class NoCjkFont(RuntimeError):
    """No font with Chinese glyphs is installed."""


def find_cjk_font() -> Path:
    configured = os.environ.get("FARMSKILLS_CJK_FONT")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise NoCjkFont("no CJK font: install fonts-wqy-microhei, or set FARMSKILLS_CJK_FONT to a .ttf/.ttc file")


@lru_cache(maxsize=16)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def covers(font_path: Path, text: str) -> bool:
    """True when the font has a real glyph for every visible character (no empty boxes)."""
    font = _font(font_path, 40)
    missing = font.getmask("\U0010fffd").getbbox()  # what the font draws for a character it lacks
    for ch in set(text) - set(" \n"):
        box = font.getmask(ch).getbbox()
        if box is None or (missing is not None and box == missing and ch.isalnum()):
            return False
    return True


@dataclass(frozen=True)
class CertificateText:
    heading: str  # 结业证书 / Certificate
    name: str
    line: str  # "完成了《网上卖货》基础课程" / "completed Selling online, Basic"
    issued: str  # date and issuer


def render_certificate(text: CertificateText, font_path: Path | None = None) -> bytes:
    """A PNG certificate; raises NoCjkFont when no suitable font is installed."""
    path = font_path or find_cjk_font()
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((20, 20, width - 20, height - 20), outline=GOLD, width=8)
    draw.rectangle((40, 40, width - 40, height - 40), outline=GOLD, width=2)
    rows = [
        (text.heading, 72, GOLD, 110),
        ("★  ★  ★", 36, GOLD, 215),
        (text.name, 64, INK, 300),
        (text.line, 40, INK, 420),
        (text.issued, 28, INK, 560),
    ]
    for words, size, colour, top in rows:
        font = _font(path, size)
        left, _t, right, _b = draw.textbbox((0, 0), words, font=font)
        while right - left > width - 140 and size > 20:  # long names or titles: shrink to fit
            size -= 4
            font = _font(path, size)
            left, _t, right, _b = draw.textbbox((0, 0), words, font=font)
        draw.text(((width - (right - left)) / 2, top), words, font=font, fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
