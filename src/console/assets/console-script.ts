/**
 * The console's one client script, served at /assets/console.js: live progress and charts on the batch page (from
 * the event stream), a periodic refresh of the batch list while batches run. Plain browser JavaScript, no bundler;
 * it writes text only (textContent), never markup, so nothing from a file can become HTML here either.
 */
export const CONSOLE_SCRIPT = `(function () {
  'use strict';

  var list = document.querySelector('table.batches[data-refresh]');
  if (list && list.getAttribute('data-refresh')) {
    setTimeout(function () { location.reload(); }, Number(list.getAttribute('data-refresh')) * 1000);
  }

  var section = document.getElementById('progress');
  var dataBlock = document.getElementById('batch-data');
  if (!section || !dataBlock) return;
  var data = JSON.parse(dataBlock.textContent || '{}');
  var batchId = section.getAttribute('data-batch');
  var samples = (data.history || []).slice();
  var status = data.status;
  var reasons = data.reasons || {};
  var http = status.httpStatusCounts || {};

  function setField(name, value) {
    var el = section.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = String(value);
  }

  function reasonLabels() {
    var labels = [], values = [], colors = [];
    var palette = { assigned: '#1d7a46', 'already-member': '#6fae8a', failed: '#b3261e', invalid: '#9a6400', duplicate: '#7d5fb0' };
    labels.push('assigned'); values.push(status.assigned); colors.push(palette.assigned);
    ['already-member', 'failed', 'invalid'].forEach(function (outcome) {
      var byReason = reasons[outcome] || {};
      Object.keys(byReason).sort().forEach(function (r) { labels.push(outcome + ': ' + r); values.push(byReason[r]); colors.push(palette[outcome]); });
    });
    if (status.duplicate) { labels.push('duplicate'); values.push(status.duplicate); colors.push(palette.duplicate); }
    return { labels: labels, values: values, colors: colors };
  }

  function ratePoints() {
    var start = Date.parse(status.createdAt);
    var pts = [];
    for (var i = 1; i < samples.length; i++) {
      var a = samples[i - 1], b = samples[i], dt = (b.t - a.t) / 1000;
      if (dt > 0) pts.push({ x: Math.round((b.t - start) / 100) / 10, y: Math.round(((b.processed - a.processed) / dt) * 10) / 10 });
    }
    if (pts.length === 0 && status.finishedAt) {
      // Finished before this console watched it: the mean over its life.
      var life = (Date.parse(status.finishedAt) - start) / 1000;
      var processed = status.assigned + status.alreadyMember + status.failed;
      var mean = life > 0 ? Math.round((processed / life) * 10) / 10 : 0;
      pts.push({ x: 0, y: mean }, { x: Math.round(life * 10) / 10, y: mean });
    }
    return pts;
  }

  var outcomesChart, rateChart;
  function drawCharts() {
    if (typeof Chart === 'undefined') return;
    var r = reasonLabels();
    if (!outcomesChart) {
      outcomesChart = new Chart(document.getElementById('chart-outcomes'), {
        type: 'bar',
        data: { labels: r.labels, datasets: [{ label: 'rows', data: r.values, backgroundColor: r.colors }] },
        options: { responsive: false, animation: false, indexAxis: 'y', plugins: { legend: { display: false } } },
      });
      rateChart = new Chart(document.getElementById('chart-rate'), {
        type: 'line',
        data: { datasets: [{ label: 'rows/s', data: ratePoints(), borderColor: '#2456c7', pointRadius: 0, tension: 0 }] },
        options: { responsive: false, animation: false, parsing: true, scales: { x: { type: 'linear', title: { display: true, text: 's since the batch was created' } }, y: { beginAtZero: true } }, plugins: { legend: { display: false } } },
      });
      document.getElementById('chart-outcomes').setAttribute('data-ready', '1');
      document.getElementById('chart-rate').setAttribute('data-ready', '1');
    } else {
      outcomesChart.data.labels = r.labels;
      outcomesChart.data.datasets[0].data = r.values;
      outcomesChart.data.datasets[0].backgroundColor = r.colors;
      outcomesChart.update();
      rateChart.data.datasets[0].data = ratePoints();
      rateChart.update();
    }
    document.getElementById('chart-outcomes').setAttribute('data-labels', r.labels.join('|'));
  }

  function renderReasons() {
    var body = document.querySelector('#reasons-table tbody');
    if (!body) return;
    while (body.firstChild) body.removeChild(body.firstChild);
    var any = false;
    Object.keys(reasons).forEach(function (outcome) {
      Object.keys(reasons[outcome]).forEach(function (r) {
        any = true;
        var tr = document.createElement('tr');
        [outcome, r, String(reasons[outcome][r])].forEach(function (text, i) {
          var td = document.createElement('td');
          td.textContent = text;
          if (i === 2) td.className = 'num';
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    });
    if (!any) {
      var tr = document.createElement('tr'), td = document.createElement('td');
      td.colSpan = 3; td.className = 'muted'; td.textContent = 'none yet';
      tr.appendChild(td); body.appendChild(tr);
    }
  }

  function renderRetry() {
    var failed = reasons.failed || {}, names = Object.keys(failed).sort();
    ['retry-default', 'retry-chosen'].forEach(function (id) { var f = document.getElementById(id); if (f) f.hidden = names.length === 0; });
    var none = document.getElementById('retry-none');
    if (none) none.hidden = names.length > 0;
    var box = document.getElementById('retry-reasons');
    if (!box) return;
    var checked = {};
    box.querySelectorAll('input:checked').forEach(function (i) { checked[i.value] = true; });
    while (box.firstChild) box.removeChild(box.firstChild);
    names.forEach(function (r) {
      var label = document.createElement('label'), input = document.createElement('input'), code = document.createElement('code');
      label.className = 'check';
      input.type = 'checkbox'; input.name = 'reasons'; input.value = r; input.checked = !!checked[r];
      code.textContent = r;
      label.appendChild(input); label.appendChild(document.createTextNode(' ')); label.appendChild(code);
      label.appendChild(document.createTextNode(' (' + failed[r] + ')'));
      box.appendChild(label);
    });
  }

  function renderStatus(s) {
    ['rows', 'assigned', 'alreadyMember', 'failed', 'invalid', 'duplicate', 'pending'].forEach(function (k) { setField(k, s[k]); });
    var bar = section.querySelector('progress');
    var pct = s.rows === 0 ? 100 : Math.floor(((s.rows - s.pending) / s.rows) * 100);
    if (bar) { bar.max = s.rows || 1; bar.value = s.rows === 0 ? 1 : s.rows - s.pending; }
    var pctEl = section.querySelector('.pct');
    if (pctEl) pctEl.textContent = pct + '%';
    section.setAttribute('data-done', String(s.done));
  }

  function renderDetail(d) {
    var state = document.getElementById('state');
    state.textContent = d.state;
    state.className = 'state state-' + d.state;
    section.setAttribute('data-state', d.state);
    setField('requests', d.requests);
    var codes = d.httpStatusCounts || {}, fives = 0;
    Object.keys(codes).forEach(function (k) { if (/^5\\d\\d$/.test(k)) fives += codes[k]; });
    setField('http429', codes['429'] || 0);
    setField('http5xx', fives);
  }

  drawCharts();
  if (status.done) return;
  var events = new EventSource('/api/batches/' + encodeURIComponent(batchId) + '/events');
  events.addEventListener('status', function (e) {
    var s = JSON.parse(e.data);
    Object.keys(s).forEach(function (k) { status[k] = s[k]; });
    renderStatus(s);
  });
  events.addEventListener('detail', function (e) {
    var d = JSON.parse(e.data);
    reasons = d.reasons; http = d.httpStatusCounts;
    status.state = d.state;
    samples.push(d.sample);
    renderDetail(d);
    renderReasons();
    renderRetry();
    drawCharts();
  });
  // The failed rows' table is rendered by the server: take the finished batch's from a fresh copy of this page.
  function refreshFailures() {
    return fetch(location.pathname, { credentials: 'same-origin' }).then(function (res) { return res.text(); }).then(function (text) {
      var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('failures-section');
      var current = document.getElementById('failures-section');
      if (fresh && current) current.replaceWith(document.importNode(fresh, true));
    }).catch(function () { /* the table stays as it was; the downloads have everything */ });
  }

  events.addEventListener('end', function () {
    events.close();
    refreshFailures().then(function () { section.setAttribute('data-live', 'ended'); });
  });
  section.setAttribute('data-live', 'open');
})();
`;
