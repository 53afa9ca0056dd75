// Long pages fold their long parts into <details>. When the address points inside a closed one
// (a notification's link to #comment-12, a redirect to #amendment-3 after posting), open every
// <details> around the target and bring it into view. Chromium opens them by itself; not every
// browser does. Without JavaScript the sections stay outside <details>, so jump links still land.
(function () {
  "use strict";
  function reveal() {
    var id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return; // a malformed address: nothing to open
    }
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    var opened = false;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
        opened = true;
      }
    }
    if (opened) target.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
