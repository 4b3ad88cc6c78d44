#!/usr/bin/env python3
"""The reference preprocessing of the EfficientFormer evaluation, as torchvision applies it to PIL images.

For each image: convert to RGB, resize the short side to SCALE with PIL's filter (the long side to
int(SCALE * long / short), as torchvision's Resize does), center-crop CROP x CROP (offsets rounded as torchvision's
CenterCrop: int(round((size - crop) / 2.0))), and write the crop's 8-bit RGB pixels, row-major, to OUT.
Normalisation to floats is a fixed affine map per channel and is compared on the Java side.

Usage: pil_reference.py FILTER SCALE CROP IN OUT [IN OUT ...]   (FILTER: bicubic or bilinear)
Needs only Debian's python3-pil (no numpy, no torch).
"""
import sys

from PIL import Image


def main(argv):
    filt = {"bicubic": Image.BICUBIC, "bilinear": Image.BILINEAR}[argv[1]]
    scale, crop = int(argv[2]), int(argv[3])
    pairs = argv[4:]
    for src, out in zip(pairs[0::2], pairs[1::2]):
        im = Image.open(src).convert("RGB")
        w, h = im.size
        if w <= h:
            size = (scale, int(scale * h / w))
        else:
            size = (int(scale * w / h), scale)
        im = im.resize(size, filt)
        top = int(round((size[1] - crop) / 2.0))
        left = int(round((size[0] - crop) / 2.0))
        im = im.crop((left, top, left + crop, top + crop))
        with open(out, "wb") as f:
            f.write(im.tobytes())
    print("pillow", Image.__version__ if hasattr(Image, "__version__") else "?")


if __name__ == "__main__":
    main(sys.argv)
