// Body map page, progressively enhanced: clicking a region of the picture
// chooses it in the "Part of the body" list, which stays the way to choose by
// keyboard and screen reader (the picture is hidden from assistive technology).
(function () {
  "use strict";
  var select = document.getElementById("id_location");
  if (!select) {
    return;
  }
  var regions = document.querySelectorAll(".bm-region");
  function show() {
    regions.forEach(function (r) {
      r.classList.toggle("bm-chosen", r.getAttribute("data-region") === select.value);
    });
  }
  regions.forEach(function (r) {
    r.addEventListener("click", function () {
      select.value = r.getAttribute("data-region");
      select.dispatchEvent(new Event("change", { bubbles: true }));
      select.focus();
    });
  });
  select.addEventListener("change", show);
  show();
})();
