"""Draw the app icons of the installable web app (PNG, committed under web/static/icons/).

Usage: python scripts/make_pwa_icons.py   (needs Pillow; deterministic output)

The icon is the platform's idea in shapes: three nested zones in the colours of the three unit
classes (优先保护 green, 重点管控 orange, 一般管控 grey-blue) under a location pin. The maskable
variant keeps everything inside the central 80 % safe zone and fills the whole square.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src" / "ecozone" / "web" / "static" / "icons"
BACKGROUND = (21, 101, 192)  # the site's accent blue
ZONES = ((120, 144, 156), (251, 140, 0), (67, 160, 71))  # outer to inner
WHITE = (255, 255, 255)


def draw(size: int, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGB", (big, big), BACKGROUND)
    pen = ImageDraw.Draw(image)
    if not maskable:
        image.putalpha(0)
        pen = ImageDraw.Draw(image)
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=BACKGROUND + (255,))
    safe = 0.8 if maskable else 0.92
    centre = big / 2
    radius = big * safe / 2 * 0.78
    for i, colour in enumerate(ZONES):
        r = radius * (1 - i * 0.28)
        pen.ellipse((centre - r, centre - r * 0.62 + big * 0.08, centre + r, centre + r * 0.62 + big * 0.08), fill=colour, outline=WHITE, width=max(2, big // 128))
    # The pin: a circle head and a triangle point resting on the innermost zone.
    head_r = radius * 0.30
    head_y = centre - radius * 0.38
    pen.polygon([(centre - head_r * 0.8, head_y + head_r * 0.5), (centre + head_r * 0.8, head_y + head_r * 0.5), (centre, head_y + head_r * 2.3)], fill=WHITE)
    pen.ellipse((centre - head_r, head_y - head_r, centre + head_r, head_y + head_r), fill=WHITE)
    pen.ellipse((centre - head_r * 0.45, head_y - head_r * 0.45, centre + head_r * 0.45, head_y + head_r * 0.45), fill=BACKGROUND)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).save(OUT / "apple-touch-icon.png", optimize=True)
    print(f"wrote icons to {OUT}")


if __name__ == "__main__":
    main()
