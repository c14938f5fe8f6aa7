"""Scope hardening of store operations: templates used across regions, and who may delete an inspection photo."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from opsdesk.storeops import services
from opsdesk.storeops.models import InspectionPhoto, InspectionSchedule, TemplateVersion
from opsdesk.storeops.tests.conftest import items_of, jpeg_bytes, upload


def _schedule(ops, template, **target):
    return InspectionSchedule.objects.create(company=ops["company"], template=template, **target)


def _versions(template):
    template.refresh_from_db()
    return template.current_version_id, list(
        TemplateVersion.objects.filter(template=template).order_by("number").values_list("number", "status"))


@pytest.fixture
def shared_template(ops, template):
    """The test checklist, used by a schedule in each region, with a draft v2 opened by the COO."""
    _schedule(ops, template, region=ops["east"])
    _schedule(ops, template, region=ops["south"])
    services.template_draft(actor=ops["coo"], template=template)
    return template


def test_regional_manager_cannot_publish_a_template_used_by_another_region(client, ops, shared_template):
    # given
    before = _versions(shared_template)
    client.force_login(ops["regional"])

    # when
    response = client.post(reverse("storeops:template_publish", args=[shared_template.pk]), {"change_note": "改"})

    # then
    assert response.status_code == 404
    assert _versions(shared_template) == before == (shared_template.current_version_id,
                                                      [(1, "published"), (2, "draft")])


@pytest.mark.parametrize("write", ["publish", "draft", "section", "update"])
def test_template_used_across_regions_is_read_only_below_company_scope(ops, shared_template, write):
    # given
    actor = ops["regional"]
    before = _versions(shared_template)
    name = shared_template.name
    writes = {
        "publish": lambda: services.template_publish(actor=actor, template=shared_template),
        "draft": lambda: services.template_draft(actor=actor, template=shared_template),
        "section": lambda: services.section_add(actor=actor, template=shared_template, title="新分区"),
        "update": lambda: services.template_update(actor=actor, template=shared_template, data={"name": "改名"}),
    }

    # when / then
    with pytest.raises(PermissionDenied):
        writes[write]()
    assert _versions(shared_template) == before
    shared_template.refresh_from_db()
    assert shared_template.name == name


def test_a_store_schedule_in_another_region_makes_the_template_read_only(ops, template):
    # given: used by store b1 (region south) only
    _schedule(ops, template, store=ops["b1"])

    # when / then
    with pytest.raises(PermissionDenied):
        services.template_draft(actor=ops["supervisor"], template=template)
    assert _versions(template)[1] == [(1, "published")]


def test_a_run_in_another_region_makes_the_template_read_only(ops, template):
    # given
    services.run_start(actor=ops["coo"], store=ops["b1"], template=template)

    # when / then
    with pytest.raises(PermissionDenied):
        services.template_draft(actor=ops["regional"], template=template)
    assert _versions(template)[1] == [(1, "published")]


def test_company_scope_user_publishes_a_template_used_across_regions(client, ops, shared_template):
    # given
    client.force_login(ops["coo"])

    # when
    response = client.post(reverse("storeops:template_publish", args=[shared_template.pk]))

    # then
    assert response.status_code == 302
    current, versions = _versions(shared_template)
    assert versions == [(1, "retired"), (2, "published")]
    assert TemplateVersion.objects.get(pk=current).number == 2


def test_regional_manager_publishes_a_template_used_only_in_their_region(client, ops, template):
    # given
    _schedule(ops, template, region=ops["east"])
    services.template_draft(actor=ops["regional"], template=template)
    client.force_login(ops["regional"])

    # when
    response = client.post(reverse("storeops:template_publish", args=[template.pk]))

    # then
    assert response.status_code == 302
    assert _versions(template)[1] == [(1, "retired"), (2, "published")]


@pytest.fixture
def manager_photo(ops, template):
    """A photo the store manager uploaded on an inspection of store a1."""
    run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
    item = items_of(template)["PF"]
    return services.photo_add(actor=ops["manager"], run=run, item=item, upload=upload(jpeg_bytes()))


def test_staff_cannot_delete_a_managers_photo(client, ops, manager_photo):
    # given
    client.force_login(ops["staff"])

    # when
    with pytest.raises(PermissionDenied):
        services.photo_delete(actor=ops["staff"], photo=manager_photo)
    response = client.post(reverse("storeops:photo_delete", args=[manager_photo.pk]))

    # then
    assert response.status_code in {403, 404}
    assert InspectionPhoto.objects.filter(pk=manager_photo.pk, uploaded_by=ops["manager"]).count() == 1


def test_staff_deletes_their_own_photo(ops, template):
    # given
    run = services.run_start(actor=ops["staff"], store=ops["a1"], template=template)
    photo = services.photo_add(actor=ops["staff"], run=run, item=items_of(template)["PF"], upload=upload(jpeg_bytes()))

    # when
    services.photo_delete(actor=ops["staff"], photo=photo)

    # then
    assert not InspectionPhoto.objects.filter(pk=photo.pk).exists()


@pytest.mark.parametrize("role", ["supervisor", "regional", "manager"])
def test_a_role_that_may_change_the_store_deletes_any_photo(ops, template, role):
    # given: a photo uploaded by staff in store a1
    run = services.run_start(actor=ops["staff"], store=ops["a1"], template=template)
    photo = services.photo_add(actor=ops["staff"], run=run, item=items_of(template)["PF"], upload=upload(jpeg_bytes()))

    # when
    services.photo_delete(actor=ops[role], photo=photo)

    # then
    assert not InspectionPhoto.objects.filter(pk=photo.pk).exists()
