// Shared by the public tool pages (自助研判, 选址): messages, DOM helpers, API calls, the base map
// and the industry picker. Everything the page knows comes from the #tool-config JSON.
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('tool-config').textContent);

  const t = window.ecozoneDom.translator(config.messages);
  const el = window.ecozoneDom.el;

  async function answer(response) {
    const type = response.headers.get('content-type') || '';
    const body = type.includes('json') ? await response.json() : { message: await response.text() };
    if (!response.ok) {
      const error = new Error(body.message || body.detail || response.statusText);
      error.field = body.field;
      throw error;
    }
    return body;
  }

  function getJson(path, params) {
    const url = new URL(path, window.location.origin);
    Object.entries(params || {}).forEach(([name, value]) => url.searchParams.set(name, value));
    return fetch(url, { headers: { Accept: 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN' } }).then(answer);
  }

  function postJson(path, body, params) {
    const url = new URL(path, window.location.origin);
    Object.entries(params || {}).forEach(([name, value]) => url.searchParams.set(name, value));
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN' },
      body: JSON.stringify(body),
    }).then(answer);
  }

  function postFile(path, file) {
    const form = new FormData();
    form.append('file', file);
    return fetch(new URL(path, window.location.origin), { method: 'POST', body: form, headers: { 'Accept-Language': document.documentElement.lang || 'zh-CN' } }).then(answer);
  }

  // The map fitted to the territory, with the control units (faint) and county boundaries for
  // orientation; neither takes clicks, so drawing works everywhere.
  function createMap() {
    const map = L.map('map', { zoomSnap: 0.25 });
    const [minLon, minLat, maxLon, maxLat] = config.bounds;
    map.fitBounds([[minLat, minLon], [maxLat, maxLon]]);
    // Below the overlay pane, so what the page draws stays on top whenever the context loads.
    map.createPane('context').style.zIndex = 350;
    L.vectorGrid.protobuf(config.api.unitTiles, {
      pane: 'context',
      interactive: false,
      maxNativeZoom: 14,
      rendererFactory: L.canvas.tile,
      vectorTileLayerStyles: {
        units: (p) => Object.assign({ weight: 0.5, fill: true, fillOpacity: 0.18, opacity: 0.5 }, config.classStyles[p.class]),
      },
    }).addTo(map);
    const counties = L.geoJSON(null, {
      pane: 'context',
      interactive: false, style: () => ({ color: '#607d8b', weight: 1, dashArray: '3 3', fill: false }),
    }).addTo(map);
    getJson(config.api.regions, { level: 'county' }).then((data) => counties.addData(data)).catch(() => null);
    return map;
  }

  function km2(m2) {
    return (m2 / 1e6).toLocaleString(config.lang === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: 2 });
  }

  // Search industries by code or Chinese name; the chosen code is read with .code().
  function industryPicker() {
    const input = document.getElementById('industry');
    const options = document.getElementById('industry-options');
    const chosen = document.getElementById('industry-chosen');
    let timer = null;
    let hits = [];

    function codeOf(text) {
      const value = text.trim();
      const hit = hits.find((h) => value === label(h) || value === h.full_code || value === h.name);
      if (hit) return hit.full_code;
      const match = value.match(/^[A-Za-z]?\d{2,4}\b/);
      return match ? match[0].toUpperCase() : '';
    }

    function label(hit) {
      return hit.full_code + ' ' + hit.name;
    }

    function showChoice() {
      const code = codeOf(input.value);
      const hit = hits.find((h) => h.full_code === code);
      chosen.textContent = hit ? t('industry_chosen', { code: hit.full_code, name: hit.name }) : '';
    }

    input.addEventListener('input', () => {
      clearTimeout(timer);
      const q = input.value.trim();
      showChoice();
      if (!q || hits.some((h) => label(h) === q)) return;
      timer = setTimeout(() => {
        getJson(config.api.industries, { q: q, limit: 20 }).then((found) => {
          hits = found;
          options.replaceChildren(...found.map((h) => el('option', { value: label(h) })));
          showChoice();
        }).catch(() => options.replaceChildren());
      }, 150);
    });
    input.addEventListener('change', showChoice);
    return { code: () => codeOf(input.value), input: input };
  }

  // The releases that govern a region: the province's, its city's and its own (GB/T 2260 codes).
  function releasesFor(releases, code) {
    return releases.filter((r) => {
      const j = r.jurisdiction;
      if (j.endsWith('0000')) return j.slice(0, 2) === code.slice(0, 2);
      if (j.endsWith('00')) return j.slice(0, 4) === code.slice(0, 4);
      return j === code;
    });
  }

  function releaseLine(releases) {
    return el('p', { class: 'release-line', text: t('release') + releases.map((r) => r.title + ' ' + r.version).join('；') });
  }

  function showFormError(message) {
    const box = document.getElementById('form-error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  window.ecozoneTools = { config, t, el, getJson, postJson, postFile, createMap, km2, industryPicker, showFormError, releasesFor, releaseLine };
})();
