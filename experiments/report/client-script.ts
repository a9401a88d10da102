// The script of report pages, as text inlined after uPlot. It draws the charts described by the
// page's JSON (see PageData in page.ts), switches charts with a <select>, sorts tables by a click on
// a header, and tells tests it is done: window.__reportReady = true and
// document.body.dataset.charts = number of charts drawn (data-error holds a failure's message).
// Plain browser JavaScript in a string (not a serialised TS function: tsx would inject helpers).
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#a16207', '#db2777', '#4d7c0f', '#475569'];
  // Narrower than the slot on a phone would make the whole page scroll sideways.
  var MIN_WIDTH = 200;
  var HOLD = '#6b7280', PRICE = '#334155', POSITION = '#f59e0b', UP = '#16a34a', DOWN = '#dc2626';
  var expected = 0, drawn = 0, finished = false;
  var live = {};

  function finish(error) {
    if (finished) return;
    finished = true;
    document.body.dataset.charts = String(drawn);
    if (error) {
      document.body.dataset.error = String(error && error.stack || error);
      var p = document.createElement('p');
      p.className = 'error';
      p.textContent = 'Charts failed: ' + String(error && error.message || error);
      document.body.insertBefore(p, document.body.firstChild);
    }
    window.__reportReady = true;
  }

  function fmt(kind, v) {
    if (v == null || !isFinite(v)) return '-';
    if (kind === 'pct') return (v * 100).toFixed(2) + '%';
    if (kind === 'ratio') return v.toFixed(4);
    if (kind === 'position') return String(+v.toPrecision(4));
    if (kind === 'price') return Math.abs(v) >= 1000 ? v.toFixed(2) : String(+v.toPrecision(6));
    var a = Math.abs(v);
    return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(4));
  }
  function axisValues(kind) {
    return function (u, splits) {
      return splits.map(function (v) {
        if (v == null) return '';
        if (kind === 'pct') return +(v * 100).toPrecision(3) + '%';
        if (kind === 'ratio' || kind === 'position') return String(+v.toPrecision(3));
        return fmt('num', v);
      });
    };
  }
  function isoMinute(ms) { return new Date(ms).toISOString().slice(0, 16).replace('T', ' '); }

  function seriesOpts(s, spec, nextColor) {
    var fmtKind = s.scale === 'y2' ? spec.y2Format : spec.yFormat;
    var o = { label: s.label, scale: s.scale || 'y', spanGaps: !s.markers, width: s.bold ? 2.5 : s.thin ? 1 : 1.5,
      value: function (u, v) { return fmt(fmtKind, v); } };
    if (s.markers) {
      var c = s.markers === 'up' ? UP : s.markers === 'down' ? DOWN : (s.colour || nextColor());
      o.stroke = c;
      o.paths = function () { return null; };
      o.points = { show: true, size: 8, width: 1, stroke: c, fill: c, space: 0 };
      return o;
    }
    if (s.stepped) {
      o.stroke = POSITION;
      o.fill = 'rgba(245, 158, 11, 0.15)';
      o.paths = uPlot.paths.stepped({ align: 1 });
    } else if (s.dashed) {
      o.stroke = s.colour || HOLD;
      o.dash = s.dash && s.dash.length ? s.dash : [6, 4];
    } else if (s.label === 'price') {
      o.stroke = PRICE;
    } else {
      // A policy's own colour (the same on every page); the palette only for lines without one.
      o.stroke = s.colour || nextColor();
      if (s.dash && s.dash.length) o.dash = s.dash;
    }
    o.points = { show: false };
    return o;
  }

  function chartOpts(spec, el, sync) {
    var k = 0;
    var nextColor = function () { return PALETTE[k++ % PALETTE.length]; };
    var series = [{ label: spec.time ? 'time (UTC)' : (spec.xLabel || 'x'),
      value: spec.time ? function (u, v) { return v == null ? '-' : isoMinute(v); } : function (u, v) { return v == null ? '-' : String(v); } }];
    spec.series.forEach(function (s) { series.push(seriesOpts(s, spec, nextColor)); });
    var axes = [{ label: spec.time ? undefined : spec.xLabel },
      { scale: 'y', label: spec.yLabel, values: axisValues(spec.yFormat), size: 64 }];
    var scales = { x: { time: spec.time } };
    if (spec.y2Label) {
      axes.push({ scale: 'y2', side: 1, label: spec.y2Label, values: axisValues(spec.y2Format), grid: { show: false }, size: 56 });
      scales.y2 = { auto: true };
    }
    var opts = {
      width: Math.max(MIN_WIDTH, el.clientWidth),
      height: +(el.dataset.height || 320),
      ms: 1,
      series: series,
      axes: axes,
      scales: scales,
      legend: { live: true },
      cursor: sync ? { sync: { key: sync } } : {},
      hooks: { draw: [function (u) { onDraw(el); }] }
    };
    if (spec.time) opts.tzDate = function (ts) { return uPlot.tzDate(new Date(ts), 'Etc/UTC'); };
    return opts;
  }

  function onDraw(el) {
    if (el.dataset.drawn) return;
    el.dataset.drawn = '1';
    drawn++;
    if (drawn >= expected) finish();
  }

  function draw(id, spec, sync) {
    var el = document.querySelector('[data-chart="' + id + '"]');
    if (!el) return;
    if (live[id]) live[id].destroy();
    el.textContent = '';
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    live[id] = new uPlot(chartOpts(spec, el, sync), data, el);
  }

  function makeSortable(table) {
    var ths = Array.prototype.slice.call(table.tHead.rows[0].cells);
    ths.forEach(function (th, col) {
      var btn = th.querySelector('button');
      if (!btn) return;
      btn.addEventListener('click', function () {
        var numeric = th.dataset.type === 'num';
        var was = th.getAttribute('aria-sort');
        var dir = was === 'descending' ? 'ascending' : was === 'ascending' ? 'descending' : numeric ? 'descending' : 'ascending';
        ths.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir);
        var body = table.tBodies[0];
        // data-group-col: rows stay in their group (a walk-forward fold), sorted within it.
        var group = table.dataset.groupCol !== undefined && +table.dataset.groupCol !== col ? +table.dataset.groupCol : -1;
        var keyOf = function (c) { return !c ? '' : c.dataset.v !== undefined ? c.dataset.v : c.textContent; };
        var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
          return { r: r, i: i, k: keyOf(r.cells[col]), g: group < 0 ? 0 : +keyOf(r.cells[group]) };
        });
        rows.sort(function (a, b) {
          if (a.g !== b.g) return a.g - b.g;
          if (numeric) {
            var x = a.k === '' ? NaN : +a.k, y = b.k === '' ? NaN : +b.k;
            var xn = isNaN(x), yn = isNaN(y);
            if (xn || yn) return xn === yn ? a.i - b.i : xn ? 1 : -1;
            return (dir === 'ascending' ? x - y : y - x) || a.i - b.i;
          }
          var c = a.k.localeCompare(b.k, undefined, { numeric: true });
          return (dir === 'ascending' ? c : -c) || a.i - b.i;
        });
        rows.forEach(function (e) { body.appendChild(e.r); });
      });
    });
  }

  try {
    Array.prototype.slice.call(document.querySelectorAll('table.sortable')).forEach(makeSortable);
    var data = JSON.parse(document.getElementById('report-data').textContent);
    var ids = Object.keys(data.charts);
    expected = ids.length;
    if (expected === 0) finish();
    ids.forEach(function (id) {
      var entry = data.charts[id];
      var select = document.querySelector('select[data-switch="' + id + '"]');
      draw(id, entry.options[select ? +select.value || 0 : 0], entry.sync);
      if (select) select.addEventListener('change', function () { draw(id, entry.options[+select.value], entry.sync); });
    });
    var pending = 0;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        Object.keys(live).forEach(function (id) {
          var el = document.querySelector('[data-chart="' + id + '"]');
          live[id].setSize({ width: Math.max(MIN_WIDTH, el.clientWidth), height: +(el.dataset.height || 320) });
        });
      }, 100);
    });
  } catch (err) {
    finish(err);
  }
})();
`;
