// Small behaviours over the DSFR's own script: the error summary takes the focus, the copy
// buttons copy, and the destructive buttons open their confirmation modal instead of posting.
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function enableCopyButtons() {
    if (!navigator.clipboard) {
      return;
    }
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      var status = document.querySelector('[data-copy-status="' + button.getAttribute("data-copy") + '"]');
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          if (status) {
            status.textContent = button.getAttribute("data-copied");
          }
        }, function () {
          input.select();
        });
      });
    });
  }

  // Without this script the trigger submits its form, and the server asks for confirmation.
  function openConfirmationsInModals() {
    document.querySelectorAll("[data-confirm-dialog]").forEach(function (button) {
      button.type = "button";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    openConfirmationsInModals();
    enableCopyButtons();
    focusErrorSummary();
  });
})();
