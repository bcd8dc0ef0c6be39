"""Draw the application icon: resources/icons/photocheck.png (512 px), photocheck-<N>.png for the
Linux icon theme, photocheck.ico (Windows) and photocheck.icns (macOS).

    python scripts/make_icons.py

An ID photo (light-blue background, a head and shoulders) on a blue rounded square, with a green
tick: "the registration photo, checked". Drawn at 1024 px with Pillow and scaled down, so every
size comes from the one drawing; the outputs are committed and the spec only reads them.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
S = 1024
BLUE_TOP, BLUE_BOTTOM = (34, 113, 214), (14, 66, 150)
PHOTO_BG, PERSON, GREEN = (214, 234, 252), (22, 64, 128), (30, 170, 90)
THEME_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def draw() -> Image.Image:
    # Background: a vertical gradient, masked to a rounded square with a margin (macOS-style grid).
    grad = Image.new("RGBA", (S, S))
    px = grad.load()
    assert px is not None  # a new image is always loaded
    for y in range(S):
        t = y / (S - 1)
        c = tuple(round(a + (b - a) * t) for a, b in zip(BLUE_TOP, BLUE_BOTTOM, strict=True))
        for x in range(S):
            px[x, y] = (*c, 255)
    mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(mask).rounded_rectangle((64, 64, S - 64, S - 64), radius=200, fill=255)
    icon = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    icon.paste(grad, (0, 0), mask)
    d = ImageDraw.Draw(icon)

    # The photo: 3:4 portrait card with a white border, as on a registration form.
    left, top, w = 262, 180, 420
    h = round(w * 4 / 3)
    d.rounded_rectangle((left - 26, top - 26, left + w + 26, top + h + 26), radius=36, fill=(255, 255, 255))
    d.rectangle((left, top, left + w, top + h), fill=PHOTO_BG)
    # Shoulders first (an ellipse cut by the photo's bottom edge), then the head above them.
    photo = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    pd = ImageDraw.Draw(photo)
    pd.ellipse((w // 2 - 190, h - 190, w // 2 + 190, h + 230), fill=PERSON)
    pd.ellipse((w // 2 - 95, 120, w // 2 + 95, 340), fill=PERSON)
    icon.alpha_composite(photo, (left, top))

    # The tick: a green disc with a white outline over the photo's lower right corner.
    bx, by, r = 700, 700, 170
    d.ellipse((bx - r - 18, by - r - 18, bx + r + 18, by + r + 18), fill=(255, 255, 255))
    d.ellipse((bx - r, by - r, bx + r, by + r), fill=GREEN)
    d.line([(bx - 88, by + 4), (bx - 22, by + 72), (bx + 96, by - 66)], fill=(255, 255, 255), width=52,
           joint="curve")
    return icon


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()

    def at(size: int) -> Image.Image:
        return big.resize((size, size), Image.Resampling.LANCZOS)

    at(512).save(OUT / "photocheck.png", optimize=True)
    for size in THEME_SIZES:
        at(size).save(OUT / f"photocheck-{size}.png", optimize=True)
    ico_sizes = [(n, n) for n in (16, 24, 32, 48, 64, 128, 256)]
    at(256).save(OUT / "photocheck.ico", sizes=ico_sizes)
    at(1024).save(OUT / "photocheck.icns", append_images=[at(n) for n in (16, 32, 64, 128, 256, 512)])
    for p in sorted(OUT.iterdir()):
        print(f"{p.relative_to(OUT.parents[1])}: {p.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
