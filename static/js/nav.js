// Header menus (<details class="nav-menu">) work without this file; it only adds
// what people expect of a menu: Escape closes it (focus back on its button), and
// opening one, or clicking or tabbing elsewhere, closes the others.
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.nav-menu"));
  if (!menus.length) return;
  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) closeAll(menu);
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("details.nav-menu")) closeAll(null);
  });
  document.addEventListener("focusin", function (event) {
    if (!event.target.closest("details.nav-menu")) closeAll(null);
  });
})();
