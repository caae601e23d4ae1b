// 选址: where in a county (or a whole city, or the province) a project of a given industry would
// be prohibited, restricted, to be reviewed or compliant, with the areas in km² and the answer as
// a GeoJSON download.
(function () {
  'use strict';

  const { config, t, el, postJson, createMap, km2, industryPicker, showFormError, releasesFor, releaseLine } = window.ecozoneTools;
  const map = createMap();
  const areas = L.geoJSON(null, {
    style: (f) => Object.assign({ weight: 1, fillOpacity: 0.55 }, config.verdicts[f.properties.verdict]),
    onEachFeature: (f, layer) => layer.bindTooltip(f.properties.verdict_name + ' · ' + km2(f.properties.area_m2) + ' km²'),
  }).addTo(map);
  const result = document.getElementById('siting-result');
  const industry = industryPicker();
  let downloadUrl = null;

  function summaryTable(summary) {
    const total = config.verdictOrder.reduce((sum, v) => sum + (summary[v] || 0), 0) || 1;
    const rows = config.verdictOrder.map((v) => el('tr', { 'data-verdict': v }, [
      el('th', { scope: 'row' }, [el('span', { class: 'swatch', style: 'background:' + config.verdicts[v].fillColor }), t('verdict.' + v)]),
      el('td', { class: 'num', text: km2(summary[v] || 0) }),
      el('td', { class: 'num', text: Math.round((summary[v] || 0) / total * 1000) / 10 + '%' }),
    ]));
    return el('table', { class: 'summary-table' }, [
      el('thead', {}, [el('tr', {}, [el('th', { text: t('siting.verdict') }), el('th', { class: 'num', text: t('siting.km2') }), el('th', { class: 'num', text: t('siting.share') })])]),
      el('tbody', {}, rows),
    ]);
  }

  function download(collection, code, region) {
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([JSON.stringify(collection)], { type: 'application/geo+json' }));
    return el('a', { class: 'button', id: 'siting-download', href: downloadUrl, download: 'siting-' + region + '-' + code + '.geojson', text: t('siting.download') });
  }

  // Rules that hold wherever the project goes in the region: shown once, not painted on the map.
  function everywhereList(everywhere) {
    const findings = (everywhere && everywhere.findings) || [];
    if (!findings.length) return null;
    return el('div', { id: 'siting-everywhere' }, [
      el('h3', { text: t('siting.everywhere', { verdict: t('verdict.' + everywhere.verdict) }) }),
      el('ul', {}, findings.map((f) => el('li', { text: (f.title || '') + '（' + t('verdict.' + (f.verdict || 'review')) + '）' }))),
    ]);
  }

  function showSiting(collection, code) {
    areas.clearLayers();
    areas.addData(collection);
    if (collection.features.length) map.fitBounds(areas.getBounds(), { padding: [10, 10] });
    result.replaceChildren(
      el('h2', { text: t('siting.result', { region: collection.region.name }) }),
      collection.demo ? el('p', { class: 'demo-notice', text: t('demo') }) : null,
      summaryTable(collection.summary),
      everywhereList(collection.everywhere),
      releaseLine(releasesFor(collection.release, collection.region.code)),
      el('p', { class: 'actions' }, [download(collection, code, collection.region.code)]),
    );
    result.hidden = false;
  }

  document.getElementById('siting-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showFormError('');
    const code = industry.code();
    if (!code) return showFormError(t('need_industry'));
    const region = document.getElementById('county').value;
    if (!region) return showFormError(t('need_county'));
    const go = document.getElementById('siting-go');
    go.disabled = true;
    result.hidden = false;
    result.replaceChildren(el('p', { class: 'loading', text: t('siting.loading') }));
    postJson(config.api.siting, { industry: code, nature: document.getElementById('nature').value, region: region, attributes: {} })
      .then((collection) => showSiting(collection, code))
      .catch((error) => { result.replaceChildren(el('p', { class: 'error', text: t('error', { message: error.message }) })); })
      .finally(() => { go.disabled = false; });
  });

  window.ecozoneSiting = { map, areas };
})();
