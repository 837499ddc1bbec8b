"""Join cards: a cohort's deep link as a QR code to print for a village, with the village's name
under it so a stack of cards can't be mixed up. segno draws the code; Pillow adds the caption.
"""

from __future__ import annotations

import io

import segno
from PIL import Image, ImageDraw

from bot.media.certificate import NoCjkFont, _font, find_cjk_font


def join_link(bot_username: str, code: str) -> str:
    """t.me/<bot>?start=<code>: opening it starts the bot with the cohort's code."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def join_card(link: str, caption: str) -> bytes:
    """A PNG: the QR code (error correction M, big modules for cheap cameras) and a caption."""
    qr = segno.make(link, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=12, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    try:
        font = _font(find_cjk_font(), 44)
    except NoCjkFont:
        return buffer.getvalue()  # the code alone still works; the trainer writes the name by hand
    card = Image.new("RGB", (code.width, code.height + 90), "white")
    card.paste(code, (0, 0))
    draw = ImageDraw.Draw(card)
    box = draw.textbbox((0, 0), caption, font=font)
    draw.text(((code.width - (box[2] - box[0])) // 2, code.height + 10), caption, font=font, fill="black")
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=True)
    return out.getvalue()
