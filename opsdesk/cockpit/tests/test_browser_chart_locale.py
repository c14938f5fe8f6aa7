"""Browser test: chart dates follow the page's language (issue #22: a Chinese cockpit showed "Sep 6"). Plotly gets the
zh-CN locale on Chinese pages ("9月 6"), its own English on English pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import make_facts
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

PASSWORD = "chart-dates-2026"
ENGLISH_DATE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}$")
CHINESE_DATE = re.compile(r"^\d{1,2}月 \d{1,2}$")


@pytest.fixture
def coo(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    company = Company.objects.create(code="DATES", name="日期连锁")
    region = Region.objects.create(company=company, code="E", name="华东区")
    store = Store.objects.create(company=company, region=region, code="SH001", name="上海徐汇店", city="上海")
    make_facts([store], days=120, last_day=timezone.localdate() - timedelta(days=1))
    rollup_refresh(company)
    return User.objects.create_user("coo_dates", password=PASSWORD, role="coo", company=company,
                                    has_company_scope=True)


def _date_ticks(page) -> list[str]:
    page.wait_for_selector(".js-plotly-plot .xtick text")
    return page.eval_on_selector_all(".js-plotly-plot .xtick text", "nodes => nodes.map(node => node.textContent)")


def test_chart_dates_are_written_in_the_pages_language(coo, browser_context):  # noqa: F811
    # given the COO, signed in
    page = browser_context.new_page()
    sign_in(page, "coo_dates", PASSWORD)
    seen = {}
    for language in ("zh-hans", "en"):
        User.objects.filter(pk=coo.pk).update(language=language)
        # when the cockpit's charts are drawn
        page.goto(reverse("cockpit:index"))
        seen[language] = _date_ticks(page)
    # then the Chinese page writes its dates in Chinese and never in English, and the English page in English
    assert any(CHINESE_DATE.match(text) for text in seen["zh-hans"]), seen["zh-hans"]
    assert not any(ENGLISH_DATE.match(text) for text in seen["zh-hans"]), seen["zh-hans"]
    assert any(ENGLISH_DATE.match(text) for text in seen["en"]), seen["en"]
    assert not any(CHINESE_DATE.match(text) for text in seen["en"]), seen["en"]
