// The stage screen follows the chair's live view: a poll every second (304
// while nothing was recorded), countdowns and the next speakers' minutes
// worked out four times a second from the state's samples.
(function () {
  "use strict";
  var root = document.getElementById("stage");
  var F = window.silkmeetFollow;
  if (!root || !window.fetch || !F) { return; }
  var amber = Number(root.getAttribute("data-amber"));
  var state = null;
  F.setServerNow(Number(root.getAttribute("data-now")));

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }

  function text(name, value) {
    var node = field(name);
    if (node) { node.textContent = value || ""; }
  }

  function draw(s) {
    state = s;
    field("rehearsal").hidden = !s.rehearsal;
    var message = field("message");
    message.textContent = s.message;
    message.hidden = !s.message;
    var current = s.current;
    field("now").hidden = !current;
    field("idle").hidden = !!current;
    if (current) {
      text("name", current.name);
      text("latin", current.latin);
      text("country", current.country);
      field("countdown").setAttribute("data-deadline", current.deadline);
    } else {
      // The words: data-msg-* on the idle line, translated by the template.
      var idle = field("idle");
      text("idle", idle.getAttribute("data-msg-" + (s.phase === "before" ? "before"
        : s.phase === "finished" ? "finished" : "between")));
    }
    var block = s.block;
    field("block").hidden = !block;
    if (block) {
      text("block-label", block.label);
      var left = field("block-left");
      if (block.deadline) {
        left.setAttribute("data-deadline", block.deadline);
      } else {
        left.removeAttribute("data-deadline");
        left.textContent = F.clock(block.left);
      }
    }
    var items = field("next").querySelectorAll("li");
    items.forEach(function (li, n) {
      var turn = s.next[n];
      li.hidden = !turn;
      if (!turn) { return; }
      ["name", "latin", "country"].forEach(function (part) {
        li.querySelector('[data-part="' + part + '"]').textContent = turn[part];
      });
    });
    tick();
  }

  function tick() {
    F.tick(root, amber);
    if (!state) { return; }
    var t = F.now();
    field("next").querySelectorAll("li").forEach(function (li, n) {
      var turn = state.next[n];
      if (!turn) { return; }
      var limit = F.at(state.samples, turn.limit, t);
      var minutes = li.querySelector('[data-part="minutes"]');
      minutes.textContent = F.clock(limit);
      minutes.classList.toggle("cut", limit < turn.planned - 0.5);
      li.querySelector('[data-part="at"]').textContent =
        F.hhmm(F.at(state.samples, turn.start, t), turn.offset) + " " + turn.zone;
    });
  }

  F.poll(root.getAttribute("data-state-url"), 1000, draw);
  window.setInterval(tick, 250);
})();
