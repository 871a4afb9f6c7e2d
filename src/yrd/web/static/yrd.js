/* YRD Integration Monitor: copy a citation to the clipboard. Everything else works without script. */
(function () {
  "use strict";
  var toast = null;
  var timer = 0;

  function say(text) {
    toast = toast || document.getElementById("toast");
    if (!toast) return;
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(function () { toast.hidden = true; }, 2600);
  }

  // Older browsers and pages served over plain http (not localhost) have no async clipboard.
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return fallbackCopy(text); }
      );
    }
    return Promise.resolve(fallbackCopy(text));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var text = button.getAttribute("data-copy");
    var body = document.body;
    copy(text).then(function (ok) {
      if (ok) {
        button.classList.add("done");
        setTimeout(function () { button.classList.remove("done"); }, 1500);
        say(body.getAttribute("data-copied").replace("{}", text));
      } else {
        say(body.getAttribute("data-copy-failed").replace("{}", text));
      }
    });
  });
})();
