"""Procedurally drawn photos of similar subjects: classrooms and school toilets.

Real photos of Vietnamese classrooms cannot be fetched here, and twenty of them would be
too heavy to keep; these scenes are the hard case for a perceptual hash instead: the same
layout (a wall, a board, windows, rows of desks; tiled walls and cubicle doors), the same
palette, drawn with a different seed each, with sensor-like noise and soft light, so two
of them differ the way two photos of two rooms do, not the way two pictures do.
"""

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = (800, 600)


def _finish(image: Image.Image, rng: random.Random) -> Image.Image:
    """Lens blur, uneven light from a window and sensor noise, like a phone's photo."""
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.6)))
    pixels = np.asarray(image, dtype=np.float32)
    height, width = pixels.shape[:2]
    light_x, light_y = rng.uniform(0, width), rng.uniform(0, height / 2)
    ys, xs = np.mgrid[0:height, 0:width]
    distance = np.sqrt((xs - light_x) ** 2 + (ys - light_y) ** 2) / max(width, height)
    pixels *= (1.15 - rng.uniform(0.3, 0.6) * distance)[..., None]
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(4, 9), pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))


def _jitter(rng, colour, spread=18):
    return tuple(max(0, min(255, c + rng.randint(-spread, spread))) for c in colour)


def classroom(seed: int) -> Image.Image:
    rng = random.Random(f"classroom-{seed}")
    width, height = SIZE
    wall = _jitter(rng, rng.choice([(226, 214, 170), (205, 220, 200), (230, 225, 215), (240, 220, 160)]), 20)
    image = Image.new("RGB", SIZE, wall)
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(int(height * 0.45), int(height * 0.6))
    floor = _jitter(rng, rng.choice([(150, 110, 80), (120, 120, 120), (170, 140, 110), (90, 80, 70)]))
    draw.polygon([(0, horizon), (width, horizon), (width, height), (0, height)], fill=floor)
    # A skirting stripe, often painted in Vietnamese schools.
    draw.rectangle([0, horizon - rng.randint(30, 90), width, horizon], fill=_jitter(rng, (120, 150, 130), 40))
    board_w = rng.randint(int(width * 0.3), int(width * 0.55))
    board_x = rng.randint(20, width - board_w - 20)
    board_y = rng.randint(40, int(horizon * 0.35))
    board = _jitter(rng, rng.choice([(30, 70, 50), (20, 30, 30), (235, 235, 235)]), 12)
    draw.rectangle(
        [board_x, board_y, board_x + board_w, board_y + rng.randint(100, 170)],
        fill=board,
        outline=(90, 60, 30),
        width=6,
    )
    for _ in range(rng.randint(2, 8)):  # chalk writing
        line_y = board_y + rng.randint(15, 90)
        start = board_x + rng.randint(10, board_w // 2)
        draw.line([start, line_y, start + rng.randint(30, board_w // 2), line_y], fill=(220, 220, 210), width=2)
    for _ in range(rng.randint(1, 4)):  # windows
        win_x = rng.choice(
            [rng.randint(0, max(1, board_x - 90)), rng.randint(min(width - 100, board_x + board_w + 10), width - 90)]
        )
        win_y = rng.randint(30, 120)
        draw.rectangle(
            [win_x, win_y, win_x + rng.randint(60, 110), win_y + rng.randint(90, 160)],
            fill=_jitter(rng, (200, 225, 240), 25),
            outline=(70, 90, 110),
            width=4,
        )
    desk = _jitter(rng, rng.choice([(140, 90, 50), (170, 120, 70), (110, 80, 60)]))
    rows = rng.randint(2, 5)
    for row in range(rows):
        depth = (row + 1) / (rows + 1)
        y = int(horizon + (height - horizon) * depth)
        desk_h = int(14 + 30 * depth)
        count = rng.randint(2, 5)
        span = width / count
        for column in range(count):
            x = int(column * span + rng.uniform(0.05, 0.2) * span)
            desk_w = int(span * rng.uniform(0.5, 0.75))
            draw.rectangle([x, y - desk_h, x + desk_w, y], fill=desk, outline=_jitter(rng, (60, 40, 20), 10), width=2)
            draw.rectangle([x + 4, y, x + 10, y + desk_h], fill=(60, 50, 40))
            draw.rectangle([x + desk_w - 10, y, x + desk_w - 4, y + desk_h], fill=(60, 50, 40))
            if rng.random() < 0.5:  # a pupil's head and shirt
                head_x = x + rng.randint(10, max(11, desk_w - 30))
                draw.ellipse([head_x, y - desk_h - 40, head_x + 22, y - desk_h - 16], fill=(30, 25, 20))
                draw.rectangle(
                    [head_x - 6, y - desk_h - 16, head_x + 28, y - desk_h], fill=_jitter(rng, (235, 235, 240), 15)
                )
    return _finish(image, rng)


def toilet(seed: int) -> Image.Image:
    rng = random.Random(f"toilet-{seed}")
    width, height = SIZE
    tile = _jitter(rng, rng.choice([(225, 230, 235), (200, 215, 225), (235, 225, 210), (210, 210, 200)]), 15)
    grout = tuple(max(0, c - rng.randint(30, 60)) for c in tile)
    image = Image.new("RGB", SIZE, tile)
    draw = ImageDraw.Draw(image)
    step = rng.randint(25, 60)
    offset_x, offset_y = rng.randint(0, step), rng.randint(0, step)
    for x in range(offset_x, width, step):
        draw.line([x, 0, x, height], fill=grout, width=2)
    for y in range(offset_y, height, step):
        draw.line([0, y, width, y], fill=grout, width=2)
    floor_y = rng.randint(int(height * 0.7), int(height * 0.85))
    draw.rectangle([0, floor_y, width, height], fill=_jitter(rng, (120, 120, 115), 25))
    doors = rng.randint(1, 4)
    door_w = rng.randint(90, 160)
    start = rng.randint(0, max(1, width - doors * (door_w + 20)))
    door_colour = _jitter(rng, rng.choice([(60, 110, 160), (160, 60, 50), (90, 140, 90), (200, 200, 200)]), 20)
    for index in range(doors):
        x = start + index * (door_w + rng.randint(10, 30))
        top = rng.randint(60, 160)
        draw.rectangle([x, top, x + door_w, floor_y - 10], fill=door_colour, outline=(40, 40, 40), width=3)
        draw.ellipse(
            [x + door_w - 25, (top + floor_y) // 2, x + door_w - 15, (top + floor_y) // 2 + 10], fill=(200, 190, 60)
        )
    for _ in range(rng.randint(0, 3)):  # sinks along the wall
        sink_x = rng.randint(0, width - 100)
        sink_y = rng.randint(floor_y - 220, floor_y - 120)
        draw.ellipse(
            [sink_x, sink_y, sink_x + rng.randint(70, 110), sink_y + 40],
            fill=(245, 245, 245),
            outline=(150, 150, 150),
            width=2,
        )
        draw.rectangle([sink_x + 30, sink_y + 40, sink_x + 45, floor_y], fill=(190, 190, 190))
    if rng.random() < 0.6:  # a water tank or a bucket
        bx = rng.randint(0, width - 80)
        draw.rectangle([bx, floor_y - 70, bx + 60, floor_y + 10], fill=_jitter(rng, (40, 120, 200), 40))
    return _finish(image, rng)
