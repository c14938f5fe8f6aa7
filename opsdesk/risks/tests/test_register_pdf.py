"""The register as PDF: the user's risks only (store managers: their store's and the company risks published to
stores), with both heat maps, under the register list's filters."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from opsdesk.risks.models import Risk, RiskCategory, RiskControl


@pytest.fixture
def register(org):
    """Risks of store a1 (the store manager's), of store b1, of region A, and two company risks (one published)."""
    category = RiskCategory.objects.create(company=org.company, code="FIN", name_zh="财务风险", name_en="Financial",
                                           appetite=9)

    def risk(code, title, **where):
        return Risk.objects.create(company=org.company, code=code, title=title, category=category,
                                   likelihood=4, impact=4, **where)

    a1 = risk("RA1", "冷柜故障导致损耗", store=org.stores["a1"], region=org.stores["a1"].region)
    RiskControl.objects.create(risk=a1, description="温度报警", kind="mitigating", effectiveness="effective")
    risk("RB1", "广州店租金上涨", store=org.stores["b1"], region=org.stores["b1"].region)
    risk("RRA", "华东区物流中断", region=org.stores["a1"].region)
    risk("RCP", "食品安全法规变化", is_published_to_stores=True)
    risk("RCX", "融资成本上升")
    return org


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_store_managers_register_pdf_holds_only_their_risks_and_both_heat_maps(client, register):
    # given
    client.force_login(register.users["store_manager"])
    # when
    response = client.get(reverse("risks:risk_register_pdf"))
    # then: store a1's risk with its residual position, its region's, the published company risk; nothing else
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="risk-register-')
    text = _pdf_text(response)
    codes = {code for code in ("RA1", "RB1", "RRA", "RCP", "RCX") if code in text}
    assert codes == {"RA1", "RRA", "RCP"}
    assert "冷柜故障导致损耗" in text
    assert "广州店租金上涨" not in text
    assert "融资成本上升" not in text
    assert text.count("4×4=16") == 3  # inherent L×I of each row
    assert text.count("8 · 中") == 1  # RA1's residual: the effective mitigating control takes impact 4 -> 2
    assert text.count("在偏好内（≤ 9）") == 1
    assert text.count("高于偏好（≤ 9）") == 2
    assert "固有风险" in text
    assert "剩余风险（控制后）" in text


def test_the_register_pdf_follows_the_register_lists_filters(client, register):
    # given
    client.force_login(register.users["coo"])
    # when
    response = client.get(reverse("risks:risk_register_pdf"), {"store": register.stores["b1"].pk})
    # then
    text = _pdf_text(response)
    assert {code for code in ("RA1", "RB1", "RRA", "RCP", "RCX") if code in text} == {"RB1"}


def test_the_register_list_and_the_heat_map_link_the_pdf(client, register):
    # given
    client.force_login(register.users["store_manager"])
    store = register.stores["a1"].pk
    # when
    listing = client.get(reverse("risks:risk_list"), {"category": RiskCategory.objects.get().pk})
    heat = client.get(reverse("risks:heat_map"), {"store": store})
    # then
    pdf_url = reverse("risks:risk_register_pdf")
    assert f'href="{pdf_url}?category={RiskCategory.objects.get().pk}"' in listing.content.decode()
    assert f'href="{pdf_url}?status=open&amp;store={store}"' in heat.content.decode()


def test_a_heat_map_cell_links_the_open_risks_of_that_cell_in_the_narrowed_scope(client, register):
    # given: RB1 sits at inherent 4 x 4 in store b1
    client.force_login(register.users["coo"])
    store = register.stores["b1"].pk
    # when
    page = client.get(reverse("risks:heat_map"), {"store": store}).content.decode()
    listed = client.get(f"{reverse('risks:risk_list')}?status=open&store={store}&likelihood=4&impact=4")
    # then
    assert f'href="{reverse("risks:risk_list")}?status=open&amp;store={store}&amp;likelihood=4&amp;impact=4"' in page
    assert [risk.code for risk in listed.context["table"].data.data] == ["RB1"]
