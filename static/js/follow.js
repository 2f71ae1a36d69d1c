// Shared by the chair's live view, the stage screen and a speaker's page: the
// server's clock, countdowns that tick between polls, values the server
// sampled at a few instants, and a poll that names the state it has (an
// unchanged state costs a 304). Wording and rules stay on the server: this
// file only reads clocks, interpolates, formats numbers and fills in the
// words the page gives it (data-msg-*, translated by the template).
(function () {
  "use strict";
  var offset = 0; // the server's clock minus this browser's, in ms

  function now() { return Date.now() + offset; }

  function setServerNow(ms) {
    if (ms) { offset = ms - Date.now(); }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // A countdown, as domain/runofshow.py format_clock: 4:05, -0:30.
  function clock(seconds) {
    var s = Math.trunc(seconds);
    var sign = s < 0 ? "-" : "";
    s = Math.abs(s);
    return sign + Math.floor(s / 60) + ":" + pad(s % 60);
  }

  // As domain/timekeeping.py countdown_status.
  function status(seconds, amber) {
    if (seconds < 0) { return "over"; }
    return seconds <= amber ? "amber" : "ok";
  }

  // As domain/timekeeping.py at(): constant before the first sample, linear
  // between two, along the last slope after the last.
  function at(samples, values, t) {
    if (t <= samples[0] || samples.length === 1) { return values[0]; }
    for (var i = 1; i < samples.length; i++) {
      if (t <= samples[i] || i === samples.length - 1) {
        var x0 = samples[i - 1], x1 = samples[i];
        return values[i - 1] + (values[i] - values[i - 1]) * (t - x0) / (x1 - x0);
      }
    }
    return values[values.length - 1];
  }

  // HH:MM of an instant (ms) at a UTC offset (minutes) the server gave.
  function hhmm(ms, offsetMinutes) {
    var d = new Date(ms + offsetMinutes * 60000);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }

  // The page's words (data-msg-<name> on node, or on <body>; translated by the
  // template), with {placeholders} filled from values.
  function words(name, values, node) {
    var holder = node || document.body;
    var text = holder.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function minutesWords(seconds) {
    var minutes = Math.round(Math.abs(seconds) / 60);
    if (minutes === 0) { return words("less-than-a-minute"); }
    if (minutes < 60) { return words("minutes", { minutes: minutes }); }
    return words("hours-minutes", { hours: Math.floor(minutes / 60), minutes: pad(minutes % 60) });
  }

  // As domain/runofshow.py slip_words, with its threshold from the server
  // (the words: templates/_macros/follow.html, on <body>).
  function slipWords(seconds, onTime) {
    if (Math.abs(seconds) <= onTime) { return words("as-planned"); }
    return words(seconds > 0 ? "later" : "earlier", { time: minutesWords(seconds) });
  }

  // Every [data-deadline] under root counts down to its instant (ms).
  function tick(root, amber) {
    root.querySelectorAll("[data-deadline]").forEach(function (node) {
      var deadline = node.getAttribute("data-deadline");
      if (!deadline) { return; }
      var left = (Number(deadline) - now()) / 1000;
      node.textContent = clock(left);
      node.classList.remove("countdown-ok", "countdown-amber", "countdown-over");
      node.classList.add("countdown-" + status(left, amber));
    });
  }

  // Poll url every `every` ms (or what the state asks), sending the last ETag.
  function poll(url, every, onState) {
    var tag = null;
    function once() {
      var headers = { "Accept": "application/json" };
      if (tag) { headers["If-None-Match"] = tag; }
      fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          setServerNow(Number(response.headers.get("X-Live-Now")));
          if (response.status === 304 || !response.ok) { return null; }
          tag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (state) {
          if (state) {
            if (state.poll) { every = state.poll; }
            onState(state);
          }
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ })
        .finally(function () { window.setTimeout(once, every); });
    }
    once();
  }

  window.silkmeetFollow = {
    now: now, setServerNow: setServerNow, clock: clock, status: status, at: at,
    hhmm: hhmm, slipWords: slipWords, tick: tick, poll: poll, words: words
  };
})();
