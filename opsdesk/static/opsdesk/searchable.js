// Turn every <select data-searchable> into a tom-select search box (core/widgets.py marks them), on page load
// and in every partial HTMX swaps in. A static file, no inline script: the pages are meant to run under a CSP
// without 'unsafe-inline'.
(function () {
  "use strict";

  // Enough to pick from a short list at a glance; longer lists (640 SKUs) are narrowed by typing.
  var MAX_OPTIONS = 200;

  function translate(text) {
    // Django's JavaScript catalog (/jsi18n/) defines gettext when the page loads it; English otherwise.
    return typeof window.gettext === "function" ? window.gettext(text) : text;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function settingsFor(select) {
    var emptyOption = select.querySelector('option[value=""]');
    var noResults = escapeHtml(translate("No results found"));
    return {
      allowEmptyOption: true,
      placeholder: emptyOption ? emptyOption.textContent : null,
      searchField: ["text"],
      maxOptions: MAX_OPTIONS,
      plugins: select.multiple ? ["remove_button"] : [],
      render: {
        no_results: function () {
          return '<div class="no-results">' + noResults + "</div>";
        },
      },
    };
  }

  // htmx's history snapshot copies the tom-select markup without the instance behind it; on restore (which
  // fires htmx:load) drop that dead copy first. Destroying before the snapshot instead would reset the live
  // selects to their original options, losing what the user picked.
  function removeStaleWrapper(select) {
    if (!select.classList.contains("tomselected")) return;
    var next = select.nextElementSibling;
    if (next && next.classList.contains("ts-wrapper")) next.remove();
    select.classList.remove("tomselected", "ts-hidden-accessible");
    select.removeAttribute("tabindex");
  }

  function initSearchableSelects(root) {
    if (!window.TomSelect || !root || !root.querySelectorAll) return;
    var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-searchable]"));
    if (root.matches && root.matches("select[data-searchable]")) selects.push(root);
    selects.forEach(function (select) {
      if (select.tomselect) return; // already initialised
      removeStaleWrapper(select);
      new window.TomSelect(select, settingsFor(select));
    });
  }

  document.addEventListener("DOMContentLoaded", function () { initSearchableSelects(document); });
  // htmx:load fires for the page body and for every element htmx swaps in.
  document.addEventListener("htmx:load", function (event) { initSearchableSelects(event.detail.elt); });
})();
