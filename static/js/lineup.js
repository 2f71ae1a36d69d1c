// Lineup editor: drag and drop, arrow keys on the handles, and the move buttons
// without a page reload. Every change is sent to the server with the lineup
// version; the answer (JSON) carries the new rows, times and warnings.
// Without JavaScript the same buttons post plain forms.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var table = document.getElementById("lineup");
  if (!table) return;
  var status = document.getElementById("lineup-status");
  var errorBox = document.getElementById("lineup-error");
  var warnings = document.getElementById("lineup-warnings");
  var undoForm = document.getElementById("undo-form");
  var undoWhat = document.getElementById("undo-what");
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var busy = false;

  // The page's words (data-msg-* on the table, translated by the template),
  // with {placeholders} filled in.
  function say(name, values) {
    var text = table.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function announce(text) {
    // Clear first so that the same sentence twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // One place says what went wrong (an alert, so it is announced too); the
  // status line stays for what was done.
  function showError(text) {
    errorBox.textContent = "";
    errorBox.hidden = !text;
    if (text) window.setTimeout(function () { errorBox.textContent = text; }, 50);
  }

  // The Undo button offers what the server says can be undone, or nothing.
  function showUndo(what) {
    if (!undoForm) return;
    undoWhat.textContent = what || "";
    undoForm.hidden = !what;
  }

  function units() {
    return Array.prototype.slice.call(table.tBodies);
  }

  function currentOrder() {
    var ids = [];
    table.querySelectorAll("tr[data-item-id]").forEach(function (row) {
      ids.push(Number(row.dataset.itemId));
    });
    return ids;
  }

  function render(body, focusUnit) {
    table.dataset.version = body.version;
    units().forEach(function (tbody) { tbody.remove(); });
    table.insertAdjacentHTML("beforeend", body.rows_html);
    warnings.innerHTML = body.warnings_html;
    document.querySelectorAll('input[name="lineup_version"]').forEach(function (input) {
      input.value = body.version;
    });
    if (focusUnit) {
      var handle = table.querySelector('tbody[data-unit-id="' + focusUnit + '"] .handle') ||
        table.querySelector('tr[data-item-id="' + focusUnit + '"] .handle');
      if (handle) handle.focus();
    }
  }

  function send(url, payload, focusUnit) {
    if (busy) return Promise.resolve();
    busy = true;
    table.setAttribute("aria-busy", "true");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": token
      },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (body) {
        if (body.rows_html !== undefined) render(body, focusUnit);
        showUndo(body.undo);
        if (!response.ok) {
          status.textContent = "";
          showError(body.error || say("not-saved"));
          return;
        }
        showError("");
        announce(body.message || say("saved"));
      });
    }).catch(function () {
      status.textContent = "";
      showUndo(null);
      showError(say("no-answer"));
    }).finally(function () {
      busy = false;
      table.removeAttribute("aria-busy");
    });
  }

  function saveOrder(order, message, focusUnit) {
    return send(table.dataset.orderUrl, {
      order: order,
      lineup_version: Number(table.dataset.version),
      message: message
    }, focusUnit);
  }

  // Move buttons: same endpoint as the plain form, answered in JSON.
  table.addEventListener("submit", function (event) {
    var form = event.target.closest("form.move-form");
    if (!form) return;
    event.preventDefault();
    var button = event.submitter;
    var data = {
      item_id: form.elements.item_id.value,
      lineup_version: Number(table.dataset.version),
      action: button ? button.value : "to",
      position: form.elements.position.value
    };
    var unit = form.closest("tbody").dataset.unitId;
    send(table.dataset.moveUrl, data, data.action.indexOf("block") === 0 ? unit : null)
      .then(function () {
        var again = table.querySelector('tr[data-item-id="' + data.item_id + '"] button[value="' + data.action + '"]');
        if (again) again.focus();
      });
  });

  // Arrow keys on a handle move its unit by one, like "Block up/down".
  table.addEventListener("keydown", function (event) {
    var handle = event.target.closest(".handle");
    if (!handle || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    var tbody = handle.closest("tbody");
    send(table.dataset.moveUrl, {
      item_id: tbody.dataset.unitId,
      lineup_version: Number(table.dataset.version),
      action: event.key === "ArrowUp" ? "block_up" : "block_down"
    }, tbody.dataset.unitId);
  });

  // Drag and drop of whole units (one <tbody> each). Pinned units do not move.
  var dragged = null;
  var before = null;

  function enableDrag() {
    units().forEach(function (tbody) {
      tbody.draggable = tbody.dataset.pinned !== "true";
    });
  }
  enableDrag();
  new MutationObserver(enableDrag).observe(table, { childList: true });

  table.addEventListener("dragstart", function (event) {
    var tbody = event.target.closest && event.target.closest("tbody");
    if (!tbody || !tbody.draggable) return;
    dragged = tbody;
    before = currentOrder();
    tbody.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", tbody.dataset.unitId);
  });

  table.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var target = event.target.closest && event.target.closest("tbody");
    if (!target || target === dragged || target.dataset.pinned === "true") return;
    event.preventDefault();
    var box = target.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    table.insertBefore(dragged, after ? target.nextSibling : target);
  });

  table.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  table.addEventListener("dragend", function () {
    if (!dragged) return;
    var unit = dragged;
    dragged = null;
    unit.classList.remove("dragging");
    var order = currentOrder();
    if (order.join() === before.join()) return;
    var position = order.indexOf(Number(unit.dataset.unitId)) + 1;
    saveOrder(order, say("moved", { what: unit.dataset.label, position: position,
      count: order.length }), unit.dataset.unitId);
  });
})();
