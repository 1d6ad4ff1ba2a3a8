/* The map of the stop form: a marker at the stop's latitude and longitude, moved by a click on
   the map or by dragging it, which writes the two fields; typing in the fields moves it.
   Choosing another territory moves a position still at the previous territory's (the one the
   form proposed) to the new territory's. Without this script, or without Leaflet, the map stays
   hidden and the two fields are the whole story. Data come from data- attributes (strict CSP). */
(function () {
  "use strict";
  var element = document.getElementById("stop-map");
  var block = document.querySelector("[data-stop-map-block]");
  if (!element || !block || typeof window.L === "undefined") { return; }

  var latitudeField = document.getElementById(element.getAttribute("data-latitude-field"));
  var longitudeField = document.getElementById(element.getAttribute("data-longitude-field"));
  var territoryField = document.getElementById(element.getAttribute("data-territory-field"));
  var status = block.querySelector("[data-stop-map-status]");
  if (!latitudeField || !longitudeField) { return; }

  var FRANCE = [46.6, 2.4];
  var DECIMALS = 6;

  function parse(value) {
    var number = parseFloat(String(value).replace(",", "."));
    return isFinite(number) ? number : null;
  }

  function fieldsPosition() {
    var lat = parse(latitudeField.value);
    var lon = parse(longitudeField.value);
    if (lat === null || lon === null || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      return null;
    }
    return L.latLng(lat, lon);
  }

  function territoryPosition() {
    if (!territoryField || territoryField.selectedIndex < 0) { return null; }
    var option = territoryField.options[territoryField.selectedIndex];
    var lat = parse(option.getAttribute("data-latitude"));
    var lon = parse(option.getAttribute("data-longitude"));
    return lat === null || lon === null ? null : L.latLng(lat, lon);
  }

  block.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);

  var label = element.getAttribute("data-marker-label") || "";
  var marker = null;

  function announce(position) {
    if (!status) { return; }
    status.textContent = (element.getAttribute("data-moved") || "")
      .replace("{lat}", latitudeField.value)
      .replace("{lon}", longitudeField.value);
  }

  function writeFields(position) {
    latitudeField.value = position.lat.toFixed(DECIMALS);
    longitudeField.value = L.Util.wrapNum(position.lng, [-180, 180], true).toFixed(DECIMALS);
    [latitudeField, longitudeField].forEach(function (field) {
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    announce(position);
  }

  function placeMarker(position) {
    if (marker) {
      marker.setLatLng(position);
      return;
    }
    marker = L.marker(position, { draggable: true, title: label, alt: label, autoPan: true });
    marker.on("dragend", function () { writeFields(marker.getLatLng()); });
    marker.addTo(map);
  }

  var start = fieldsPosition();
  if (start) {
    map.setView(start, 12);
    placeMarker(start);
  } else if (territoryPosition()) {
    map.setView(territoryPosition(), 11);
  } else {
    map.setView(FRANCE, 5);
  }

  map.on("click", function (event) {
    placeMarker(event.latlng);
    writeFields(event.latlng);
  });

  function followFields() {
    var position = fieldsPosition();
    if (position) {
      placeMarker(position);
      map.panTo(position);
    }
  }
  latitudeField.addEventListener("input", followFields);
  longitudeField.addEventListener("input", followFields);

  if (territoryField) {
    var previous = territoryPosition();
    territoryField.addEventListener("change", function () {
      var current = fieldsPosition();
      var next = territoryPosition();
      var untouched = !current || (previous && current.distanceTo(previous) < 1);
      if (next && untouched) {
        placeMarker(next);
        writeFields(next);
        map.setView(next, 11);
      }
      previous = next;
    });
  }
})();
