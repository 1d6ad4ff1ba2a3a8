// The progress page of a document being rendered: asks the same address for the progress as
// JSON every few seconds and updates the bar in place (no reload, so a screen reader keeps
// its place); once the document is there the answer is the PDF, and the page opens it.
// Without JavaScript, the page's <noscript> meta refresh does the same by reloading.
(function () {
  "use strict";
  var root = document.querySelector("[data-document-progress]");
  if (!root) return;
  var bar = root.querySelector("progress");
  var status = root.querySelector("[data-progress-text]");
  var every = 1000 * (parseInt(root.getAttribute("data-refresh"), 10) || 2);

  function ask() {
    fetch(window.location.href, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          window.location.reload();
          return null;
        }
        return response.json();
      })
      .then(function (progress) {
        if (!progress) return;
        if (progress.percent !== null) {
          bar.value = progress.percent;
          bar.textContent = progress.percent + " %";
        }
        status.textContent = progress.text;
        window.setTimeout(ask, every);
      })
      .catch(function () { window.setTimeout(ask, every * 2); });
  }
  window.setTimeout(ask, every);
})();
