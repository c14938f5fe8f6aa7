"""A store manager runs an inspection on a phone-sized viewport (390 x 844): answers item by item (saved by htmx
as they go), uploads a photo, fails an item, signs off and sees the corrective action."""

import pytest

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.testing.browser import screenshot, sign_in
from opsdesk.core.testing.factories import CompanyFactory, RegionFactory, StoreFactory, make_user
from opsdesk.storeops import services
from opsdesk.storeops.models import CorrectiveAction, InspectionPhoto
from opsdesk.storeops.tests.conftest import SPEC, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def phone(live_server):
    import os

    from playwright.sync_api import sync_playwright

    from opsdesk.core.testing.browser import CHROMIUM, CHROMIUM_ARGS

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                      is_mobile=True, has_touch=True, locale="zh-CN")
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def test_store_manager_runs_an_inspection_on_a_phone(phone, tmp_path, settings):
    # given: a store, its manager, the test checklist; media under tmp
    settings.MEDIA_ROOT = tmp_path / "media"
    company = CompanyFactory(code="PHONE")
    store = StoreFactory(region=RegionFactory(company=company), code="P1", name="手机一店")
    manager = make_user(R.STORE_MANAGER, stores=[store], username="phone-manager", password=PASSWORD)
    coo = make_user(R.COO, company=company)
    template = services.template_build(actor=coo, company=company, spec=SPEC)
    photo_path = tmp_path / "shelf.jpg"
    photo_path.write_bytes(jpeg_bytes(size=(800, 600)))
    page = phone
    # when: sign in, start an ad hoc inspection from "my inspections"
    sign_in(page, "phone-manager", PASSWORD)
    page.goto("/storeops/")
    page.select_option("#adhoc-form select[name=store]", str(store.pk))
    page.select_option("#adhoc-form select[name=template]", str(template.pk))
    page.click("#adhoc-form button[type=submit]")
    page.wait_for_selector("#run-progress")
    cards = {code: f"[data-item-code={code}]" for code in ("PF", "SC", "STK", "TMP", "EXIT")}
    # htmx binds a swapped-in card's forms only when it settles (20 ms after the swap, while the card carries
    # .htmx-settling): the next step waits for that, as a thumb on a phone always does
    settled = {code: f"{card}:not(.htmx-settling)" for code, card in cards.items()}
    page.click(f"{cards['PF']} label:has-text('不合格')")
    page.wait_for_selector(f"{settled['PF']} .item-failed")
    page.set_input_files(f"{cards['PF']} input[type=file]", str(photo_path))
    page.wait_for_selector(f"{settled['PF']} img.photo-thumb")
    page.click(f"{cards['SC']} label[for$='-4']")
    page.wait_for_selector(f"{settled['SC']}.border-success")
    page.click(f"{cards['STK']} label:has-text('合格') >> nth=0")
    page.wait_for_selector(f"{settled['STK']}.border-success")
    page.fill(f"{cards['TMP']} input[name=value]", "3")
    page.press(f"{cards['TMP']} input[name=value]", "Tab")
    page.wait_for_selector(f"{settled['TMP']}.border-success")
    page.click(f"{cards['EXIT']} label:has-text('合格') >> nth=0")
    page.wait_for_selector(f"{settled['EXIT']}.border-success")
    progress = page.text_content("#run-progress")
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "storeops-phone-perform")
    page.fill("#id_signed_by_name", "王店长")
    page.click("#complete-button")
    page.wait_for_selector("#findings")
    score = page.text_content("#run-score")
    action_text = page.text_content("#findings .corrective-action")
    screenshot(page, "storeops-phone-result")
    # then: the page fits the phone, the answers were saved as they went, the failure raised an action
    assert width <= 390
    assert "5 / 6" in progress or "6 / 6" in progress
    assert score.strip() == "62.5"
    assert "整改：地面清洁" in action_text
    action = CorrectiveAction.objects.get()
    assert (action.store_id, action.owner_id) == (store.pk, manager.pk)
    assert InspectionPhoto.objects.count() == 1
