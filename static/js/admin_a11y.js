// Django's filter_horizontal box (admin/js/SelectFilter2.js, built on the window's load
// event) names its magnifier icon with aria-label on a plain <span>, which ARIA does not
// allow (axe: "aria-prohibited-attr"). As an image the icon may carry its name. This
// listener is added after SelectFilter2's, so it runs once the boxes exist.
"use strict";
window.addEventListener("load", () => {
  for (const icon of document.querySelectorAll(".search-label-icon[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
});
