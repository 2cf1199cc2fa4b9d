// The one form pattern, progressively enhanced (every page loads this; forms
// work fully without it).
// 1. After a failed submit, focus moves to the error summary, and the address
//    loses any "#id_…" left by an earlier error link, so the next submit (to
//    the page's own address) does not land past the new summary.
// 2. An error link moves focus to its field (opening a collapsed section, or
//    showing one hidden by the decision form) without adding a #fragment.
// 3. A list of checkboxes marked data-filter gets a text box that filters it.
// 4. Enter in a search box inside a bigger form (data-enter-clicks="<button
//    id>": "Find an adult by name") presses that search's own button; without
//    JavaScript Enter presses the form's main button, as everywhere.
(function () {
  "use strict";

  function reveal(field) {
    var el = field;
    while (el && el !== document.body) {
      if (el.tagName === "DETAILS") {
        el.open = true;
      }
      if (el.hidden) {
        el.hidden = false;
      }
      el = el.parentElement;
    }
  }

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    if (window.location.hash) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest
      ? event.target.closest("[data-error-summary] a[href^='#'], #quality-warnings a[href^='#']")
      : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    reveal(field);
    field.focus();
    if (field.scrollIntoView) {
      field.scrollIntoView({ block: "center" });
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-filter]"), function (list) {
    var id = list.id + "-filter";
    var wrap = document.createElement("div");
    wrap.className = "mb-2 choice-filter";
    var label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = id;
    label.textContent = list.getAttribute("data-filter");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "form-control";
    input.setAttribute("aria-controls", list.id);
    var status = document.createElement("p");
    status.className = "form-text mb-0";
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    list.parentNode.insertBefore(wrap, list);
    var items = list.querySelectorAll(".form-check");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim();
      var shown = 0;
      Array.prototype.forEach.call(items, function (item) {
        var box = item.querySelector("input");
        var match = !words || item.textContent.toLowerCase().indexOf(words) !== -1;
        // A ticked person never disappears: the choice stays visible.
        item.hidden = !(match || (box && box.checked));
        shown += item.hidden ? 0 : 1;
      });
      status.textContent = words ? shown + " of " + items.length + " shown" : "";
    });
    // Enter in the filter must not submit the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-enter-clicks]"), function (input) {
    input.addEventListener("keydown", function (event) {
      var button = document.getElementById(input.getAttribute("data-enter-clicks"));
      if (event.key === "Enter" && button) {
        event.preventDefault();
        button.click();
      }
    });
  });
})();
