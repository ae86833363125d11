/* The meeting's contents start folded on a narrow screen (the breakpoint where site.css stacks them over the
 * minutes): open, a long committee's list filled a phone's whole first screen. Without JavaScript they stay open. */
(function () {
  "use strict";
  var fold = document.querySelector("details.toc-fold");
  if (fold && window.matchMedia("(max-width: 60rem)").matches) fold.open = false;
})();
