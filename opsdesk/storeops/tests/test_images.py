"""Upload validation: the bytes decide, not the name or the declared type; EXIF is stripped; size is capped."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from opsdesk.storeops import images, services
from opsdesk.storeops.models import InspectionPhoto
from opsdesk.storeops.tests.conftest import items_of, jpeg_bytes, upload


def _exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS IFD
    return exif.tobytes()


def test_a_non_image_renamed_jpg_is_rejected():
    # given: a PDF-looking text file called photo.jpg declared as image/jpeg
    fake = upload(b"%PDF-1.4 not really an image" * 10, name="photo.jpg", content_type="image/jpeg")
    # when / then
    with pytest.raises(ValidationError) as error:
        images.process_upload(fake)
    assert error.value.code == "not_an_image"


def test_an_oversized_image_is_rejected():
    # given: a real JPEG over a 1 KB cap
    data = jpeg_bytes(size=(400, 400))
    # when / then
    with pytest.raises(ValidationError) as error:
        images.process_upload(upload(data), max_bytes=1024)
    assert error.value.code == "too_large"


def test_exif_is_stripped_and_image_reencoded_as_jpeg():
    # given: a PNG with... and a JPEG carrying GPS EXIF
    original = jpeg_bytes(size=(2000, 1000), exif=_exif_with_gps())
    assert Image.open(io.BytesIO(original)).getexif().get(0x010F) == "PhoneMaker"
    # when
    processed = images.process_upload(upload(original)).read()
    # then: JPEG, no EXIF, longest side capped at 1600 px
    image = Image.open(io.BytesIO(processed))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert image.size == (1600, 800)


def test_png_with_transparency_becomes_jpeg():
    # given
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, format="PNG")
    # when
    processed = images.process_upload(upload(buffer.getvalue(), name="x.png", content_type="image/png")).read()
    # then
    image = Image.open(io.BytesIO(processed))
    assert (image.format, image.mode, image.getpixel((0, 0))) == ("JPEG", "RGB", (255, 255, 255))


def test_photo_add_stores_the_reencoded_file_under_media_root(ops, template, settings):
    # given
    run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
    item = items_of(template)["PF"]
    # when
    photo = services.photo_add(actor=ops["manager"], run=run, item=item, upload=upload(
        jpeg_bytes(exif=_exif_with_gps())))
    # then
    path = photo.image.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert path.endswith(".jpg")
    assert (photo.width, photo.height) == (64, 48)
    assert dict(Image.open(path).getexif()) == {}


def test_photo_add_rejects_a_fake_image_and_writes_nothing(ops, template):
    # given
    run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
    # when / then
    with pytest.raises(ValidationError):
        services.photo_add(actor=ops["manager"], run=run, item=items_of(template)["PF"],
                           upload=upload(b"GIF89a-but-not-really"))
    assert InspectionPhoto.objects.count() == 0
