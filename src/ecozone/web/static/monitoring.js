// Monitoring pages: station map markers in HJ 633 AQI colours, the complaint location picker and
// form, and the alert buttons of the staff desk (the session cookie authorises the API calls).
(function () {
  'use strict';
  const configNode = document.getElementById('monitoring-config');
  const config = configNode ? JSON.parse(configNode.textContent) : {root: ''};
  const SHANXI = [37.6, 112.4];

  // County outlines give the markers and the picker a place to stand on without a tile layer.
  function baseMap(id) {
    const map = L.map(id).setView(SHANXI, 7);
    fetch(config.root + '/api/v1/regions?level=county')
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data) return;
        const counties = L.geoJSON(data, {style: {color: '#6b7b8c', weight: 1, fill: false}, interactive: false}).addTo(map);
        map.fitBounds(counties.getBounds(), {padding: [8, 8]}); // the whole province at any screen width
      });
    return map;
  }

  function stationMap() {
    const node = document.getElementById('station-map');
    if (!node) return;
    const map = baseMap('station-map');
    const bounds = [];
    config.stations.forEach((s) => {
      const colour = s.latest ? s.latest.category.rgb_hex : '#9e9e9e';
      const marker = L.circleMarker([s.lat, s.lon], {radius: 9, color: '#333', weight: 1, fillColor: colour, fillOpacity: 0.95, className: 'station-marker'});
      const aqi = s.latest ? 'AQI ' + s.latest.aqi : '—';
      marker.bindPopup('<a href="' + config.root + '/monitoring/stations/' + encodeURIComponent(s.code) + '">' + s.name.replace(/</g, '&lt;') + '</a><br>' + aqi);
      marker.addTo(map);
      bounds.push([s.lat, s.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, {padding: [30, 30], maxZoom: 11});
  }

  function complaintForm() {
    const form = document.getElementById('complaint-form');
    if (!form) return;
    const map = baseMap('pick-map');
    let pin = null;
    map.on('click', (event) => {
      document.getElementById('c-lon').value = event.latlng.lng.toFixed(6);
      document.getElementById('c-lat').value = event.latlng.lat.toFixed(6);
      if (pin) pin.setLatLng(event.latlng); else pin = L.circleMarker(event.latlng, {radius: 8, color: '#c62828'}).addTo(map);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const result = document.getElementById('complaint-result');
      const response = await fetch(config.root + '/api/v1/complaints', {method: 'POST', body: new FormData(form), headers: {'Accept-Language': document.documentElement.lang || 'zh-CN'}});
      const body = await response.json();
      result.textContent = response.ok ? config.messages['monitoring.complaint.sent'].replace('{number}', body.number) : body.message;
      result.className = response.ok ? 'ok' : 'error';
      if (response.ok) form.reset();
    });
  }

  function desk() {
    const table = document.getElementById('alert-table');
    if (!table) return;
    table.addEventListener('click', async (event) => {
      const button = event.target.closest('button[data-status]');
      if (!button) return;
      const row = button.closest('tr');
      const response = await fetch(config.root + '/api/v1/alerts/' + row.dataset.alert + '/status', {
        method: 'POST', headers: {'Content-Type': 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN'}, credentials: 'same-origin',
        body: JSON.stringify({status: button.dataset.status, note: ''}),
      });
      if (response.ok) window.location.reload();
      else row.querySelector('.status').textContent = (await response.json()).message;
    });
  }

  stationMap();
  complaintForm();
  desk();
})();
