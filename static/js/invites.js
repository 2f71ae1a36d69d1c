// Download the ZIP of every invite with a progress bar (the CSP allows no inline script).
(function () {
  "use strict";
  var link = document.getElementById("zip-download");
  var box = document.getElementById("zip-progress");
  if (!link || !box || !window.fetch || !window.ReadableStream) {
    return; // the plain link still downloads the file
  }
  var bar = document.getElementById("zip-progress-bar");
  var text = document.getElementById("zip-progress-text");

  function filenameFrom(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) {
      return decodeURIComponent(star[1]);
    }
    var plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : "invites.zip";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    box.hidden = false;
    bar.removeAttribute("value");
    text.textContent = "";
    link.setAttribute("aria-disabled", "true");
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("the server answered " + response.status);
      }
      var total = parseInt(response.headers.get("Content-Length") || "0", 10);
      var reader = response.body.getReader();
      var chunks = [];
      var received = 0;
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) {
            return new Blob(chunks, { type: "application/zip" });
          }
          chunks.push(step.value);
          received += step.value.length;
          if (total) {
            bar.value = Math.round((received / total) * 100);
            text.textContent = Math.round(received / 1024) + " of " + Math.round(total / 1024) + " KiB";
          } else {
            text.textContent = Math.round(received / 1024) + " KiB";
          }
          return pump();
        });
      }
      return pump().then(function (blob) {
        bar.value = 100;
        text.textContent = "Done.";
        save(blob, filenameFrom(response));
      });
    }).catch(function (error) {
      text.textContent = "The download failed: " + error.message + ". Try the link again.";
    }).then(function () {
      link.removeAttribute("aria-disabled");
    });
  });
})();

// Copy a personal link: the link is plain text in the page (select it by hand
// without JS); with JS, a button beside it puts it on the clipboard.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.copy[data-copy]");
  var status = document.getElementById("copy-status");
  if (!buttons.length) {
    return;
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copied(button, ok) {
    var text = ok ? "Copied" : "Selected: press Ctrl+C (⌘C) to copy";
    if (status) {
      status.textContent = ok ? "Link copied to the clipboard." : text;
    }
    var label = button.firstChild;
    var before = label.nodeValue;
    label.nodeValue = text;
    setTimeout(function () { label.nodeValue = before; }, 2000);
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) {
      return;
    }
    var text = target.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { copied(button, true); },
        function () { selectText(target); copied(button, false); }
      );
      return;
    }
    // Plain http (no async clipboard): copy the selection the old way.
    selectText(target);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    copied(button, ok);
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
