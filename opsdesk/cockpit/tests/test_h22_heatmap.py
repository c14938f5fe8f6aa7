"""The cockpit's calendar heat map names the weekdays in full in the user's language, and Plotly widens the left
margin to fit them (issue #22: "onday" instead of "Monday" at a fixed 50 px margin)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import make_facts

WEEKDAYS = {"en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            "zh-hans": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_heat_map_weekday_labels_are_whole_and_fit(org, client, language):
    # given a store with a year of sales and its rollups, and the COO in the language
    make_facts([org.stores["a1"]], days=380, last_day=timezone.localdate() - timedelta(days=1))
    rollup_refresh(org.company)
    coo = org.users["coo"]
    coo.language = language
    coo.save(update_fields=["language"])
    client.force_login(coo)
    # when the COO opens the cockpit
    response = client.get(reverse("cockpit:index"))
    # then the heat map's rows are the weekdays' full names in the language
    assert response.status_code == 200
    spec = lxml_html.fromstring(response.content).xpath("//script[@id='heatmap-chart']")[0].text
    figure = json.loads(spec)
    assert figure["data"][0]["type"] == "heatmap"
    assert figure["data"][0]["y"] == WEEKDAYS[language]
    # and Plotly sizes the margins to the labels rather than cutting them
    assert figure["layout"]["yaxis"] == {"autorange": "reversed", "automargin": True}
    assert figure["layout"]["xaxis"] == {"automargin": True}
