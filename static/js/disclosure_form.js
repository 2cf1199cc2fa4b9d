// Progressive enhancement for the disclosure decision form. The form works
// fully without this file; it only moves keyboard focus to where the author
// needs to be next.
(function () {
  "use strict";
  var form = document.getElementById("decision-form");
  if (!form) {
    return;
  }
  var target =
    document.getElementById("error-summary") ||
    document.getElementById("quality-warnings") ||
    (form.dataset.focus && document.getElementById(form.dataset.focus));
  if (target) {
    target.focus();
  }
  // A link in the error summary or the warnings moves focus to its field
  // without adding "#id_…" to the address (the form's action has no fragment
  // either, so this is a nicety, not the fix).
  var links = form.querySelectorAll(
    "#error-summary a[href^='#'], #quality-warnings a[href^='#']"
  );
  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      field.focus();
    });
  });
})();
