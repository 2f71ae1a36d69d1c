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
