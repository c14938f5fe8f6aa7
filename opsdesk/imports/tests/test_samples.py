"""Import templates: every kind's template is recognised column for column, in either language, and the example
row of a fact template imports cleanly in the user's own company."""

import io

import pytest
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from opsdesk.core.models import User
from opsdesk.imports import samples
from opsdesk.imports.kinds import KINDS
from opsdesk.imports.mapping import guess_mapping
from opsdesk.imports.services import import_run
from opsdesk.sales.models import SkuDaySales


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_template_header_maps_every_field_of_its_kind(code, language):
    # given
    spec = KINDS[code]
    # when
    with override(language):
        headers, rows = samples.sample_table(spec, samples.SampleContext(store="S1", sku="P1"))
    # then
    expected = {field.name: header for field, header in zip(spec.fields, headers, strict=True)}
    assert guess_mapping(spec, headers) == expected
    assert [len(row) for row in rows] == [len(headers)]


def test_the_sales_template_row_imports_into_the_users_own_store(chain, tmp_path):
    # given
    admin = User.objects.create_user("imp_admin", company=chain["company"], role="admin", has_company_scope=True)
    headers, rows = samples.sample_table(KINDS["sku_day_sales"], samples.sample_context(admin))
    path = tmp_path / "template.csv"
    path.write_text(",".join(headers) + "\n" + ",".join(str(value) for value in rows[0]) + "\n", encoding="utf-8")
    # when
    batch = import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)
    # then
    assert (batch.status, batch.rows_committed, batch.quarantine.count()) == ("committed", 1, 0)
    assert list(SkuDaySales.objects.values_list("store__code", "product__sku", "quantity")) == [("S1", "P1", 2)]


def test_the_import_page_lists_only_kinds_the_user_may_import_and_serves_their_templates(chain, client):
    # given: a store manager of S1 imports facts, not master data
    manager = User.objects.create_user("imp_manager", company=chain["company"], role="store_manager")
    manager.scope_stores.add(chain["stores"]["S1"])
    client.force_login(manager)
    # when
    page = client.get(reverse("imports:batch_new")).content.decode()
    workbook = load_workbook(io.BytesIO(client.get(reverse("imports:kind_template_xlsx", args=["sku_day_sales"]))
                                        .content))
    csv_text = client.get(reverse("imports:kind_template_csv", args=["sku_day_sales"])).getvalue().decode("utf-8-sig")
    # then
    assert 'id="template-sku_day_sales"' in page
    assert 'id="template-stores"' not in page
    assert client.get(reverse("imports:kind_template_csv", args=["stores"])).status_code == 404
    assert workbook.sheetnames == ["sku_day_sales", "说明"]
    assert [cell.value for cell in workbook["sku_day_sales"][2]][:2] == ["S1", "P1"]
    assert csv_text.splitlines()[1].startswith("S1,P1,")
