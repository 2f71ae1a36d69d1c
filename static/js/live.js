// The chair's live view: polls the state every two seconds and redraws it, so
// a second screen follows without reloading; the speaker's and the block's
// countdowns tick in between (static/js/follow.js). Every button works
// without this script.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.fetch) { return; }
  var POLL_MS = 2000;
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var F = window.silkmeetFollow;
  var amber = Number(root.getAttribute("data-amber"));
  var panels = {};
  if (F) { F.setServerNow(Number(root.getAttribute("data-now"))); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // The page's words (data-msg-* on the root, translated by the template).
  function word(name, values) { return F ? F.words(name, values, root) : ""; }

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }

  function renderCurrent(panel, state) {
    panel.replaceChildren(el("h2", null, word("now")));
    panel.className = "panel current" + (state.wrap_up ? " wrap-up" : "") +
      (state.overrunning_item ? " overrun" : "");
    var item = state.current;
    if (!item) {
      panel.appendChild(el("p", "panel-title",
        state.phase !== "finished" ? word("not-started") :
          state.rehearsal ? word("rehearsal-over") : word("over")));
      return;
    }
    panel.appendChild(el("p", "panel-cue", word("cue-planned", { cue: item.cue, duration: item.duration })));
    panel.appendChild(el("p", "panel-title", item.title));
    item.speakers.forEach(function (name) { panel.appendChild(el("p", "panel-name", name)); });
    var left = el("p", "time-left");
    var value = el("span", null, state.time_left);
    value.setAttribute("data-field", "time_left");
    left.appendChild(value);
    left.appendChild(document.createTextNode(" "));
    left.appendChild(el("small", null, word("left")));
    panel.appendChild(left);
    if (state.overrunning_item) {
      panel.appendChild(el("p", "warning", word("over-time")));
    } else if (state.wrap_up) {
      panel.appendChild(el("p", "warning", word("wrap-up")));
    }
    panel.appendChild(el("p", "panel-hand", word("handover", { handover: item.handover })));
  }

  function renderNext(panel, state) {
    panel.replaceChildren(el("h2", null, word("next")));
    var item = state.next;
    if (!item) { panel.appendChild(el("p", "panel-title", word("nothing-after"))); return; }
    panel.appendChild(el("p", "panel-cue", word("cue", { cue: item.cue, duration: item.duration })));
    panel.appendChild(el("p", "panel-title", item.title));
    item.speakers.forEach(function (name, i) {
      panel.appendChild(el("p", "panel-name", name));
      if (item.credentials[i]) { panel.appendChild(el("p", "panel-cred", item.credentials[i])); }
      if (item.pronunciation[i]) { panel.appendChild(el("p", "panel-say", word("say", { pronunciation: item.pronunciation[i] }))); }
    });
    if (item.technical) { panel.appendChild(el("p", "panel-tech", "▶ " + item.technical)); }
  }

  function renderAction(state) {
    var form = root.querySelector("form[data-live-step]");
    var holder = root.querySelector(".live-actions");
    if (!state.current && !(state.next && state.can_start)) {
      if (form) { form.remove(); }
      return;
    }
    if (!form) {
      form = el("form");
      form.method = "post";
      form.setAttribute("data-live-action", "");
      form.setAttribute("data-live-step", "");
      var token = el("input"); token.type = "hidden"; token.name = "csrf_token";
      token.value = csrf ? csrf.content : "";
      var item = el("input"); item.type = "hidden"; item.name = "item_id";
      form.appendChild(token); form.appendChild(item);
      form.appendChild(el("button", "primary big"));
      form.querySelector("button").type = "submit";
      holder.insertBefore(form, holder.firstChild);
    }
    var button = form.querySelector("button");
    if (state.current) {
      form.action = root.getAttribute("data-next-url");
      form.querySelector('[name="item_id"]').value = state.current.id;
      button.textContent = state.next ? word("next-cue", { cue: state.next.cue }) : word("end-last");
    } else {
      form.action = root.getAttribute("data-start-url");
      form.querySelector('[name="item_id"]').value = state.next.id;
      button.textContent = word("start-cue", { cue: state.next.cue });
    }
  }

  function renderProjection(state) {
    var table = root.querySelector("table.projection");
    if (!table) { return; }
    var chair = table.getAttribute("data-chair-column") === "1";
    var body = table.querySelector("tbody");
    body.replaceChildren();
    state.projected.forEach(function (p) {
      var tr = el("tr", "slip-" + p.status);
      var cells = [p.cue, p.title, p.planned, null];
      cells.forEach(function (text) {
        if (text === null) {
          var td = el("td"); td.appendChild(el("strong", null, p.projected)); tr.appendChild(td);
        } else { tr.appendChild(el("td", null, text)); }
      });
      if (chair) { tr.appendChild(el("td", null, p.projected_chair)); }
      tr.appendChild(el("td", null, p.slip));
      body.appendChild(tr);
    });
  }

  function render(state) {
    // A rehearsal started or cleared (here or on another screen): the page
    // around the run changes, so load it again.
    if ((state.rehearsal ? "1" : "") !== root.getAttribute("data-rehearsal")) {
      window.location.reload();
      return;
    }
    state.clocks.forEach(function (clock, i) {
      var node = root.querySelector('[data-clock="' + i + '"]');
      if (node) { node.textContent = clock.time; }
    });
    var words = field("words");
    words.textContent = state.words;
    words.className = "status status-" + state.status;
    var end = field("projected_end");
    if (end) { end.textContent = state.projected_end || "—"; }
    renderCurrent(root.querySelector('[data-panel="current"]'), state);
    renderNext(root.querySelector('[data-panel="next"]'), state);
    renderAction(state);
    renderProjection(state);
    renderPanels(state);
    root.setAttribute("data-version", state.version);
    if (F) { F.setServerNow(state.now_ms); F.tick(root, amber); }
  }

  // The speaker, block and message panels come rendered by the server; one
  // the chair is typing in is left alone.
  function renderPanels(state) {
    Object.keys(state.html || {}).forEach(function (name) {
      var panel = root.querySelector('[data-html="' + name + '"]');
      if (!panel || panels[name] === state.html[name]) { return; }
      if (panel.contains(document.activeElement) && document.activeElement.tagName === "INPUT") { return; }
      panel.innerHTML = state.html[name];
      panels[name] = state.html[name];
    });
  }

  function say(message) {
    var box = field("message");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function poll() {
    fetch(root.getAttribute("data-state-url"), {
      headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (state) {
      // A poll sent before a press that has answered since is older than
      // what the page shows: drawing it would bring back a button for an
      // item that is over (and a press on it would be refused).
      var shown = Number(root.getAttribute("data-version"));
      if (state && state.version >= shown) { render(state); }
    }).catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function submit(event) {
    var form = event.target.closest("form[data-live-action]");
    if (!form) { return; }
    event.preventDefault();
    var button = event.submitter || form.querySelector("button");
    var body = new FormData(form, event.submitter || undefined);
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      // The panel the chair typed in is redrawn with what they sent.
      if (form.contains(document.activeElement)) { document.activeElement.blur(); }
      if (data.state) { render(data.state); }
      // A refused press (out of date, or not naming its item) says why.
      say(data.category === "success" ? "" : data.message);
    }).catch(function () {
      // Without the script's request, the form posts itself, with the button
      // that was pressed (a preset's message, say).
      if (event.submitter && event.submitter.name) {
        var pressed = el("input");
        pressed.type = "hidden";
        pressed.name = event.submitter.name;
        pressed.value = event.submitter.value;
        form.appendChild(pressed);
      }
      form.submit();
    }).finally(function () {
      button.disabled = false;
    });
  }

  root.addEventListener("submit", submit);
  window.setInterval(poll, POLL_MS);
  if (F) { window.setInterval(function () { F.tick(root, amber); }, 250); }
})();
