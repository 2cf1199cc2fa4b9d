// Progressive enhancement for the disclosure decision form. The form works
// fully without this file (every field shows, each saying when it is needed);
// here the fields shown follow the decision and the consent position, and
// focus goes where the author needs to be next. Nothing typed is ever hidden:
// a part holding text, a choice or an error stays shown whatever is chosen.
(function () {
  "use strict";
  var form = document.getElementById("decision-form");
  if (!form) {
    return;
  }

  function chosen(name) {
    var box = form.querySelector("input[name='" + name + "']:checked");
    return box ? box.value : "";
  }

  function holdsInput(part) {
    var fields = part.querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "hidden" || f.type === "checkbox" || f.type === "radio") {
        continue;
      }
      if (f.value && !(f.tagName === "SELECT" && f.selectedIndex === 0)) {
        return true;
      }
    }
    return part.querySelector(".is-invalid, .invalid-feedback") !== null;
  }

  function matches(part, attr, value) {
    var wanted = part.getAttribute(attr);
    return wanted === null || wanted.split(" ").indexOf(value) !== -1;
  }

  function update() {
    var decision = chosen("decision");
    var consent = chosen("consent_position");
    var parts = form.querySelectorAll("[data-when-decision], [data-when-consent]");
    Array.prototype.forEach.call(parts, function (part) {
      var show =
        matches(part, "data-when-decision", decision) &&
        matches(part, "data-when-consent", consent);
      part.hidden = !show && !holdsInput(part);
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-closed-when-decision]"), function (d) {
      if (d.getAttribute("data-closed-when-decision") === decision) {
        if (!holdsInput(d)) {
          d.open = false;
        }
      } else {
        d.open = true;
      }
    });
    // A fieldset whose every part is hidden is hidden with them.
    var consentSet = document.getElementById("consent-details");
    if (consentSet) {
      var visible = consentSet.querySelectorAll("[data-when-consent]:not([hidden])");
      consentSet.hidden = visible.length === 0;
    }
  }

  // "Someone already known to this incident": choosing one fills the row's
  // boxes from the option's data-* attributes (the author can still edit
  // them). Without this script the server fills the boxes left empty.
  function fillRow(select) {
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) {
      return;
    }
    var prefix = select.id.replace(/known$/, "");
    ["name", "role", "organisation", "category"].forEach(function (field) {
      var box = document.getElementById(prefix + field);
      var value = option.getAttribute("data-" + field);
      if (box && value !== null) {
        box.value = value;
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "decision" || event.target.name === "consent_position") {
      update();
    } else if (/^recipients-\d+-known$/.test(event.target.name)) {
      fillRow(event.target);
    }
  });
  update();

  var target =
    document.getElementById("error-summary") ||
    document.getElementById("quality-warnings") ||
    (form.dataset.focus && document.getElementById(form.dataset.focus));
  if (target) {
    target.focus();
  }
})();
