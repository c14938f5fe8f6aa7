"""An incident reported with a photo from the add form: the photo is re-encoded, shown on the incident's page and
served only to users who see the incident."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from opsdesk.core.testing.factories import make_user
from opsdesk.risks.models import Incident


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("scene.png", buffer.getvalue(), content_type="image/png")


def _form(org, **extra) -> dict:
    return {"store": org.stores["a1"].pk, "occurred_at": "2026-11-30 08:00", "kind": "theft", "severity": "minor",
            "title": "货架商品被盗", **extra}


def test_a_photo_on_the_add_form_is_stored_shown_and_served_only_in_scope(client, org):
    # given
    client.force_login(org.users["store_manager"])
    form = client.get(reverse("risks:incident_add")).content.decode()
    # when
    response = client.post(reverse("risks:incident_add"), _form(org, photo=_png()))
    # then
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert 'enctype="multipart/form-data"' in form
    assert 'name="photo"' in form
    assert incident.photo.name.startswith("incidents/")
    assert incident.photo.name.endswith(".jpg")
    photo_url = reverse("risks:incident_photo", args=[incident.pk])
    assert f'src="{photo_url}"' in client.get(incident.get_absolute_url()).content.decode()
    mine = client.get(photo_url)
    assert (mine.status_code, mine["Content-Type"]) == (200, "image/jpeg")
    with Image.open(BytesIO(b"".join(mine.streaming_content) if mine.streaming else mine.content)) as image:
        assert (image.format, image.size) == ("JPEG", (40, 30))
    # and a store manager of another store, and another company's admin, get 404
    client.force_login(make_user("store_manager", company=org.company, username="b1-photo", stores=[org.stores["b1"]]))
    assert client.get(photo_url).status_code == 404
    client.force_login(org.other_user)
    assert client.get(photo_url).status_code == 404


def test_an_incident_without_a_photo_is_reported_as_before(client, org):
    client.force_login(org.users["store_manager"])
    response = client.post(reverse("risks:incident_add"), _form(org))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert not incident.photo
    assert client.get(reverse("risks:incident_photo", args=[incident.pk])).status_code == 404


def test_a_file_that_is_not_an_image_is_refused_on_the_form_and_nothing_is_reported(client, org):
    client.force_login(org.users["store_manager"])
    response = client.post(reverse("risks:incident_add"), _form(
        org, photo=SimpleUploadedFile("scene.png", b"not an image", content_type="image/png")))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["photo"]
    assert Incident.objects.count() == 0
