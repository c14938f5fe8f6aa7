"""The new-import page lists each kind's required columns in the page's language, with that language's separator."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from opsdesk.core.testing.factories import make_user


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Store code, SKU, Invoice no., Time, Quantity"),
    ("zh-hans", "门店编号、商品编码、发票号、时间、数量"),
])
def test_required_columns_are_listed_in_the_pages_language(chain, client, language, expected):
    # given: a COO reading the page in one language
    coo = make_user("coo", company=chain["company"])
    coo.language = language
    coo.save(update_fields=["language"])
    client.force_login(coo)
    # when
    page = lxml_html.document_fromstring(client.get(reverse("imports:batch_new")).content.decode())
    # then
    cells = page.xpath('//tr[@id="template-sales_lines"]/td')
    assert cells[1].text_content().strip() == expected
