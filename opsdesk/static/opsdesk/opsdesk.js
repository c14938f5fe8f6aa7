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
