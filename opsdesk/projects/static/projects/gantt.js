/* The project Gantt: frappe-gantt (vendored) over the server's schedule. A drag posts the task's new dates to
   projects:task_move; the server moves the dependents and answers the whole schedule, which is drawn again with the
   critical path (a class containing "-critical") recomputed. `#gantt[data-critical]` lists the critical task ids and
   `#gantt[data-busy]` is set while a move is in flight (the browser test waits on both). */
(function () {
  "use strict";
  var element = document.getElementById("gantt");
  if (!element || typeof Gantt === "undefined") { return; }
  var tasks = JSON.parse(document.getElementById("gantt-tasks").textContent);
  var critical = JSON.parse(document.getElementById("gantt-critical").textContent);
  var canChange = element.dataset.canChange === "1";
  var token = document.querySelector("meta[name=csrf-token]").content;
  var status = document.getElementById("gantt-status");

  function day(date) {
    var month = String(date.getMonth() + 1).padStart(2, "0");
    var dayOfMonth = String(date.getDate()).padStart(2, "0");
    return date.getFullYear() + "-" + month + "-" + dayOfMonth;
  }

  function mark(ids) {
    element.dataset.critical = ids.join(",");
  }

  // frappe-gantt reports every day the bar crosses while it is dragged, not only the drop. Moves are sent one at a
  // time and only the latest position waits: an earlier answer arriving last can never redraw a stale schedule.
  var queued = null;
  var sending = false;

  function move(task, start, end) {
    queued = {task: task, start: start, end: end};
    element.dataset.busy = "1";
    if (!sending) { send(); }
  }

  function send() {
    if (!queued) {
      sending = false;
      delete element.dataset.busy;
      return;
    }
    var job = queued;
    queued = null;
    sending = true;
    var body = new FormData();
    body.append("start_date", day(job.start));
    body.append("finish_date", day(job.end));
    fetch(element.dataset.moveUrl.replace("/0/", "/" + job.task.id + "/"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token, "X-Requested-With": "fetch", "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (answer) {
      if (queued) { return; }  // a later position is on its way: its answer draws the page
      if (!answer.ok) {
        status.textContent = JSON.stringify(answer.data.errors || answer.data);
        gantt.refresh(tasks);
        return;
      }
      tasks = answer.data.tasks;
      gantt.refresh(tasks);
      mark(answer.data.critical.map(String));
      document.getElementById("gantt-finish").textContent = answer.data.finish || "—";
      document.getElementById("gantt-slippage").textContent =
        answer.data.slippage === null ? "—" : String(answer.data.slippage);
      status.textContent = (answer.data.moved || []).length + " ✓";
    }).catch(function (error) {
      status.textContent = String(error);
    }).finally(send);
  }

  var gantt = new Gantt("#gantt", tasks, {
    view_mode: "Day",
    language: (document.documentElement.lang || "zh").slice(0, 2),
    today_button: (document.documentElement.lang || "").slice(0, 2) === "en",  // its label is English only
    move_dependencies: false,
    readonly: !canChange,
    readonly_progress: true,
    popup_on: "hover",
    scroll_to: "start",
    on_date_change: move
  });
  mark(critical.map(String));
  window.opsdeskGantt = gantt;
})();
