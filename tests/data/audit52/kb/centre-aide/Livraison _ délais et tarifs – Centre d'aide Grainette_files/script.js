document.addEventListener('DOMContentLoaded', function() {
  // Key map
  var ENTER = 13; var ESCAPE = 27;
  function toggleNavigation(toggle, menu) {
    var isExpanded = menu.getAttribute("aria-expanded") === "true";
    menu.setAttribute("aria-expanded", !isExpanded);
    toggle.setAttribute("aria-expanded", !isExpanded);
  }
  document.querySelectorAll(".collapsible-sidebar-toggle").forEach(function(t) {
    t.addEventListener("click", function() { toggleNavigation(t, t.parentElement); });
  });
});
