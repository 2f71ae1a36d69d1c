// A speaker's page follows the chair's live view: how many speakers are before
// them and when they are now expected, worked out from the state's samples.
(function () {
  "use strict";
  var root = document.getElementById("live-turn");
  var F = window.silkmeetFollow;
  if (!root || !window.fetch || !F) { return; }
  var state = null;
  var amber = Number(root.getAttribute("data-amber"));
  F.setServerNow(Number(root.getAttribute("data-now")));

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }

  function draw(s) {
    state = s;
    root.querySelectorAll("[data-show]").forEach(function (node) {
      node.hidden = node.getAttribute("data-show").split(" ").indexOf(s.show) < 0;
    });
    if (s.status === "speaking") {
      root.querySelector("[data-deadline]").setAttribute("data-deadline", s.deadline);
    }
    if (s.status === "waiting") {
      field("before").textContent = s.before;
      field("speakers").textContent = s.before === 1 ? "speaker" : "speakers";
    }
    tick();
  }

  function tick() {
    F.tick(root, amber);
    if (!state || (state.status !== "next" && state.status !== "waiting")) { return; }
    var t = F.now();
    var start = F.at(state.samples, state.start, t);
    field("at").textContent = F.hhmm(start, state.offset);
    field("zone").textContent = state.zone;
    field("slip").textContent = F.slipWords((start - state.planned_start) / 1000, state.on_time);
    var limit = F.at(state.samples, state.limit, t);
    field("minutes").textContent = F.clock(limit);
    field("planned").textContent = F.clock(state.planned);
    field("cut").hidden = limit >= state.planned - 0.5;
  }

  F.poll(root.getAttribute("data-state-url"), 2000, draw);
  window.setInterval(tick, 500);
})();
