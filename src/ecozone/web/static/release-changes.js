// The release page's small map of what changed since the previous release: area gained (green)
// and lost (red) by each unit.
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('changes-config').textContent);
  const note = document.getElementById('changes-map-note');
  const map = L.map('changes-map', { zoomSnap: 0.25, scrollWheelZoom: false });
  map.setView([37.8, 112.5], 6);
  // County boundaries give the changed areas a place.
  fetch(new URL(config.regions, window.location.origin))
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => data && L.geoJSON(data, {
      interactive: false, style: () => ({ color: '#607d8b', weight: 1, dashArray: '3 3', fill: false }),
    }).addTo(map).bringToBack());

  fetch(new URL(config.geojson, window.location.origin), { headers: { Accept: 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN' } })
    .then((response) => response.json().then((body) => {
      if (!response.ok) throw new Error(body.message || response.statusText);
      return body;
    }))
    .then((collection) => {
      const layer = L.geoJSON(collection, {
        style: (f) => config.styles[f.properties.part],
        onEachFeature: (f, l) => l.bindTooltip(f.properties.code + ' ' + f.properties.name + ' · ' + config.messages[f.properties.part]),
      }).addTo(map);
      if (collection.features.length) map.fitBounds(layer.getBounds(), { padding: [12, 12] });
      else note.textContent = config.messages.none;
      window.ecozoneChanges = { map, layer, count: collection.features.length };
    })
    .catch((error) => { note.textContent = error.message; });
})();
