/* Drag a card onto another column: the same HTMX post as the card's buttons (the board is swapped in again). */
document.addEventListener("dragstart", function (event) {
  var card = event.target.closest && event.target.closest(".kanban-card");
  if (card) { event.dataTransfer.setData("text/plain", card.dataset.moveUrl); }
});
document.addEventListener("dragover", function (event) {
  if (event.target.closest && event.target.closest(".kanban-column")) { event.preventDefault(); }
});
document.addEventListener("drop", function (event) {
  var column = event.target.closest && event.target.closest(".kanban-column");
  var url = event.dataTransfer.getData("text/plain");
  if (!column || !url) { return; }
  event.preventDefault();
  htmx.ajax("POST", url, {target: "#kanban-board", swap: "outerHTML", values: {status: column.dataset.column}});
});
