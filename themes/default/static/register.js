/* register: progressive enhancement for the register tables.
   Filters (index page) and sortable columns (every register table).
   Vanilla ES2017, no libraries; every page works without it. */
(function () {
  'use strict';

  // Process order of statuses, for sorting the Status column.
  var STATUS_ORDER = ['submitted', 'triage', 'ncsc-review', 'refinement', 'decided',
    'approved', 'scheduled', 'implemented', 'rejected', 'withdrawn'];

  function onReady(fn) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  function plural(n) {
    return n === 1 ? 'request' : 'requests';
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return '';
    if (cell.hasAttribute('data-value')) return cell.getAttribute('data-value');
    return cell.textContent.trim();
  }

  /* ---------- Sorting ---------- */

  function makeSortable(table) {
    var tbody = table.tBodies[0];
    var headRow = table.tHead && table.tHead.rows[0];
    if (!tbody || !headRow) return;
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.forEach(function (row, i) { row.setAttribute('data-order', String(i)); });
    var headers = Array.prototype.slice.call(headRow.cells);
    var collator = typeof Intl !== 'undefined' && Intl.Collator
      ? new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
      : null;

    function compareText(a, b) {
      if (a === b) return 0;
      if (a === '') return 1; // empty values last
      if (b === '') return -1;
      return collator ? collator.compare(a, b) : (a < b ? -1 : 1);
    }

    function keyFor(row, index, kind) {
      if (kind === 'status') {
        var pos = STATUS_ORDER.indexOf(row.getAttribute('data-status') || '');
        return pos < 0 ? STATUS_ORDER.length : pos;
      }
      return cellValue(row, index);
    }

    function sortBy(index, direction) {
      var kind = headers[index].getAttribute('data-sort') || 'text';
      var sign = direction === 'descending' ? -1 : 1;
      var current = Array.prototype.slice.call(tbody.rows);
      current.sort(function (a, b) {
        var ka = keyFor(a, index, kind);
        var kb = keyFor(b, index, kind);
        var c;
        if (typeof ka === 'number') {
          c = ka - kb;
        } else if (ka === '' || kb === '') {
          c = compareText(ka, kb); // keep empty last in both directions
          return c !== 0 ? c : Number(a.getAttribute('data-order')) - Number(b.getAttribute('data-order'));
        } else {
          c = compareText(ka, kb);
        }
        if (c !== 0) return c * sign;
        return Number(a.getAttribute('data-order')) - Number(b.getAttribute('data-order'));
      });
      // The caption no longer describes the order once the reader sorts.
      var order = table.querySelector('caption .caption-order');
      if (order) order.parentNode.removeChild(order);
      var frag = document.createDocumentFragment();
      current.forEach(function (row) { frag.appendChild(row); });
      tbody.appendChild(frag);
      headers.forEach(function (th, i) {
        if (i === index) {
          th.setAttribute('aria-sort', direction);
        } else {
          th.removeAttribute('aria-sort');
        }
      });
    }

    headers.forEach(function (th, index) {
      if (th.getAttribute('scope') !== 'col') return;
      var button = document.createElement('button');
      button.type = 'button';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        var next = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        sortBy(index, next);
      });
    });

    var caption = table.caption;
    if (caption && !caption.querySelector('.sort-hint')) {
      var hint = document.createElement('span');
      hint.className = 'visually-hidden sort-hint';
      hint.textContent = ' (column headers are buttons that sort the table)';
      caption.appendChild(hint);
    }
  }

  /* ---------- Filtering ---------- */

  function initFilters(form) {
    var table = document.getElementById(form.getAttribute('data-table') || '');
    if (!table || !table.tBodies[0]) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var total = rows.length;
    var status = document.getElementById(table.id + '-count');
    var fields = {
      q: form.elements.namedItem('q'),
      type: form.elements.namedItem('type'),
      status: form.elements.namedItem('status'),
      device: form.elements.namedItem('device')
    };
    var searchText = rows.map(function (row) {
      return (row.getAttribute('data-search') || row.textContent).toLowerCase();
    });
    var timer = null;

    function value(name) {
      var el = fields[name];
      return el && typeof el.value === 'string' ? el.value : '';
    }

    // Restore filters from the address (?q=...&status=...) so a filtered view can be shared.
    if (typeof URLSearchParams !== 'undefined') {
      var params = new URLSearchParams(window.location.search);
      Object.keys(fields).forEach(function (name) {
        var el = fields[name];
        var v = params.get(name);
        if (!el || v === null) return;
        if (el.tagName === 'SELECT') {
          var ok = Array.prototype.some.call(el.options, function (o) { return o.value === v; });
          if (ok) el.value = v;
        } else {
          el.value = v;
        }
      });
    }

    function announce(shown) {
      if (status) status.textContent = shown + ' of ' + total + ' ' + plural(total) + ' shown';
    }

    function updateAddress() {
      if (!window.history || !window.history.replaceState || typeof URLSearchParams === 'undefined') return;
      var params = new URLSearchParams();
      Object.keys(fields).forEach(function (name) {
        var v = value(name).trim();
        if (v) params.set(name, v);
      });
      var query = params.toString();
      try {
        window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
      } catch (e) { /* ignore: e.g. file:// pages */ }
    }

    function apply(delayAnnouncement) {
      var words = value('q').toLowerCase().split(/\s+/).filter(Boolean);
      var type = value('type');
      var st = value('status');
      var device = value('device');
      var shown = 0;
      rows.forEach(function (row, i) {
        var devices = (row.getAttribute('data-devices') || '').split('|');
        var match = (!type || row.getAttribute('data-type') === type) &&
          (!st || row.getAttribute('data-status') === st) &&
          (!device || devices.indexOf(device) !== -1) &&
          words.every(function (w) { return searchText[i].indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      // Debounce the live region so a screen reader is not interrupted on every key press.
      if (timer) clearTimeout(timer);
      if (delayAnnouncement) {
        timer = setTimeout(function () { announce(shown); }, 400);
      } else {
        announce(shown);
      }
      updateAddress();
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      apply(false);
    });
    form.addEventListener('input', function () { apply(true); });
    form.addEventListener('change', function () { apply(false); });
    form.addEventListener('reset', function () {
      // Values are reset after the event: apply on the next tick.
      setTimeout(function () { apply(false); }, 0);
    });

    form.hidden = false;
    apply(false);
  }

  onReady(function () {
    var tables = document.querySelectorAll('table[data-sortable]');
    Array.prototype.forEach.call(tables, makeSortable);
    var forms = document.querySelectorAll('form.filters[data-table]');
    Array.prototype.forEach.call(forms, initFilters);
  });
}());
