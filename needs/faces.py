"""Pupils' faces on the public copy of a photo (Personal Data Protection Law 91/2025).

A school says whether pupils can be recognised in the photos it posts. Unless it records
the consent of the pupils (from age 7) and of their guardians, the faces are blurred on the
public copy: OpenCV's Haar cascades find them (bundled with opencv-python-headless 4.x, so
nothing is downloaded at run time) and each box, with a margin, is pixelated and blurred
beyond recognition. A detector misses faces (turned away, small, in shadow), so such a
public copy waits for an officer of the school's office, who compares it with the original
and confirms it or hides the photo (needs.services.photo_check); NeedPhoto.PUBLISHABLE is
the rule of what shows.
"""

from dataclasses import dataclass

import cv2
import numpy
from PIL import Image, ImageFilter

# Detection runs on a copy at most this wide or high: faces in a school photo stay large
# enough for the cascade, and a 40-megapixel upload costs no more than a phone photo.
DETECT_SIDE = 1600
MIN_FACE = 20  # pixels, on the detection copy
MARGIN = 0.3  # of the box's side, added all round: hair, ears and chin go too
BLOCKS = 6  # the face is reduced to BLOCKS × BLOCKS cells before it is blurred

CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")
_classifiers: list | None = None


@dataclass(frozen=True)
class PupilsAnswer:
    """What the school said on the upload form, and whose consents it recorded."""

    recognisable: bool | None  # None: not asked (a command, the demo): the detector decides
    child_consent: bool = False
    guardian_consent: bool = False

    @property
    def consented(self) -> bool:
        # Both, or it is as if neither: the law asks for the pupil's and the guardian's.
        return self.child_consent and self.guardian_consent

    @property
    def blur(self) -> bool:
        """Whether faces are blurred on the public copy: recognisable pupils without both
        consents, or an unknown answer (blurred only where the detector finds a face)."""
        return self.recognisable is None or (self.recognisable and not self.consented)


NOT_ASKED = PupilsAnswer(recognisable=None)


def _cascades():
    global _classifiers
    if _classifiers is None:
        loaded = [cv2.CascadeClassifier(cv2.data.haarcascades + name) for name in CASCADES]
        if any(classifier.empty() for classifier in loaded):
            raise RuntimeError("OpenCV's bundled face cascades are missing: opencv-python-headless 4.x ships them.")
        _classifiers = loaded
    return _classifiers


def detect_faces(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, width, height) of the faces found, in the image's own pixels."""
    scale = min(1.0, DETECT_SIDE / max(image.size))
    small = image if scale == 1.0 else image.resize((round(image.width * scale), round(image.height * scale)))
    gray = cv2.equalizeHist(numpy.asarray(small.convert("L")))
    frontal, profile = _cascades()
    found = [tuple(box) for box in frontal.detectMultiScale(gray, 1.1, 5, minSize=(MIN_FACE, MIN_FACE))]
    found += [tuple(box) for box in profile.detectMultiScale(gray, 1.1, 5, minSize=(MIN_FACE, MIN_FACE))]
    # The profile cascade sees faces turned one way: the mirror image gives the other.
    mirrored = cv2.flip(gray, 1)
    for x, y, w, h in profile.detectMultiScale(mirrored, 1.1, 5, minSize=(MIN_FACE, MIN_FACE)):
        found.append((gray.shape[1] - x - w, y, w, h))
    return [tuple(round(int(value) / scale) for value in box) for box in found]


def blur_boxes(image: Image.Image, boxes) -> Image.Image:
    """A copy of the image with each box, grown by MARGIN, pixelated then blurred."""
    result = image.copy()
    for x, y, w, h in boxes:
        grow_x, grow_y = round(w * MARGIN), round(h * MARGIN)
        area = (
            max(0, x - grow_x),
            max(0, y - grow_y),
            min(image.width, x + w + grow_x),
            min(image.height, y + h + grow_y),
        )
        if area[2] <= area[0] or area[3] <= area[1]:
            continue
        face = result.crop(area)
        cells = face.resize((BLOCKS, BLOCKS), Image.Resampling.BOX).resize(face.size, Image.Resampling.NEAREST)
        radius = max(face.size) / BLOCKS
        result.paste(cells.filter(ImageFilter.GaussianBlur(radius)), area[:2])
    return result


def blur_faces(image: Image.Image) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """The image with every face found blurred, and the boxes (none: the image itself)."""
    boxes = detect_faces(image)
    return (blur_boxes(image, boxes) if boxes else image), boxes
