/* The national view's map: the fixed stops joined in date order, and the proposal as a
   dashed route. The list under the map says the same without JavaScript. */
(function () {
  "use strict";
  var dataElement = document.getElementById("itinerary-data");
  var element = document.getElementById("itinerary-map");
  if (!dataElement || !element) { return; }
  var data = JSON.parse(dataElement.textContent);
  if (typeof window.L === "undefined") {
    element.textContent = element.getAttribute("data-unavailable") || "";
    return;
  }
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  function known(points) { return points.filter(function (p) { return p && p[0] > 0; }); }
  var fixed = known(data.fixed);
  var proposed = known(data.proposed);
  var bounds = [];
  if (proposed.length > 1) {
    L.polyline(proposed, { color: "#000091", weight: 3, dashArray: "8 6", className: "route-proposed" }).addTo(map);
    bounds = proposed;
  }
  if (fixed.length > 1) {
    L.polyline(fixed, { color: "#ce0500", weight: 3, className: "route-fixed" }).addTo(map);
    if (!bounds.length) { bounds = fixed; }
  }
  (proposed.length ? proposed : fixed).forEach(function (p) {
    L.circleMarker(p, { radius: 5, color: "#000091" }).addTo(map);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([46.6, 2.4], 5); }
})();
