// Copy buttons (data-copy-target: the id of the field to copy; data-copy-status: the id of an
// aria-live element with data-copied and data-selected texts). Buttons stay hidden without
// JavaScript. Where the Clipboard API is missing or refused (plain http, an old browser), the
// address is selected so the person can copy it with the keyboard.
(function () {
  "use strict";

  function say(status, key) {
    if (!status) {
      return;
    }
    status.textContent = "";
    // A new text each time, so a screen reader announces a second copy too.
    window.setTimeout(function () {
      status.textContent = status.getAttribute("data-" + key) || "";
    }, 50);
  }

  function fallback(field, status) {
    field.focus();
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    say(status, copied ? "copied" : "selected");
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () {
          say(status, "copied");
        },
        function () {
          fallback(field, status);
        }
      );
    } else {
      fallback(field, status);
    }
  }

  function init() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
