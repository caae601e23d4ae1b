// Supervision page: clues on the map coloured by status, clue import, and the worklist actions
// (assign, 现场检查 with photos, close) through the API; the session cookie authorises the calls.
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('supervision-config').textContent);
  const COLOURS = {open: '#c62828', assigned: '#ef6c00', inspected: '#1565c0', closed: '#2e7d32'};
  const headers = {'Accept-Language': document.documentElement.lang || 'zh-CN'};

  function clueMap() {
    const map = L.map('clue-map').setView([37.6, 112.4], 7);
    fetch(config.root + '/api/v1/regions?level=county')
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => { if (data) L.geoJSON(data, {style: {color: '#6b7b8c', weight: 1, fill: false}, interactive: false}).addTo(map); });
    if (!config.features.length) return;
    const layer = L.geoJSON({type: 'FeatureCollection', features: config.features}, {
      style: (f) => ({color: COLOURS[f.properties.status], weight: 2, fillOpacity: 0.4}),
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {radius: 8, color: '#333', weight: 1, fillColor: COLOURS[f.properties.status], fillOpacity: 0.95, className: 'clue-marker clue-' + f.properties.status}),
      onEachFeature: (f, l) => l.bindPopup('#' + f.properties.id + ' ' + config.messages['supervision.status.' + f.properties.status]),
    }).addTo(map);
    map.fitBounds(layer.getBounds(), {padding: [30, 30], maxZoom: 12});
  }

  async function send(url, options, messageNode) {
    const response = await fetch(config.root + url, {credentials: 'same-origin', ...options, headers: {...headers, ...(options.headers || {})}});
    const body = await response.json();
    if (response.ok) { window.location.reload(); return body; }
    messageNode.textContent = body.message || response.statusText;
    messageNode.className = 'message error';
    return null;
  }

  function importForm() {
    const form = document.getElementById('clue-import');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const result = document.getElementById('import-result');
      const data = new FormData(form);
      if (!data.get('observed')) data.delete('observed');
      const body = await send('/api/v1/clues/import', {method: 'POST', body: data}, result);
      if (body) result.textContent = config.messages['supervision.imported'].replace('{count}', body.clues.length);
    });
  }

  function worklist() {
    document.getElementById('clue-table').addEventListener('submit', (event) => {
      event.preventDefault();
      const form = event.target;
      const row = form.closest('tr');
      const message = row.querySelector('.message');
      const base = '/api/v1/clues/' + row.dataset.clue;
      const json = (payload) => ({method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(payload)});
      if (form.classList.contains('assign')) send(base + '/assign', json({inspector: form.inspector.value}), message);
      else if (form.classList.contains('inspect')) send(base + '/inspection', {method: 'POST', body: new FormData(form)}, message);
      else if (form.classList.contains('close')) send(base + '/close', json({note: form.note.value}), message);
    });
  }

  clueMap();
  importForm();
  worklist();
})();
