"""Chart specs: a second unit gets its own axis; many series become small multiples with one colour each."""

from opsdesk.core.charts import line_chart, small_multiples_chart


def test_secondary_series_go_on_a_right_hand_axis():
    spec = line_chart("t", ["d1", "d2"], {"Sales": [100.0, 120.0]}, "¥", secondary={"Customers": [3, 4]},
                      secondary_title="people")
    sales, customers = spec["data"]
    assert "yaxis" not in sales
    assert (customers["yaxis"], customers["y"], customers["line"]["dash"]) == ("y2", [3, 4], "dot")
    assert spec["layout"]["yaxis2"]["overlaying"] == "y"
    assert spec["layout"]["yaxis2"]["side"] == "right"
    assert spec["layout"]["yaxis2"]["title"]["text"] == "people"


def test_small_multiples_give_each_series_its_panel_with_the_reference():
    series = {f"S{i}": [i, i + 1] for i in range(7)}
    spec = small_multiples_chart("t", ["w1", "w2"], series, reference=("avg", [3, 4]), y_range=(0, 100), columns=5)
    layout = spec["layout"]
    assert layout["grid"]["rows"] == 2
    assert layout["grid"]["columns"] == 5
    panels = [trace for trace in spec["data"] if trace["name"] != "avg"]
    assert [(t["name"], t["xaxis"], t["yaxis"]) for t in panels] == [
        ("S0", "x", "y"), ("S1", "x2", "y2"), ("S2", "x3", "y3"), ("S3", "x4", "y4"), ("S4", "x5", "y5"),
        ("S5", "x6", "y6"), ("S6", "x7", "y7")]
    assert {t["line"]["color"] for t in panels} == {"#0d6efd"}  # one colour: the panel names the store
    references = [trace for trace in spec["data"] if trace["name"] == "avg"]
    assert len(references) == 7
    assert [t["showlegend"] for t in references] == [True] + [False] * 6
    assert layout["yaxis7"]["range"] == [0, 100]
    assert [a["text"] for a in layout["annotations"]] == list(series)
    # x tick labels only on panels with no panel beneath them (the last five)
    assert [layout[f"xaxis{'' if i == 0 else i + 1}"]["showticklabels"] for i in range(7)] == [
        False, False, True, True, True, True, True]


def test_a_horizontal_bar_chart_keeps_long_labels_whole_and_grows_with_its_rows():
    from opsdesk.core.charts import bar_chart

    labels = [f"SUP{i:03d} 上海某某食品有限公司" for i in range(30)]
    spec = bar_chart("t", labels, list(range(30)), "%", horizontal=True)
    [trace] = spec["data"]
    assert (trace["orientation"], trace["y"][0], trace["x"][29]) == ("h", "SUP000 上海某某食品有限公司", 29)
    assert spec["layout"]["height"] == 22 * 30 + 90
    assert spec["layout"]["yaxis"]["autorange"] == "reversed"
    assert spec["layout"]["yaxis"]["automargin"] is True
