// Render every Plotly chart spec embedded with json_script (<div data-chart="ID">).
function opsdeskRenderCharts(root) {
  (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = document.getElementById(el.dataset.chart);
    if (!spec || !window.Plotly) return;
    var fig = JSON.parse(spec.textContent);
    window.Plotly.newPlot(el, fig.data, fig.layout, {responsive: true, displaylogo: false});
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
