"""The pictures shipped in content/media/ for lesson steps, drawn with Pillow so anyone can redraw them.

    python -m bot.media.lesson_pictures            # writes content/media/…
    python -m bot.media.lesson_pictures OUT_DIR    # somewhere else

The drawings carry no words, only shapes, colours and the numbers 1–4, so one picture serves
both languages. They are drawn twice as large and scaled down (smooth edges), then reduced to a
small palette: each PNG stays far under the 150 KB a weak signal allows, with lines thick enough
to read on a small phone.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

W, H = 800, 600
S = 2  # drawn at twice the size, then scaled down
WHITE, INK = (255, 255, 255), (45, 45, 45)
RED, DARK_RED, LEAF, GREEN = (214, 40, 40), (150, 20, 20), (60, 150, 60), (46, 125, 50)
SKY, WIND, BROWN, BOX = (214, 234, 248), (30, 110, 200), (121, 85, 61), (196, 150, 96)
FLESH, GREY, YELLOW = (250, 236, 190), (200, 200, 200), (250, 200, 40)

Pen = ImageDraw.ImageDraw


def _s(*xy: float) -> list[float]:
    return [v * S for v in xy]


def _canvas(bg: tuple[int, int, int] = WHITE) -> tuple[Image.Image, Pen]:
    image = Image.new("RGB", (W * S, H * S), bg)
    return image, ImageDraw.Draw(image)


def _badge(d: Pen, n: int) -> None:
    """A numbered circle in the top-left corner: which of the four photos this is."""
    d.ellipse(_s(24, 24, 104, 104), fill=GREEN)
    digit = {
        1: [(64, 42), (64, 88)],
        2: [(48, 48), (78, 48), (78, 64), (48, 88), (80, 88)],
        3: [(48, 46), (78, 46), (60, 64), (80, 76), (64, 90), (46, 84)],
        4: [(72, 90), (72, 42), (46, 74), (84, 74)],
    }[n]
    d.line([v * S for point in digit for v in point], fill=WHITE, width=9 * S, joint="curve")


def _viewfinder(d: Pen) -> None:
    """Camera corner marks: this is a photo to take."""
    for x, y, dx, dy in ((140, 80, 1, 1), (660, 80, -1, 1), (140, 540, 1, -1), (660, 540, -1, -1)):
        d.line(_s(x, y, x + 60 * dx, y), fill=INK, width=8 * S)
        d.line(_s(x, y, x, y + 60 * dy), fill=INK, width=8 * S)


def _apple(d: Pen, cx: float, cy: float, r: float) -> None:
    d.ellipse(_s(cx - r, cy - r * 0.9, cx + r, cy + r), fill=RED, outline=DARK_RED, width=4 * S)
    d.ellipse(_s(cx - r * 0.55, cy - r * 0.6, cx - r * 0.25, cy - r * 0.2), fill=(240, 120, 120))
    d.line(_s(cx, cy - r * 0.85, cx + r * 0.1, cy - r * 1.25), fill=BROWN, width=max(3, int(r / 12)) * S)
    d.ellipse(_s(cx + r * 0.1, cy - r * 1.3, cx + r * 0.55, cy - r * 1.05), fill=LEAF)


def draw_front() -> Image.Image:
    """Photo 1: the main photo, the product from the front, filling the frame, plain background."""
    image, d = _canvas()
    _viewfinder(d)
    _apple(d, 400, 330, 170)
    _badge(d, 1)
    return image


def draw_closeup() -> Image.Image:
    """Photo 2: a close-up that shows the inside, like an apple cut open."""
    image, d = _canvas()
    _viewfinder(d)
    d.ellipse(_s(170, 120, 630, 540), fill=RED)
    d.ellipse(_s(190, 140, 610, 520), fill=FLESH, outline=(230, 210, 150), width=4 * S)
    d.ellipse(_s(330, 260, 470, 400), outline=(200, 180, 120), width=5 * S)
    for angle_x, angle_y in ((0, -45), (40, -15), (25, 35), (-25, 35), (-40, -15)):
        x, y = 400 + angle_x, 330 + angle_y
        d.ellipse(_s(x - 11, y - 17, x + 11, y + 17), fill=BROWN)
    d.line(_s(400, 120, 410, 70), fill=BROWN, width=8 * S)
    _badge(d, 2)
    return image


def draw_packed() -> Image.Image:
    """Photo 3: the packed box, as the buyer will receive it: padding, fruit, tape, label."""
    image, d = _canvas()
    _viewfinder(d)
    d.polygon(_s(200, 250, 600, 250, 640, 200, 240, 200), fill=(215, 175, 120), outline=INK)
    for i, x in enumerate(range(265, 600, 85)):
        _apple(d, x, 215 - (i % 2) * 6, 42)
    d.rectangle(_s(200, 250, 600, 500), fill=BOX, outline=INK, width=5 * S)
    d.rectangle(_s(380, 250, 420, 500), fill=(225, 200, 150))
    d.rectangle(_s(230, 380, 350, 460), fill=WHITE, outline=INK, width=3 * S)
    for y in (400, 420, 440):
        d.line(_s(245, y, 335, y), fill=GREY, width=6 * S)
    d.polygon(_s(470, 330, 500, 300, 530, 330, 515, 330, 515, 370, 485, 370, 485, 330), fill=INK)
    _badge(d, 3)
    return image


def draw_field() -> Image.Image:
    """Photo 4: where it grows: the orchard under the sun."""
    image, d = _canvas(SKY)
    _viewfinder(d)
    d.ellipse(_s(560, 110, 650, 200), fill=YELLOW)
    d.polygon(_s(0, 420, 250, 340, 520, 400, 800, 330, 800, 600, 0, 600), fill=(120, 185, 90))
    for x, y in ((220, 380), (400, 400), (580, 370)):
        d.rectangle(_s(x - 10, y, x + 10, y + 90), fill=BROWN)
        d.ellipse(_s(x - 80, y - 130, x + 80, y + 20), fill=LEAF)
        for fx, fy in ((-40, -70), (20, -90), (40, -30), (-20, -20), (0, -55)):
            d.ellipse(_s(x + fx - 12, y + fy - 12, x + fx + 12, y + fy + 12), fill=RED)
    _badge(d, 4)
    return image


def draw_four_photos() -> Image.Image:
    """The four photos side by side, for the step that lists them."""
    sheet = Image.new("RGB", (W * S, H * S), WHITE)
    for i, draw in enumerate((draw_front, draw_closeup, draw_packed, draw_field)):
        tile = draw().resize((W * S // 2 - 6 * S, H * S // 2 - 6 * S), Image.Resampling.LANCZOS)
        sheet.paste(tile, ((i % 2) * W * S // 2 + 3 * S, (i // 2) * H * S // 2 + 3 * S))
    d = ImageDraw.Draw(sheet)
    d.line(_s(400, 0, 400, 600), fill=INK, width=3 * S)
    d.line(_s(0, 300, 800, 300), fill=INK, width=3 * S)
    return sheet


def _person(d: Pen, x: float, ground: float, colour: tuple[int, int, int]) -> None:
    d.ellipse(_s(x - 18, ground - 150, x + 18, ground - 114), fill=colour)
    d.line(_s(x, ground - 114, x, ground - 55), fill=colour, width=12 * S)
    d.line(_s(x - 30, ground - 95, x + 30, ground - 95), fill=colour, width=10 * S)
    d.line(_s(x, ground - 55, x - 20, ground), fill=colour, width=10 * S)
    d.line(_s(x, ground - 55, x + 20, ground), fill=colour, width=10 * S)


def _tick(d: Pen, x: float, y: float) -> None:
    d.ellipse(_s(x - 30, y - 30, x + 30, y + 30), fill=GREEN)
    d.line(_s(x - 15, y, x - 3, y + 13, x + 17, y - 13), fill=WHITE, width=8 * S, joint="curve")


def _cross(d: Pen, x: float, y: float) -> None:
    d.ellipse(_s(x - 30, y - 30, x + 30, y + 30), fill=RED)
    d.line(_s(x - 13, y - 13, x + 13, y + 13), fill=WHITE, width=8 * S)
    d.line(_s(x - 13, y + 13, x + 13, y - 13), fill=WHITE, width=8 * S)


def draw_drone_safety() -> Image.Image:
    """Spraying safely: wind blows the mist downwind; stand upwind, far from the field; keep
    well away from power lines; nobody downwind or under the drone."""
    image, d = _canvas(SKY)
    ground = 520
    d.rectangle(_s(0, ground, 800, 600), fill=(150, 120, 80))
    d.rectangle(_s(250, ground - 40, 640, ground), fill=(110, 170, 80))  # the crop being sprayed
    for x in range(262, 640, 24):
        d.line(_s(x, ground - 40, x, ground - 58), fill=LEAF, width=4 * S)
    # wind: a big arrow and lines, blowing left to right
    d.line(_s(40, 70, 300, 70), fill=WIND, width=14 * S)
    d.polygon(_s(300, 40, 350, 70, 300, 100), fill=WIND)
    for y in (110, 135):
        d.line(_s(80, y, 240, y), fill=(120, 170, 230), width=5 * S)
    # drone and its drifting mist
    d.polygon(_s(400, 300, 380, 460, 540, 470, 470, 300), fill=(200, 225, 200))
    d.rectangle(_s(380, 260, 480, 300), fill=INK)
    for x in (350, 510):
        d.line(_s(x, 255, x + 40 * (1 if x < 400 else -1), 275), fill=INK, width=8 * S)
        d.ellipse(_s(x - 35, 245, x + 35, 258), fill=(90, 90, 90))
    # power line on the right: pole, wires, and a red keep-out zone around them
    d.rectangle(_s(700, 150, 716, ground), fill=BROWN)
    d.line(_s(670, 170, 746, 170), fill=BROWN, width=8 * S)
    d.rounded_rectangle(_s(600, 120, 800, 230), radius=20 * S, outline=RED, width=5 * S)
    for y in (175, 195):
        d.line(_s(600, y - 8, 800, y), fill=INK, width=4 * S)
    d.polygon(_s(670, 310, 750, 310, 710, 245), fill=YELLOW, outline=INK, width=4 * S)  # danger: electricity
    d.line(_s(716, 262, 702, 284, 718, 284, 704, 304), fill=INK, width=5 * S)
    _cross(d, 560, 190)
    # the safe person, upwind and far; the distance shown as a double arrow
    _person(d, 90, ground, GREEN)
    _tick(d, 90, ground - 200)
    d.line(_s(125, ground + 40, 245, ground + 40), fill=INK, width=6 * S)
    d.polygon(_s(115, ground + 40, 135, ground + 28, 135, ground + 52), fill=INK)
    d.polygon(_s(255, ground + 40, 235, ground + 28, 235, ground + 52), fill=INK)
    # someone downwind, in the mist's path: wrong
    _person(d, 600, ground - 40, RED)
    _cross(d, 600, ground - 240)
    return image


def _button(d: Pen, box: tuple[int, int, int, int], icon: Callable[[Pen, float, float], None]) -> None:
    x0, y0, x1, y1 = box
    d.rounded_rectangle(_s(x0, y0, x1, y1), radius=18 * S, fill=(236, 244, 232), outline=GREEN, width=5 * S)
    icon(d, (x0 + x1) / 2, (y0 + y1) / 2)


def _icon_next(d: Pen, x: float, y: float) -> None:
    d.polygon(_s(x - 18, y - 26, x + 26, y, x - 18, y + 26), fill=GREEN)


def _icon_repeat(d: Pen, x: float, y: float) -> None:
    d.arc(_s(x - 26, y - 26, x + 26, y + 26), start=40, end=330, fill=WIND, width=9 * S)
    d.polygon(_s(x + 14, y - 34, x + 34, y - 10, x + 8, y - 8), fill=WIND)


def _icon_back(d: Pen, x: float, y: float) -> None:
    d.polygon(_s(x + 18, y - 26, x - 26, y, x + 18, y + 26), fill=INK)


def _icon_home(d: Pen, x: float, y: float) -> None:
    d.polygon(_s(x - 30, y, x, y - 28, x + 30, y), fill=RED)
    d.rectangle(_s(x - 20, y, x + 20, y + 26), fill=RED)
    d.rectangle(_s(x - 6, y + 8, x + 6, y + 26), fill=WHITE)


def draw_phone_buttons() -> Image.Image:
    """A phone showing one short message and four big buttons, two to a row."""
    image, d = _canvas((232, 240, 228))
    d.rounded_rectangle(_s(250, 20, 550, 580), radius=40 * S, fill=INK)
    d.rounded_rectangle(_s(266, 60, 534, 540), radius=12 * S, fill=(220, 232, 214))
    d.rounded_rectangle(_s(280, 80, 520, 290), radius=16 * S, fill=WHITE)
    for i, y in enumerate(range(110, 275, 34)):
        d.line(_s(300, y, 500 - (60 if i == 4 else 0), y), fill=GREY, width=12 * S)
    icons = (_icon_next, _icon_repeat, _icon_back, _icon_home)
    for i, icon in enumerate(icons):
        x0, y0 = 280 + (i % 2) * 124, 310 + (i // 2) * 110
        _button(d, (x0, y0, x0 + 116, y0 + 96), icon)
    d.ellipse(_s(385, 550, 415, 570), outline=(120, 120, 120), width=3 * S)
    return image


PICTURES: dict[str, Callable[[], Image.Image]] = {
    "ecommerce/photo-1-front.png": draw_front,
    "ecommerce/photo-2-closeup.png": draw_closeup,
    "ecommerce/photo-3-packed.png": draw_packed,
    "ecommerce/photo-4-where-it-grows.png": draw_field,
    "ecommerce/four-photos.png": draw_four_photos,
    "machinery/drone-spraying-safety.png": draw_drone_safety,
    "guide/phone-four-buttons.png": draw_phone_buttons,
}


def png_bytes(image: Image.Image) -> bytes:
    """Scaled down to the final size and reduced to 48 colours: small files, still sharp."""
    small = image.resize((W, H), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.quantize(colors=48, method=Image.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_all(folder: Path) -> dict[str, int]:
    """Write every picture under `folder`; returns each file's size in bytes."""
    sizes = {}
    for name, draw in PICTURES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = png_bytes(draw())
        path.write_bytes(data)
        sizes[name] = len(data)
    return sizes


if __name__ == "__main__":
    from bot.shipped import shipped_root

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else shipped_root() / "content" / "media"
    for name, size in draw_all(target).items():
        print(f"{size // 1024:4d} KB  {target / name}")
