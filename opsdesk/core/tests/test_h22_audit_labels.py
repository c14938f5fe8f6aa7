"""The audit trail names changed fields as a person reads them (issue #22): each field's verbose name in the user's
language, never its attribute name (sales_amount, discount_percent); the attribute name only for a field the model
no longer has."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

from opsdesk.core.audit import audit_actor, field_changes
from opsdesk.risks.models import RiskCategory
from opsdesk.sales.models import Promotion

#: language: the labels of the promotion's two changed fields (discount_percent, cost), in the model's field order
LABELS = {"en": ["Discount (%)", "Promotion cost"], "zh-hans": ["折扣（%）", "促销费用"]}
ACTIONS = {"en": "Changed", "zh-hans": "修改"}
MODELS = {"en": "Promotion", "zh-hans": "促销"}


@pytest.fixture
def promotion_update(org) -> LogEntry:
    """A promotion whose discount and cost the COO changed: the update's audit entry."""
    promotion = Promotion.objects.create(company=org.company, code="P-H22", name="Spring", start_date=date(2026, 3, 1),
                                         end_date=date(2026, 3, 7), discount_percent=Decimal("10"), cost=Decimal("0"))
    promotion.discount_percent, promotion.cost = Decimal("15"), Decimal("2500")
    with audit_actor(org.users["coo"]):
        promotion.save()
    return LogEntry.objects.get_for_object(promotion).get(action=LogEntry.Action.UPDATE)


def _client(client, user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_field_changes_label_each_field_by_its_verbose_name(promotion_update, language):
    # given the entry of a promotion's two changed fields
    # when its changes are read in the language
    with translation.override(language):
        changes = [(change.name, change.label, change.before, change.after)
                   for change in field_changes(promotion_update)]
    # then each field has its verbose name, with its values before and after
    assert changes == [("discount_percent", LABELS[language][0], "10.00", "15"),
                       ("cost", LABELS[language][1], "0.00", "2500")]


def test_field_changes_fall_back_to_the_attribute_name_of_an_unknown_field(promotion_update):
    # given an entry naming a field the model no longer has
    promotion_update.changes = {"retired_field": ["a", "b"], "discount_percent": ["10", "15"]}
    # when its changes are read in English
    with translation.override("en"):
        labels = [change.label for change in field_changes(promotion_update)]
    # then the known field has its verbose name, the unknown one (listed last) keeps its attribute name
    assert labels == ["Discount (%)", "retired_field"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_audit_pages_show_verbose_names_not_attribute_names(org, client, promotion_update, language):
    # given the COO in the language
    client = _client(client, org.users["coo"], language)
    # when the COO opens the audit entry and the audit list
    detail = client.get(reverse("core:audit_detail", args=[promotion_update.pk]))
    listing = client.get(reverse("core:audit_list"), {"model": "promotion"})
    # then the entry's table lists the two fields by their verbose names, with before and after
    assert detail.status_code == 200
    rows = lxml_html.fromstring(detail.content).xpath("//tbody/tr")
    assert [[cell.text_content().strip() for cell in row.xpath("td")] for row in rows] == [
        [LABELS[language][0], "10.00", "15"], [LABELS[language][1], "0.00", "2500"]]
    # and the list's row of the entry (newest first) names the action, the model and the two fields in the language;
    # no page shows an attribute name
    assert listing.status_code == 200
    cells = [[cell.text_content().strip() for cell in row.xpath("td")]
             for row in lxml_html.fromstring(listing.content).xpath("//tbody/tr")]
    assert [row[2:] for row in cells][0] == [ACTIONS[language], MODELS[language], "Spring", ", ".join(LABELS[language])]
    assert len(cells) == 2  # and the promotion's creation below it
    for content in (detail.content.decode(), listing.content.decode()):
        assert "discount_percent" not in content
        assert ">cost<" not in content


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_object_history_shows_verbose_names(org, client, language):
    # given a risk category whose appetite and measures the COO changed
    category = RiskCategory.objects.create(company=org.company, code="H22", name_zh="测试", name_en="Test", appetite=9)
    category.appetite, category.measures = 12, "Insurance"
    with audit_actor(org.users["coo"]):
        category.save()
    expected = {"en": ["Risk appetite (highest acceptable residual score), Main measures",
                       "ID, Company, Code, Chinese name, English name, "
                       "Risk appetite (highest acceptable residual score), Main measures, Risks"],
                "zh-hans": ["风险偏好（可接受的最高剩余分值）, 主要应对措施",
                            "ID, 公司, 编码, 中文名称, 英文名称, 风险偏好（可接受的最高剩余分值）, 主要应对措施, 风险"]}
    # when the COO opens the category's page in the language
    response = _client(client, org.users["coo"], language).get(
        reverse("risks:riskcategory_detail", args=[category.pk]))
    # then its change history (newest first: the update, the creation) names the fields by their verbose names
    assert response.status_code == 200
    history = lxml_html.fromstring(response.content).xpath("//li[contains(@class, 'list-group-item')]"
                                                           "[span[contains(@class, 'audit-field')]]")
    assert [", ".join(span.text_content() for span in item.xpath("span[@class='audit-field']"))
            for item in history] == expected[language]
    assert "appetite" not in response.content.decode().replace("Risk appetite", "")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_audit_list_picks_the_object_type_by_its_name(org, client, promotion_update, language):
    # given the COO in the language
    client = _client(client, org.users["coo"], language)
    # when the audit list opens
    page = lxml_html.fromstring(client.get(reverse("core:audit_list")).content)
    # then the object-type picker names each audited model in the language, keyed by app and model
    options = {option.get("value"): option.text_content() for option in page.xpath("//select[@name='model']/option")}
    assert options["sales.promotion"] == MODELS[language]
    assert options[""] == {"en": "All object types", "zh-hans": "全部对象类型"}[language]
    assert all("_" not in label for label in options.values())
    # and picking it lists the promotion's two entries only
    listing = lxml_html.fromstring(client.get(reverse("core:audit_list"), {"model": "sales.promotion"}).content)
    rows = listing.xpath("//tbody/tr")
    assert [row.xpath("td")[3].text_content().strip() for row in rows] == [MODELS[language]] * 2
    assert listing.xpath("//select[@name='model']/option[@selected]/@value") == ["sales.promotion"]
