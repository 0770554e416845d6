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

  // A cell's sort key: its date (ISO, from <time datetime>) when it shows
  // one, empty for an empty cell or a date column without a date.
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return '';
    if (cell.hasAttribute('data-value')) return cell.getAttribute('data-value');
    var time = cell.querySelector('time');
    if (time && cell.classList.contains('col-date')) return time.getAttribute('datetime') || '';
    if (cell.classList.contains('col-date') && !time) return '';
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

  // Orders of the "Sort by" choice: a row attribute and a direction.
  var SORTS = {
    '': ['submitted', -1],
    'submitted-asc': ['submitted', 1],
    'decided-desc': ['decided', -1],
    'effect-desc': ['effect', -1],
    'updated-desc': ['updated', -1],
    'id-asc': ['id', 1]
  };
  // The date a row shows in the column whose header has data-key="key",
  // ISO from its <time datetime>, or '' when the cell has none.
  function dateIn(row, column) {
    var cell = column === undefined ? null : row.cells[column];
    var time = cell && cell.querySelector('time');
    return time ? time.getAttribute('datetime') || '' : '';
  }

  function dateColumns(table) {
    var columns = {};
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      var key = th.getAttribute('data-key');
      if (key) columns[key] = i;
    });
    return columns;
  }

  function checkboxes(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name && el.type === 'checkbox';
    });
  }

  function initFilters(form) {
    var table = document.getElementById(form.getAttribute('data-table') || '');
    if (!table || !table.tBodies[0]) return;
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var total = rows.length;
    var status = document.getElementById(table.id + '-count');
    var selects = ['q', 'type', 'device', 'year', 'year_of', 'sort'];
    var statusBoxes = checkboxes(form, 'status');
    var groupBoxes = checkboxes(form, 'group');
    // A row's words: its text, and what it names without showing (mitigations).
    var columns = dateColumns(table);
    // Each row's dates, read once: { submitted, decided, effect, updated, id }.
    var dates = rows.map(function (row, i) {
      row.setAttribute('data-row', String(i));
      var d = { id: row.cells[0].textContent };
      Object.keys(columns).forEach(function (key) { d[key] = dateIn(row, columns[key]); });
      return d;
    });
    function dateOf(row, key) {
      return dates[Number(row.getAttribute('data-row'))][key] || '';
    }
    var searchText = rows.map(function (row) {
      return (row.textContent + ' ' + (row.getAttribute('data-search') || '')).toLowerCase();
    });
    var timer = null;

    function field(name) { return form.elements.namedItem(name); }
    function value(name) {
      var el = field(name);
      return el && typeof el.value === 'string' ? el.value : '';
    }
    function chosenStatuses() {
      return statusBoxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    }
    // A group's box is checked when all of its statuses are, mixed when some are.
    function syncGroups() {
      groupBoxes.forEach(function (g) {
        var members = statusBoxes.filter(function (b) { return b.getAttribute('data-group') === g.value; });
        var on = members.filter(function (b) { return b.checked; }).length;
        g.checked = members.length > 0 && on === members.length;
        g.indeterminate = on > 0 && on < members.length;
      });
    }

    // Restore filters from the address, so a shared link shows the same view.
    function restore() {
      if (typeof URLSearchParams === 'undefined') return;
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (name) {
        var el = field(name);
        var v = params.get(name);
        if (!el || v === null) return;
        if (el.tagName === 'SELECT') {
          var ok = Array.prototype.some.call(el.options, function (o) { return o.value === v; });
          if (ok) el.value = v;
        } else {
          el.value = v;
        }
      });
      var wanted = params.getAll('status');
      statusBoxes.forEach(function (b) {
        b.checked = wanted.indexOf(b.value) !== -1 || wanted.indexOf(b.getAttribute('data-group')) !== -1;
      });
      syncGroups();
    }

    function announce(shown) {
      if (status) status.textContent = shown + ' of ' + total + ' ' + plural(total) + ' shown';
    }

    function updateAddress() {
      if (!window.history || !window.history.replaceState || typeof URLSearchParams === 'undefined') return;
      var params = new URLSearchParams();
      selects.forEach(function (name) {
        var v = value(name).trim();
        if (v && !(name === 'year_of' && (v === 'submitted' || !value('year')))) params.set(name, v);
      });
      var chosen = chosenStatuses();
      groupBoxes.forEach(function (g) {
        if (!g.checked) return;
        params.append('status', g.value);
        chosen = chosen.filter(function (s) {
          return !statusBoxes.some(function (b) { return b.value === s && b.getAttribute('data-group') === g.value; });
        });
      });
      chosen.forEach(function (s) { params.append('status', s); });
      var query = params.toString();
      try {
        window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
      } catch (e) { /* ignore: e.g. file:// pages */ }
    }

    function order() {
      var sort = SORTS[value('sort')] || SORTS[''];
      var sorted = rows.slice().sort(function (a, b) {
        var ka = dateOf(a, sort[0]);
        var kb = dateOf(b, sort[0]);
        if (ka === kb) return Number(a.getAttribute('data-order')) - Number(b.getAttribute('data-order'));
        if (ka === '') return 1; // rows without the date go last either way
        if (kb === '') return -1;
        return (ka < kb ? -1 : 1) * sort[1];
      });
      var frag = document.createDocumentFragment();
      sorted.forEach(function (row) { frag.appendChild(row); });
      tbody.appendChild(frag);
    }

    function matches(row, i, f) {
      var devices = (row.getAttribute('data-devices') || '').split('|');
      var year = dateOf(row, f.yearOf || 'submitted').slice(0, 4);
      return (!f.type || row.getAttribute('data-type') === f.type) &&
        (f.statuses.length === 0 || f.statuses.indexOf(row.getAttribute('data-status')) !== -1) &&
        (!f.device || devices.indexOf(f.device) !== -1) &&
        (!f.year || year === f.year) &&
        f.words.every(function (w) { return searchText[i].indexOf(w) !== -1; });
    }

    function apply(delayAnnouncement, sortToo) {
      var f = {
        words: value('q').toLowerCase().split(/\s+/).filter(Boolean),
        type: value('type'),
        device: value('device'),
        year: value('year'),
        yearOf: value('year_of'),
        statuses: chosenStatuses()
      };
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = matches(row, i, f);
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (sortToo) order();
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
      apply(false, false);
    });
    form.addEventListener('input', function () { apply(true, false); });
    form.addEventListener('change', function (event) {
      var t = event.target;
      if (t && t.name === 'group') {
        statusBoxes.forEach(function (b) {
          if (b.getAttribute('data-group') === t.value) b.checked = t.checked;
        });
      }
      syncGroups();
      apply(false, t && t.name === 'sort');
    });
    form.addEventListener('reset', function () {
      // Values are reset after the event: apply on the next tick.
      setTimeout(function () { syncGroups(); apply(false, true); }, 0);
    });

    restore();
    form.hidden = false;
    apply(false, value('sort') !== '');
  }

  onReady(function () {
    var tables = document.querySelectorAll('table[data-sortable]');
    Array.prototype.forEach.call(tables, makeSortable);
    var forms = document.querySelectorAll('form.filters[data-table]');
    Array.prototype.forEach.call(forms, initFilters);
  });
}());
