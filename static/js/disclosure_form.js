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
})();
