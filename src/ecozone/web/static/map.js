// The public zoning map: layers, point lookup (click or coordinates), county browsing, unit cards.
// Plain JavaScript on Leaflet; everything the page knows comes from the #map-config JSON.
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('map-config').textContent);
  const DIMENSIONS = ['spatial_layout', 'emissions', 'risk', 'resources'];
  const card = document.getElementById('card');
  const countyUnits = document.getElementById('county-units');
  const narrowScreen = window.matchMedia('(max-width: 800px)');

  // --- messages ---------------------------------------------------------------------------------

  const t = window.ecozoneDom.translator(config.messages);
  const el = window.ecozoneDom.el;

  // --- API --------------------------------------------------------------------------------------

  function apiUrl(path, params) {
    const url = new URL(path, window.location.origin);
    Object.entries(params || {}).forEach(([name, value]) => url.searchParams.set(name, value));
    if (config.asOf) url.searchParams.set('as_of', config.asOf);
    return url;
  }

  // An answer the service worker served from the device's storage says so: its body gets
  // _cachedAt (a Date), shown on the card as "may be out of date".
  async function getJson(path, params) {
    const response = await fetch(apiUrl(path, params), { headers: { Accept: 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN' } });
    const body = await response.json();
    if (!response.ok) {
      const error = new Error(body.message || body.description || response.statusText);
      error.offline = Boolean(body.offline);
      throw error;
    }
    const stored = window.ecozonePwa ? window.ecozonePwa.cachedAt(response) : null;
    if (stored && body && typeof body === 'object') Object.defineProperty(body, '_cachedAt', { value: stored });
    return body;
  }

  // --- the map and its layers -------------------------------------------------------------------

  const map = L.map('map', { preferCanvas: true, zoomSnap: 0.25, attributionControl: true });
  const [minLon, minLat, maxLon, maxLat] = config.bounds;
  map.fitBounds([[minLat, minLon], [maxLat, maxLon]]);

  // Panes keep the drawing order fixed whatever order the layers finish loading in.
  [['units', 410], ['features', 420], ['boundaries', 430], ['highlight', 440], ['labels', 450]].forEach(([name, z]) => {
    map.createPane(name).style.zIndex = z;
  });

  const overlays = {};
  const baseLayers = {};
  if (config.basemap) {
    const base = L.tileLayer(config.basemap.url, config.basemap.options).addTo(map);
    baseLayers[t('layer.basemap')] = base;
    if (config.basemap.label_url) {
      overlays[t('layer.basemap')] = L.tileLayer(config.basemap.label_url, config.basemap.options).addTo(map);
    }
  }

  function unitStyle(feature) {
    return Object.assign({ weight: 1, fillOpacity: 0.45 }, config.classStyles[feature.properties.class]);
  }

  // Units come as vector tiles cut per release on the server (light at any scale); the class
  // colours are applied here, the highlight by unit code. Where units are a few pixels (a whole
  // country in view) the tiles carry each class's units as one feature (layer unit_classes),
  // drawn alike.
  const tileParams = config.asOf ? '?as_of=' + encodeURIComponent(config.asOf) : '';
  const tileUnitStyle = (properties) => Object.assign({ weight: 1, fill: true, fillOpacity: 0.45 }, config.classStyles[properties.class]);
  const unitsLayer = L.vectorGrid.protobuf(config.api.unitTiles + tileParams, {
    pane: 'units',
    interactive: false,
    maxNativeZoom: 14,
    rendererFactory: L.canvas.tile,
    getFeatureId: (feature) => feature.properties.code,
    vectorTileLayerStyles: { units: tileUnitStyle, unit_classes: tileUnitStyle },
  }).addTo(map);
  overlays[t('layer.units')] = unitsLayer;
  let highlighted = [];

  // First paint, as the page sees it (benchmarks/map_paint.py reads these marks): VectorGrid
  // fires tileload one frame after a tile's canvas is drawn, load once every tile in view is.
  function firstUnitTileDrawn(event) {
    const tile = unitsLayer._vectorTiles && unitsLayer._vectorTiles[unitsLayer._tileCoordsToKey(event.coords)];
    if (!tile || !Object.keys(tile._features).length) return;  // sea or desert: nothing drawn yet
    performance.mark('ecozone:units-first-tile');
    unitsLayer.off('tileload', firstUnitTileDrawn);
  }
  unitsLayer.on('tileload', firstUnitTileDrawn);
  unitsLayer.once('load', () => performance.mark('ecozone:units-drawn'));

  const featureLayers = {};
  config.featureOrder.forEach((kind) => {
    const style = config.featureStyles[kind];
    featureLayers[kind] = L.geoJSON(null, { pane: 'features', interactive: false, style: () => style });
  });

  const countyLayers = {};
  const countiesLayer = L.geoJSON(null, {
    pane: 'boundaries',
    interactive: false,
    style: () => config.regionStyles.county,
    onEachFeature: (feature, layer) => { countyLayers[feature.id] = layer; },
  }).addTo(map);
  const citiesLayer = L.geoJSON(null, {
    pane: 'boundaries', interactive: false, style: () => config.regionStyles.city,
  }).addTo(map);
  overlays[t('layer.counties')] = countiesLayer;
  overlays[t('layer.cities')] = citiesLayer;

  // --- place names: without a base map, cities, counties, rivers and lakes are labelled from the
  // shipped data, each kind from the zoom at which it stops crowding the map.
  const PLACE_MIN_ZOOM = { city: 6, county: 9, river: 8, lake: 9 };
  // A city's label stands for the whole city: once its counties are named it would mislead.
  const PLACE_MAX_ZOOM = { city: 9 };
  const placeLayers = {};
  Object.keys(PLACE_MIN_ZOOM).forEach((kind) => { placeLayers[kind] = L.layerGroup(); });

  function addPlace(kind, lat, lon, name) {
    if (!placeLayers[kind] || !name) return;
    const icon = L.divIcon({ className: 'place-label place-' + kind, html: el('span', { text: name }), iconSize: null });
    placeLayers[kind].addLayer(L.marker([lat, lon], { pane: 'labels', icon, interactive: false, keyboard: false }));
  }

  function showPlaces() {
    const zoom = map.getZoom();
    Object.entries(PLACE_MIN_ZOOM).forEach(([kind, min]) => {
      if (zoom >= min && zoom < (PLACE_MAX_ZOOM[kind] || Infinity)) placeLayers[kind].addTo(map);
      else placeLayers[kind].remove();
    });
  }

  // A river's label sits halfway along its longest stretch; a lake's in its middle.
  function labelPoint(geometry) {
    if (geometry.type === 'LineString' || geometry.type === 'MultiLineString') {
      const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a));
      return longest[Math.floor(longest.length / 2)];
    }
    const center = L.geoJSON(geometry).getBounds().getCenter();
    return [center.lng, center.lat];
  }

  if (!config.basemap) {
    (config.places || []).forEach((p) => addPlace(p.kind, p.lat, p.lon, p.name));
    map.on('zoomend', showPlaces);
    showPlaces();
  }

  const layersControl = L.control.layers(baseLayers, overlays, { collapsed: narrowScreen.matches }).addTo(map);
  const highlight = L.layerGroup().addTo(map);
  let marker = null;

  // Resolves once the first unit tiles are drawn and every GeoJSON layer has arrived.
  function loadLayers() {
    const tilesDrawn = new Promise((resolve) => unitsLayer.once('load', resolve));
    return Promise.all([
      tilesDrawn,
      getJson(config.api.regions, { level: 'county' }).then((data) => countiesLayer.addData(data)).catch(showError),
      getJson(config.api.regions, { level: 'city' }).then((data) => citiesLayer.addData(data)).catch(showError),
      getJson(config.api.features).then(addFeatures).catch(showError),
    ]);
  }

  function addFeatures(data) {
    const byKind = {};
    data.features.forEach((feature) => {
      const kind = feature.properties.kind;
      if (!config.basemap && (kind === 'river' || kind === 'lake')) {
        const [lon, lat] = labelPoint(feature.geometry);
        const name = config.lang === 'en' ? (feature.properties.name_en || feature.properties.name) : feature.properties.name;
        addPlace(kind, lat, lon, name);
      }
      if (!featureLayers[kind]) {
        featureLayers[kind] = L.geoJSON(null, {
          pane: 'features', interactive: false, style: () => config.defaultFeatureStyle,
        });
      }
      (byKind[kind] = byKind[kind] || []).push(feature);
    });
    Object.keys(featureLayers).forEach((kind) => {
      if (!byKind[kind]) return;
      const layer = featureLayers[kind];
      layer.addData({ type: 'FeatureCollection', features: byKind[kind] });
      const style = config.featureStyles[kind] || config.defaultFeatureStyle;
      if (style.visible) layer.addTo(map);
      layersControl.addOverlay(layer, t('kind.' + kind));
    });
  }

  function highlightUnits(codes) {
    highlighted.forEach((code) => unitsLayer.resetFeatureStyle(code));
    highlighted = codes;
    codes.forEach((code) => {
      unitsLayer.setFeatureStyle(code, { weight: 3, color: '#111', fill: true, fillOpacity: 0.6 });
    });
  }

  // --- the unit card ----------------------------------------------------------------------------

  function showCard(children) {
    card.replaceChildren(...children.filter(Boolean));
    card.hidden = false;
    if (narrowScreen.matches) card.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function showError(error) {
    showCard([el('p', { class: 'error', role: 'alert', text: t('error', { message: error.message }) })]);
  }

  function demoNotice() {
    return el('p', { class: 'demo-notice', role: 'note', text: t('demo') });
  }

  function dimensionSection(name, texts) {
    const body = texts && texts.length
      ? el('ul', {}, texts.map((text) => el('li', { text })))
      : el('p', { class: 'muted', text: t('none') });
    return el('section', { class: 'dimension dim-' + name }, [el('h4', { text: t('dim.' + name) }), body]);
  }

  function releaseLine(release) {
    if (!release) return null;
    const link = el('a', { href: config.api.release + release.id, text: release.title });
    const date = release.effective_date ? ' · ' + t('effective', { date: release.effective_date }) : '';
    return el('p', { class: 'release-line' }, [
      el('span', { class: 'label', text: t('release') }), link,
      document.createTextNode(' (' + release.version + ')' + date),
    ]);
  }

  function unitArticle(unit, release) {
    const style = config.classStyles[unit.class];
    const badge = el('span', { class: 'class-badge class-' + unit.class, text: t('class.' + unit.class) });
    badge.style.background = style.fillColor;
    badge.style.borderColor = style.color;
    const facts = [el('span', { text: t('code', { code: unit.code }) })];
    if (unit.elements && unit.elements.length) {
      facts.push(el('span', { text: t('elements', { elements: unit.elements.join('、') }) }));
    }
    return el('article', { class: 'unit', 'data-code': unit.code }, [
      el('header', {}, [badge, el('h3', { text: unit.name }), el('p', { class: 'facts' }, facts)]),
      ...DIMENSIONS.map((name) => dimensionSection(name, unit.access[name])),
      releaseLine(release),
    ]);
  }

  function staleNotice(text) {
    return el('p', { class: 'stale-note', role: 'note', text: text });
  }

  function renderWhere(answer) {
    const releases = {};
    answer.release.forEach((r) => { releases[r.id] = r; });
    const regionNames = ['province', 'city', 'county']
      .filter((level) => answer.region && answer.region[level])
      .map((level) => config.regionNames[answer.region[level].code] || answer.region[level].name);
    const children = [
      el('h2', { text: t('point', { lon: answer.lon, lat: answer.lat }) }),
      answer.offlineAt ? staleNotice(t('offline_answer', { time: window.ecozonePwa.when(answer.offlineAt) })) : null,
      answer._cachedAt ? staleNotice(window.ecozonePwa.staleNote(answer._cachedAt)) : null,
      el('p', { class: 'region', text: answer.region ? t('region', { names: regionNames.join(t('region_separator')) }) : t('offline_region') }),
      answer.demo ? demoNotice() : null,
    ];
    if (!answer.units.length) children.push(el('p', { class: 'no-unit', text: t('no_unit') }));
    answer.units.forEach((unit) => children.push(unitArticle(unit, releases[unit.release_id])));
    showCard(children);
    highlightUnits(answer.units.map((u) => u.code));
  }

  async function lookup(lon, lat) {
    if (marker) marker.remove();
    marker = L.circleMarker([lat, lon], { radius: 7, color: '#111', weight: 2, fillColor: '#ffeb3b', fillOpacity: 1, pane: 'highlight' }).addTo(map);
    showCard([el('p', { class: 'loading', text: t('loading') })]);
    try {
      renderWhere(await getJson(config.api.where, { lon, lat }));
    } catch (error) {
      // No connection (or a dead one): answer from the units of the area last viewed, if stored.
      if (!(error.offline || error instanceof TypeError) || !window.ecozonePwa) return showError(error);
      const stored = await window.ecozonePwa.lookupOffline(lon, lat).catch(() => null);
      if (!stored) {
        showCard([el('p', { class: 'error', role: 'alert', text: t('offline_outside') })]);
        return;
      }
      const used = new Set(stored.units.map((u) => u.release_id));
      const release = stored.release.filter((r) => used.has(r.id));
      renderWhere({ lon, lat, region: null, units: stored.units, release, demo: release.some((r) => r.demo), offlineAt: stored.savedAt });
    }
  }

  // --- keeping the area in view for offline use ---------------------------------------------------

  const AREA_MIN_ZOOM = 8;  // from a few counties in view down; the whole province is too heavy
  let areaTimer = null;

  function rememberArea() {
    clearTimeout(areaTimer);
    if (!window.ecozonePwa || !navigator.onLine || map.getZoom() < AREA_MIN_ZOOM) return;
    areaTimer = setTimeout(async () => {
      const b = map.getBounds();
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => Number(v.toFixed(5)));
      try {
        const units = await getJson(config.api.units, { bbox: bbox.join(','), limit: 5000 });
        if (!units._cachedAt) await window.ecozonePwa.saveArea(bbox, units);
        document.body.dataset.areaSaved = new Date().toISOString();  // for tests and curious readers
      } catch (error) {
        // Nothing stored this time; the last stored area stays.
      }
    }, 600);
  }

  map.on('moveend', rememberArea);

  // --- the device's location ----------------------------------------------------------------------

  const locateNote = document.getElementById('locate-note');
  document.getElementById('locate').addEventListener('click', () => {
    locateNote.hidden = false;
    if (!('geolocation' in navigator)) {
      locateNote.textContent = t('locate_unsupported');
      return;
    }
    locateNote.textContent = t('locating');
    navigator.geolocation.getCurrentPosition((position) => {
      // WGS84 from the browser is used as CGCS2000: the two differ by well under a metre.
      const lon = Number(position.coords.longitude.toFixed(6));
      const lat = Number(position.coords.latitude.toFixed(6));
      document.getElementById('lon').value = lon;
      document.getElementById('lat').value = lat;
      locateNote.textContent = t('locate_note', { accuracy: Math.round(position.coords.accuracy || 0) });
      map.setView([lat, lon], Math.max(map.getZoom(), 12));
      lookup(lon, lat);
    }, (error) => {
      locateNote.textContent = t('locate_failed', { message: error.message });
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  async function showUnit(code) {
    showCard([el('p', { class: 'loading', text: t('loading') })]);
    try {
      const feature = await getJson(config.api.unit + encodeURIComponent(code));
      const unit = feature.properties;
      showCard([unit.release && unit.release.demo ? demoNotice() : null, unitArticle(unit, unit.release)]);
      highlightUnits([code]);
      highlight.clearLayers();
      const outline = L.geoJSON(feature, { pane: 'highlight', style: { color: '#111', weight: 3, fill: false } });
      highlight.addLayer(outline);
      map.fitBounds(outline.getBounds(), { maxZoom: 12 });
    } catch (error) {
      showError(error);
    }
  }

  // --- ways to pick a place ---------------------------------------------------------------------

  map.on('click', (event) => {
    const lon = Number(event.latlng.lng.toFixed(6));
    const lat = Number(event.latlng.lat.toFixed(6));
    document.getElementById('lon').value = lon;
    document.getElementById('lat').value = lat;
    lookup(lon, lat);
  });

  function parseCoordinate(text) {
    const value = Number(String(text).trim().replace('，', ','));
    return String(text).trim() === '' ? NaN : value;
  }

  document.getElementById('coord-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const lon = parseCoordinate(document.getElementById('lon').value);
    const lat = parseCoordinate(document.getElementById('lat').value);
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      showCard([el('p', { class: 'error', role: 'alert', text: t('bad_coords') })]);
      return;
    }
    // A point outside the territory would pan to an empty grey map: keep the view and say why.
    if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) {
      showCard([el('p', { class: 'error', role: 'alert', text: t('outside') })]);
      return;
    }
    map.setView([lat, lon], Math.max(map.getZoom(), 10));
    lookup(lon, lat);
  });

  function clearCard() {
    card.replaceChildren();
    card.hidden = true;
  }

  async function chooseCounty(option) {
    clearCard(); // an answer or error about an earlier place no longer applies
    const [w, s, e, n] = option.dataset.bbox.split(',').map(Number);
    map.fitBounds([[s, w], [n, e]]);
    highlight.clearLayers();
    const county = countyLayers[option.value];
    if (county) {
      highlight.addLayer(L.geoJSON(county.feature, { pane: 'highlight', style: { color: '#0d47a1', weight: 3, fill: false } }));
    }
    try {
      const page = await getJson(config.api.unitItems, { county_code: option.value, limit: 10000, f: 'json' });
      const list = el('ul', {}, page.features.map((feature) => {
        const props = feature.properties;
        const swatch = el('span', { class: 'swatch' });
        swatch.style.background = config.classStyles[props.class].fillColor;
        const button = el('button', { type: 'button', class: 'unit-link', 'data-code': props.code }, [
          swatch, el('span', { text: props.name }), el('small', { text: props.code }),
        ]);
        button.addEventListener('click', () => showUnit(props.code));
        return el('li', {}, [button]);
      }));
      countyUnits.replaceChildren(
        el('p', { class: 'county-count', text: t('county_units', { county: option.textContent, count: page.numberMatched }) }),
        list,
      );
      countyUnits.hidden = false;
    } catch (error) {
      showError(error);
    }
  }

  document.getElementById('county').addEventListener('change', (event) => {
    const option = event.target.selectedOptions[0];
    if (option && option.value) chooseCounty(option);
    else countyUnits.hidden = true;
  });

  // The map object, for pages that add layers later and for end-to-end tests.
  window.ecozone = { map, unitsLayer, lookup, showUnit, loaded: false };
  loadLayers().then(() => { window.ecozone.loaded = true; });

  // A shared link may carry a place: /?lon=112.55&lat=37.87
  const params = new URLSearchParams(window.location.search);
  if (params.has('lon') && params.has('lat')) {
    const lon = parseCoordinate(params.get('lon'));
    const lat = parseCoordinate(params.get('lat'));
    if (Number.isFinite(lon) && Number.isFinite(lat)) {
      document.getElementById('lon').value = lon;
      document.getElementById('lat').value = lat;
      lookup(lon, lat);
    }
  }
})();
