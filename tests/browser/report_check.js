// Injected first into <head> of a copy of the report by
// report_browser_test.py. Records console errors and failed loads from the
// start, then on load measures the page and writes the results as JSON into
// a pre element (id critgraph-test-results) that `chromium --dump-dom` prints.
(function () {
  var errors = [];
  var origError = console.error;
  console.error = function () {
    errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    origError.apply(console, arguments);
  };
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) {
      errors.push('failed to load: ' + (t.src || t.href));
    } else {
      errors.push('error: ' + e.message);
    }
  }, true);

  function box(el) {
    var b = el.getBBox();
    return {x: b.x, y: b.y, w: b.width, h: b.height};
  }
  function inside(inner, outer, slack) {
    return inner.x >= outer.x - slack && inner.y >= outer.y - slack &&
        inner.x + inner.w <= outer.x + outer.w + slack &&
        inner.y + inner.h <= outer.y + outer.h + slack;
  }
  // Each Graphviz node: every text line inside the node's shape.
  function svgOverflow(root, where) {
    var out = [];
    root.querySelectorAll('g.node').forEach(function (g) {
      var shape = g.querySelector('polygon, path, ellipse, rect');
      if (!shape) return;
      var sb = box(shape);
      g.querySelectorAll('text').forEach(function (t) {
        if (!t.textContent.trim()) return;
        var tb = box(t);
        if (!inside(tb, sb, 1)) {
          out.push(where + ': "' + t.textContent + '" overflows its box');
        }
      });
    });
    return out;
  }
  // HTML cells: content wider than the cell.
  function cellOverflow(root, where) {
    var out = [];
    root.querySelectorAll('td, th').forEach(function (c) {
      if (c.scrollWidth > c.clientWidth + 1) {
        out.push(where + ': cell "' + c.textContent.slice(0, 40) +
                 '" overflows');
      }
    });
    return out;
  }

  window.addEventListener('load', function () {
    var r = {errors: errors, overflow: [], sections: {}, images: [],
             resources: performance.getEntriesByType('resource').map(
                 function (e) { return e.name; }),
             scrollWidth: document.documentElement.scrollWidth,
             innerWidth: window.innerWidth};
    ['overview', 'lists', 'crosswalk', 'dependencies', 'footer'].forEach(
        function (id) {
          var el = document.getElementById(id);
          r.sections[id] = el ? el.textContent.trim().length : -1;
        });
    r.lineage = {};
    document.querySelectorAll('figure.lineage').forEach(function (f) {
      var svg = f.querySelector('svg');
      var rect = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      r.lineage[f.dataset.list] = {
        width: rect.width, height: rect.height,
        nodes: f.querySelectorAll('g.node').length,
        strokes: Array.prototype.map.call(
            f.querySelectorAll('g.edge path'),
            function (p) { return p.getAttribute('stroke'); })
      };
      r.overflow = r.overflow.concat(svgOverflow(f, 'lineage ' +
                                                 f.dataset.list));
    });
    document.querySelectorAll('figure.dependencies').forEach(function (f) {
      r.overflow = r.overflow.concat(svgOverflow(f, 'dependencies'));
    });
    document.querySelectorAll('img').forEach(function (img) {
      if (!img.complete || img.naturalWidth === 0) r.images.push(img.src);
    });
    document.querySelectorAll('svg').forEach(function (svg, i) {
      var rect = svg.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) r.images.push('svg #' + i);
    });
    var matrix = document.getElementById('crosswalk-matrix');
    r.matrix = [];
    if (matrix) {
      matrix.querySelectorAll('td.cell').forEach(function (c) {
        r.matrix.push({a: c.dataset.a, b: c.dataset.b,
                       links: +c.dataset.links, mapped_a: +c.dataset.mappedA});
      });
      r.overflow = r.overflow.concat(cellOverflow(matrix, 'crosswalk matrix'));
    }
    r.pairs = 0;
    document.querySelectorAll('.crosswalk-pair').forEach(function (p) {
      r.pairs++;
      r.overflow = r.overflow.concat(
          cellOverflow(p, 'crosswalk ' + p.dataset.a + ' x ' + p.dataset.b));
    });
    r.unmapped = document.querySelectorAll('tr.unmapped').length;
    r.versions = {};
    document.querySelectorAll('table.versions tr[data-list]').forEach(
        function (tr) {
          var l = tr.dataset.list;
          (r.versions[l] = r.versions[l] || []).push(
              parseInt(tr.querySelector('td.count').textContent, 10));
        });
    r.events = {};
    document.querySelectorAll('section.list').forEach(function (s) {
      r.events[s.id] = Array.prototype.map.call(
          s.querySelectorAll('tr.event'),
          function (tr) { return tr.textContent; });
    });
    var pre = document.createElement('pre');
    pre.id = 'critgraph-test-results';
    pre.textContent = JSON.stringify(r);
    document.body.appendChild(pre);
  });
})();
