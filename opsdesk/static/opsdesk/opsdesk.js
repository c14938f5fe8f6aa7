// Chart dates in the page's language: Plotly's axis labels ("Sep 6") read "9月 6" on a Chinese page.
var OPSDESK_PLOTLY_LOCALE = null;
function opsdeskPlotlyLocale() {
  if (OPSDESK_PLOTLY_LOCALE !== null) return OPSDESK_PLOTLY_LOCALE;
  OPSDESK_PLOTLY_LOCALE = "en";
  if ((document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 && window.Plotly) {
    var months = [], shortMonths = [];
    var numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
    for (var m = 0; m < 12; m++) { months.push(numerals[m] + "月"); shortMonths.push((m + 1) + "月"); }
    window.Plotly.register({moduleType: "locale", name: "zh-CN", dictionary: {}, format: {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      months: months, shortMonths: shortMonths, date: "%Y-%m-%d", decimal: ".", thousands: ","}});
    OPSDESK_PLOTLY_LOCALE = "zh-CN";
  }
  return OPSDESK_PLOTLY_LOCALE;
}

// Render every Plotly chart spec embedded with json_script (<div data-chart="ID">).
function opsdeskRenderCharts(root) {
  (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = document.getElementById(el.dataset.chart);
    if (!spec || !window.Plotly) return;
    var fig = JSON.parse(spec.textContent);
    window.Plotly.newPlot(el, fig.data, fig.layout,
                          {responsive: true, displaylogo: false, locale: opsdeskPlotlyLocale()});
  });
}
document.addEventListener("DOMContentLoaded", function () { opsdeskRenderCharts(document); });
document.addEventListener("htmx:afterSwap", function (e) { opsdeskRenderCharts(e.target); });
// htmx sends the CSRF token with every request.
document.addEventListener("htmx:configRequest", function (e) {
  var token = document.querySelector("meta[name=csrf-token]");
  if (token) e.detail.headers["X-CSRFToken"] = token.content;
});

// No inline script anywhere (the Content-Security-Policy forbids it): behaviour comes from data attributes.
//   data-confirm="question"   on a form (submit) or a button (click): ask first
//   data-autosubmit           on a select: submit its form on change
//   data-print                on a button: print the page
//   data-check-all="selector" on a check box: set every matching check box to its state
//   data-enter-blurs          on an input: Enter leaves the field (its change handler saves) instead of submitting
document.addEventListener("submit", function (e) {
  var question = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { e.preventDefault(); e.stopImmediatePropagation(); }
}, true);
document.addEventListener("click", function (e) {
  var el = e.target.closest && e.target.closest("button[data-confirm], a[data-confirm], input[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); e.stopImmediatePropagation(); return; }
  var print = e.target.closest && e.target.closest("[data-print]");
  if (print) { e.preventDefault(); window.print(); }
  var all = e.target.closest && e.target.closest("input[data-check-all]");
  if (all) document.querySelectorAll(all.getAttribute("data-check-all")).forEach(function (box) { box.checked = all.checked; });
}, true);
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("select[data-autosubmit]") && e.target.form) e.target.form.submit();
});
document.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && e.target.matches && e.target.matches("[data-enter-blurs]")) { e.preventDefault(); e.target.blur(); }
});
// The list pages' filter forms: Bootstrap's small controls on every field the FilterSet renders.
function opsdeskStyleFilters(root) {
  (root || document).querySelectorAll("form[hx-get] input, form[hx-get] select").forEach(function (el) {
    if (el.type === "checkbox" || el.type === "hidden") return;
    if (el.tagName === "SELECT") el.classList.add("form-select", "form-select-sm"); else el.classList.add("form-control", "form-control-sm");
  });
}
document.addEventListener("DOMContentLoaded", function () { opsdeskStyleFilters(document); });
