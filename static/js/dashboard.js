/* Dashboards: the year selector submits on change, and every card draws its
 * trend with Chart.js from the json_script block "dashboard-data". The same
 * numbers are in each card's table ("Xem bảng số liệu"), so the page reads
 * fine without JavaScript. */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "vi").toLowerCase();
  var locale = lang.indexOf("en") === 0 ? "en-GB" : "vi-VN";
  var fmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

  function formatPercent(value) {
    return value === null || value === undefined ? "—" : fmt.format(value) + "\u00a0%";
  }

  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  var dataNode = document.getElementById("dashboard-data");
  if (!dataNode || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var labels = data.labels || {};

  function flat(years, value) {
    return years.map(function () {
      return value;
    });
  }

  function draw(spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) {
      return;
    }
    var datasets = [
      {
        label: spec.kind === "share" ? labels.share : labels.growth,
        data: spec.values,
        borderColor: "#0b5563",
        backgroundColor: "#0b5563",
        borderWidth: 2,
        pointRadius: 3,
        spanGaps: true,
      },
    ];
    if (spec.target2025 !== null) {
      datasets.push({
        label: spec.target2030 === spec.target2025 ? labels.targetBoth : labels.target2025,
        data: flat(spec.years, spec.target2025),
        borderColor: "#b35c00",
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
      });
    }
    if (spec.target2030 !== null && spec.target2030 !== spec.target2025) {
      datasets.push({
        label: labels.target2030,
        data: flat(spec.years, spec.target2030),
        borderColor: "#6f42c1",
        borderDash: [2, 3],
        borderWidth: 1.5,
        pointRadius: 0,
      });
    }
    if (spec.targetMax !== null) {
      datasets.push({
        label: labels.targetMax,
        data: flat(spec.years, spec.targetMax),
        borderColor: "#6f42c1",
        borderDash: [2, 6],
        borderWidth: 1,
        pointRadius: 0,
      });
    }
    var suggestedMax = spec.kind === "share" ? 100 : undefined;
    new Chart(canvas, {
      type: "line",
      data: { labels: spec.years.map(String), datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: {
            beginAtZero: true,
            suggestedMax: suggestedMax,
            ticks: {
              callback: function (value) {
                return fmt.format(value);
              },
            },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 11 } } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + formatPercent(ctx.parsed.y);
              },
            },
          },
        },
      },
    });
  }

  (data.charts || []).forEach(draw);
})();
