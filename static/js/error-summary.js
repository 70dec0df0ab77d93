// The error summary (templates/includes/form_errors.html): focused when the page loads, so
// a screen reader reads it and the page scrolls to it; each link moves focus to its field.
(function () {
  "use strict";
  if (window.errorSummaryReady) {
    return;
  }
  window.errorSummaryReady = true;

  function focusField(event) {
    var link = event.target.closest("[data-error-field]");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("data-error-field"));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector('label[for="' + field.id + '"]');
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  function init() {
    var summaries = document.querySelectorAll("[data-error-summary]");
    summaries.forEach(function (summary) {
      summary.addEventListener("click", focusField);
    });
    if (summaries.length) {
      summaries[0].focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
