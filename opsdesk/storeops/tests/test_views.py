"""Pages end to end through the test client: running an inspection with htmx, exports, PDF, scorecard, API.
(Role x scope answers of every route are walked by the permission matrix: tests/routes.py.)"""

import csv
import io

from django.urls import reverse

from opsdesk.storeops import services
from opsdesk.storeops.models import CorrectiveAction, InspectionRun
from opsdesk.storeops.tests.conftest import answer_all, items_of, jpeg_bytes, upload

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_inspection_through_the_pages(client, ops, template):
    # given: the store manager starts an ad hoc run
    client.force_login(ops["manager"])
    response = client.post(reverse("storeops:run_start"), {"store": ops["a1"].pk, "template": template.pk})
    run = InspectionRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("storeops:run_perform", args=[run.pk])
    items = items_of(template)
    # when: answers are saved one by one (htmx), the floor item fails, a photo is attached, then sign-off
    values = {"PF": "fail", "SC": "4", "STK": "pass", "TMP": "3", "EXIT": "pass", "NOTE": ""}
    cards = {code: client.post(reverse("storeops:run_answer", args=[run.pk]),
                               {"item": items[code].pk, "value": value, "note": "地面有水" if code == "PF" else ""},
                               **HTMX) for code, value in values.items()}
    photo = client.post(reverse("storeops:run_photo", args=[run.pk]),
                        {"item": items["PF"].pk, "photo": upload(jpeg_bytes())}, **HTMX)
    done = client.post(reverse("storeops:run_complete", args=[run.pk]), {"signed_by_name": "王店长"})
    detail = client.get(reverse("storeops:run_detail", args=[run.pk]))
    # then
    assert 'class="badge text-bg-danger align-self-start item-failed"' in cards["PF"].content.decode()
    assert 'id="run-progress"' in cards["SC"].content.decode()
    assert 'hx-swap-oob="true"' in cards["SC"].content.decode()
    assert 'class="rounded photo-thumb"' in photo.content.decode()
    assert done.status_code == 302
    action = CorrectiveAction.objects.get()
    assert (action.title, action.owner, action.description) == ("整改：地面清洁", ops["manager"], "地面有水")
    page = detail.content.decode()
    assert 'id="run-score">62.5<' in page  # PF 0 of 2, SC 0.75, STK 1, TMP 1, EXIT 1 -> 3.75 / 6
    assert f'href="{action.get_absolute_url()}"' in page


def test_run_list_exports_csv_and_hides_other_stores(client, ops, template):
    # given: one run in a1 and one in b1
    services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
    services.run_start(actor=ops["manager_b"], store=ops["b1"], template=template)
    client.force_login(ops["manager"])
    # when
    response = client.get(reverse("storeops:run_list"), {"export": "csv"})
    # then
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == "上海一店"


def test_pdf_of_a_completed_run_embeds_its_photos(client, ops, template):
    # given: a completed run with a photo
    run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
    items = items_of(template)
    services.photo_add(actor=ops["manager"], run=run, item=items["PF"], upload=upload(jpeg_bytes(size=(300, 200))))
    answer_all(run, ops["manager"], items, failing={"PF"})
    services.run_complete(actor=ops["manager"], run=run, signed_by_name="王店长")
    client.force_login(ops["auditor"])
    # when
    response = client.get(reverse("storeops:run_pdf", args=[run.pk]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/Subtype /Image" in response.content


def test_scorecard_renders_charts_and_league(client, ops, template):
    # given: two completed runs in a1
    for failing in ({"PF"}, set()):
        run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
        answer_all(run, ops["manager"], items_of(template), failing=failing)
        services.run_complete(actor=ops["manager"], run=run, signed_by_name="王")
    client.force_login(ops["supervisor"])
    # when
    response = client.get(reverse("storeops:scorecard"))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="trend-chart"' in page
    assert 'id="item-chart"' in page
    assert "plotly.min.js" in page
    assert response.context["card"]["league"][0]["runs"] == 2
    # 62.5 (floor failed) and 95.8 (all passed, service 4/5) -> 79.15 -> 79.2
    assert response.context["card"]["league"][0]["avg_score"] == 79.2


def test_api_lists_runs_due_for_me(client, ops, template):
    # given: a weekly schedule for store a1 assigned to the store manager, generated for a Friday
    from datetime import date

    services.schedule_create(actor=ops["supervisor"], data={
        "template": template, "store": ops["a1"], "frequency": "daily", "assignee_role": "store_manager",
        "start_date": date(2020, 1, 1)})
    services.schedules_generate_runs()
    client.force_login(ops["manager"])
    # when
    mine = client.get("/api/v1/storeops/runs/due/").json()
    client.force_login(ops["staff"])
    theirs = client.get("/api/v1/storeops/runs/due/").json()
    # then
    assert [row["store_code"] for row in mine] == ["A1"]
    assert theirs == []


def test_a_scheduled_run_offers_to_start_and_a_started_one_to_continue(client, ops, template):
    # given: a scheduled run of a1 nobody has opened yet
    run = InspectionRun.objects.create(store=ops["a1"], template_version=template.current_version, status="scheduled",
                                       due_date="2026-12-01")
    client.force_login(ops["manager"])
    # when
    before = client.get(reverse("storeops:run_detail", args=[run.pk])).content.decode()
    services.run_begin(actor=ops["manager"], run=run)
    after = client.get(reverse("storeops:run_detail", args=[run.pk])).content.decode()
    # then
    assert 'id="perform-link">开始巡检</a>' in before
    assert 'id="perform-link">继续巡检</a>' in after


def test_my_inspections_also_lists_the_scopes_overdue_runs_someone_else_does(client, ops, template):
    # given: an overdue run of a1 assigned to the store manager role, and one assigned to the supervisor
    theirs = InspectionRun.objects.create(store=ops["a1"], template_version=template.current_version,
                                          status="scheduled", due_date="2026-01-05", assignee_role="store_manager")
    mine = InspectionRun.objects.create(store=ops["a1"], template_version=template.current_version,
                                        status="scheduled", due_date="2026-01-06", assignee=ops["supervisor"])
    client.force_login(ops["supervisor"])
    # when
    page = client.get(reverse("storeops:my")).content.decode()
    # then: the supervisor's own run is theirs to do; the manager's is shown apart, linked to its page
    due, others = page.split('id="others-overdue"')[0], page.split('id="others-overdue"')[1]
    assert reverse("storeops:run_perform", args=[mine.pk]) in due
    assert theirs.get_absolute_url() in others
    assert mine.get_absolute_url() not in others
    assert '<label class="form-label small mb-0" for="id_store">门店</label>' in page


def test_the_trend_of_several_stores_is_small_multiples_with_the_average(client, ops, template):
    # given: a run in a1 and one in a2
    for store in (ops["a1"], ops["a2"]):
        run = services.run_start(actor=ops["supervisor"], store=store, template=template)
        answer_all(run, ops["supervisor"], items_of(template), failing=set())
        services.run_complete(actor=ops["supervisor"], run=run, signed_by_name="王")
    client.force_login(ops["supervisor"])
    # when
    chart = client.get(reverse("storeops:scorecard")).context["card"]["trend_chart"]
    # then: one panel per store, the average drawn in each, a fixed 0-100 scale
    panels = [trace["name"] for trace in chart["data"] if trace["line"]["color"] != "#adb5bd"]
    assert sorted(panels) == sorted([ops["a1"].code, ops["a2"].code])
    assert chart["layout"]["grid"]["columns"] == 2
    assert chart["layout"]["yaxis2"]["range"] == [0, 100]
