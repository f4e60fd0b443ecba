"""When two photos are "the same photo".

Each need photo carries two 64-bit perceptual hashes of its stored large image
(needs.images.perceptual_hashes): phash (the signs of the low frequencies of a DCT: the
picture's layout of light and dark) and dhash (whether each pixel of a 9×8 thumbnail is
brighter than its right neighbour: edges). Two photos match when

    phash distance ≤ 14  and  dhash distance ≤ 14  and  their sum ≤ 24   (of 64 bits each).

Chosen by experiment (tests/trust/test_photo_matching.py keeps the cases): 13 real photos
from scikit-image's data (tests/trust/photos: a person, a camera, a cat, coffee, coins, a
rocket, a retina, a clock, a motorcycle, and four textures: bricks, grass, gravel, the
Hubble deep field) and 60 drawn classrooms and school toilets (tests/trust/scenes.py: one
layout, one palette, different seeds: the hard case of similar subjects), each stored as
the portal stores it, against the same photo re-encoded at JPEG quality 30, halved,
cropped 3 % on every side or 5 % on one side, made 15 % brighter or darker.
- Re-encoding, resizing and light move both hashes by at most 6 bits (phash 12 once for
  +15 % light on a toilet): far inside.
- A crop moves the picture under the hash's grid: phash up to 14, dhash up to 13 for the
  crops above; a 5 % crop on every side moves textures (bricks, grass) by 20+ bits, which
  no threshold can take without taking different photos: we do not claim that.
- The nearest two *different* photos of the 2,628 pairs: phash 16 with dhash 10 (sum 26),
  phash 8 with dhash 20, phash 14 with dhash 15: either hash alone would need a
  threshold where different drawn classrooms meet (phash 16, dhash 14), but they are
  rarely close on both at once, hence both and the sum.
- Wavelet and average hashes were worse: all the drawn classrooms share one whash.
The 16×16 hashes were tried too and separate worse under cropping. Heavier changes at
once (4 % off every side, resized, lighter and re-encoded at quality 45) are still
found for most photos but not all: a miss is an unflagged photo, never a blocked need.

The search scans every stored hash in numpy (XOR and a population count over an array of
int64): 100,000 photos are 1.6 MB and about a millisecond of arithmetic, so a bucket
prefilter (which misses a pair whose bits differ in every bucket) buys nothing here. It
runs after the photo's transaction commits, in a Celery task (trust.tasks.match_photo;
in-process on the default profile), and writes PhotoMatch rows the queue reads.
"""

import numpy as np

PHASH_MAX = 14
DHASH_MAX = 14
SUM_MAX = 24


def distances(phash: int, dhash: int, phashes: np.ndarray, dhashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hamming distances from one photo's hashes to arrays of others (int64)."""
    p = np.bitwise_count((phashes ^ np.int64(phash)).view(np.uint64))
    d = np.bitwise_count((dhashes ^ np.int64(dhash)).view(np.uint64))
    return p.astype(np.int64), d.astype(np.int64)


def same_photo(p_distance, d_distance):
    """The rule above; works on numbers and on numpy arrays alike."""
    return (p_distance <= PHASH_MAX) & (d_distance <= DHASH_MAX) & (p_distance + d_distance <= SUM_MAX)


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
