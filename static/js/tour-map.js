/* The tour map: stops and territories still to visit, with an inset for overseas territories.
   Markers are vector circles, so they stay visible and clickable when tiles cannot load. */
(function () {
  "use strict";
  var dataElement = document.getElementById("map-data");
  var mainElement = document.getElementById("tour-map");
  var insetElement = document.getElementById("mayotte-map");
  if (!dataElement || !mainElement) { return; }
  var data = JSON.parse(dataElement.textContent);

  if (typeof window.L === "undefined") {
    mainElement.classList.add("map-unavailable");
    mainElement.textContent = mainElement.getAttribute("data-unavailable") || "";
    if (insetElement) { insetElement.hidden = true; }
    return;
  }

  var attribution = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';

  function baseMap(element, options) {
    var map = L.map(element, options);
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18,
      attribution: attribution
    }).addTo(map);
    return map;
  }

  function link(item, extra) {
    var a = document.createElement("a");
    a.href = item.url;
    a.textContent = item.label;
    var box = document.createElement("div");
    box.appendChild(a);
    if (extra) {
      var p = document.createElement("div");
      p.textContent = extra;
      box.appendChild(p);
    }
    return box;
  }

  function addMarkers(map, items, style, withWhen) {
    items.forEach(function (item) {
      var marker = L.circleMarker([item.lat, item.lon], style(item))
        .bindPopup(link(item, withWhen ? item.when : ""))
        .bindTooltip(item.label);
      marker.addTo(map);
      var element = marker.getElement();
      if (element) { element.setAttribute("data-label", item.label); }
    });
  }

  function stopStyle(item) {
    var colour = item.status === "cancelled" ? "#9a3412" : item.status === "draft" ? "#a16207" : "#1d4ed8";
    return { radius: 9, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 0.95, className: "marker-stop" };
  }

  function territoryStyle() {
    return { radius: 6, color: "#475569", weight: 2, fillColor: "#e2e8f0", fillOpacity: 0.9, className: "marker-territory" };
  }

  function draw(map, stops, territories, fallbackCentre, fallbackZoom) {
    // The view comes first: Leaflet only draws a layer once its map has one.
    var points = stops.concat(territories).map(function (item) { return [item.lat, item.lon]; });
    if (points.length > 1) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 9 });
    } else {
      map.setView(points[0] || fallbackCentre, fallbackZoom);
    }
    addMarkers(map, territories, territoryStyle, false);
    addMarkers(map, stops, stopStyle, true);
  }

  function split(items, overseas) {
    return items.filter(function (item) { return item.overseas === overseas; });
  }

  var maps = [];

  function build() {
    var main = baseMap(mainElement, { scrollWheelZoom: false });
    maps.push(main);
    draw(main, split(data.stops, false), split(data.territories, false), [46.6, 2.4], 5);

    var overseasStops = split(data.stops, true);
    var overseasTerritories = split(data.territories, true);
    if (insetElement && (overseasStops.length || overseasTerritories.length)) {
      var inset = baseMap(insetElement, { scrollWheelZoom: false, zoomControl: false, attributionControl: false });
      maps.push(inset);
      draw(inset, overseasStops, overseasTerritories, [-12.8, 45.15], 9);
    } else if (insetElement) {
      insetElement.hidden = true;
    }
  }

  // In a tab (DSFR), the map is built the first time its panel is shown, then told its size
  // each time it is shown again: Leaflet measures its box only when asked.
  var panel = mainElement.closest(".fr-tabs__panel");
  var SELECTED = "fr-tabs__panel--selected";

  function shown() {
    if (!maps.length) {
      build();
    } else {
      maps.forEach(function (map) { map.invalidateSize(); });
    }
  }

  function isShown() {
    return !panel || panel.classList.contains(SELECTED) ||
      !document.documentElement.classList.contains("fi-js");
  }

  if (isShown()) {
    shown();
  }
  if (panel) {
    panel.addEventListener("dsfr.disclose", shown);
    if (window.MutationObserver) {
      new MutationObserver(function () {
        if (panel.classList.contains(SELECTED)) { shown(); }
      }).observe(panel, { attributes: true, attributeFilter: ["class"] });
    }
  }
})();
