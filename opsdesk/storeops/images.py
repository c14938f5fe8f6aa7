"""Photo uploads: accept only what Pillow can open as an image, cap the size, re-encode to JPEG without metadata.

The declared content type and the file name are never trusted: the bytes are decoded. Re-encoding drops EXIF
(GPS position, device), ICC and any payload appended to the file; orientation is applied to the pixels first.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"})
JPEG_QUALITY = 82


def process_upload(upload, *, max_bytes: int = MAX_UPLOAD_BYTES) -> ContentFile:
    """Validate an uploaded image and return it re-encoded as a JPEG ContentFile (EXIF stripped, <= 1600 px).

    Raises ValidationError for a file that is too large, is not an image, or is an image format not accepted.
    """
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(_("照片太大（上限 %(mb)d MB）。") % {"mb": max_bytes // (1024 * 1024)}, code="too_large")
    data = upload.read()
    if len(data) > max_bytes:
        raise ValidationError(_("照片太大（上限 %(mb)d MB）。") % {"mb": max_bytes // (1024 * 1024)}, code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("不支持的图片格式。"), code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("照片像素过多。"), code="too_many_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _to_rgb(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            buffer = io.BytesIO()
            # No exif= / icc_profile= arguments: the new file carries pixels only.
            image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("文件不是有效的图片。"), code="not_an_image") from error
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
