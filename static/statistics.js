// Draws a chart above every table marked data-chart="bar" or "line", from the same figures:
// each column whose cells carry data-value is one series. The table stays: it is the
// accessible form of the chart and the page is complete without this script.
(function () {
  'use strict';
  if (typeof window.Chart === 'undefined') return;
  var colours = ['#1d4e89', '#b35900', '#2e7d32', '#6a1b9a'];
  var tables = document.querySelectorAll('table[data-chart]');
  Array.prototype.forEach.call(tables, function (table) {
    var kind = table.getAttribute('data-chart') === 'line' ? 'line' : 'bar';
    var heads = table.querySelectorAll('thead th');
    var rows = table.querySelectorAll('tbody tr');
    if (rows.length === 0) return;
    var labels = [];
    var series = {};
    Array.prototype.forEach.call(rows, function (row) {
      var head = row.querySelector('th');
      labels.push(head ? head.textContent.trim() : '');
      Array.prototype.forEach.call(row.children, function (cell, column) {
        if (!cell.hasAttribute('data-value')) return;
        (series[column] = series[column] || []).push(Number(cell.getAttribute('data-value')));
      });
    });
    var datasets = Object.keys(series).map(function (column, i) {
      return {
        label: heads[column] ? heads[column].textContent.trim() : '',
        data: series[column],
        backgroundColor: colours[i % colours.length],
        borderColor: colours[i % colours.length]
      };
    });
    var canvas = document.createElement('canvas');
    var holder = document.createElement('div');
    holder.className = 'chart';
    // A picture of the table that follows: screen readers read the table instead.
    holder.setAttribute('aria-hidden', 'true');
    holder.style.height = kind === 'bar' ? Math.max(160, 28 * labels.length + 60) + 'px' : '260px';
    holder.appendChild(canvas);
    table.parentNode.insertBefore(holder, table);
    new window.Chart(canvas, {
      type: kind,
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: kind === 'bar' ? 'y' : 'x',
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
  });
})();
