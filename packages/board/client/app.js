import { histogramChart, lineChart, prChart, scatterChart } from './charts.js';
import { h } from './dom.js';
import { graphChart } from './graph.js';

const PALETTE = [
  '#e8710a',
  '#1a73e8',
  '#12b5cb',
  '#e52592',
  '#9334e6',
  '#7cb342',
  '#f9ab00',
  '#5f6368',
];
// Labels of an embedding (ten classes and more) need more distinct colors than runs do.
const LABEL_PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#e7ba52',
];
const POLL_MS = 5000;
const state = {
  smoothing: 0.6,
  xAxis: 'step',
  hidden: new Set(),
  imageIndex: new Map(),
  graphRun: null,
  runs: [],
  labels: new Map(),
};

/** What the page shows for a run: '.' (the log dir's own events) as the log dir's name. */
const labelOf = (run) => state.labels.get(run) ?? run;
const colorOf = (run) => PALETTE[Math.max(0, state.runs.indexOf(run)) % PALETTE.length];
const visible = (run) => !state.hidden.has(run);

async function getJson(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function fill(sectionId, items) {
  const section = document.getElementById(sectionId);
  section.classList.toggle('empty', items.length === 0);
  section.querySelector('.grid, .list').replaceChildren(...items);
}

const card = (title, sub, ...body) =>
  h(
    'div',
    { class: 'card' },
    h('h3', {}, title),
    sub ? h('div', { class: 'sub' }, sub) : '',
    ...body,
  );

// x values per axis mode; scalar points are [step, wallTime, value].
function xOf(points) {
  if (state.xAxis === 'step') return (p) => p[0];
  if (state.xAxis === 'wall') return (p) => p[1];
  const start = points[0]?.[1] ?? 0;
  return (p) => (p[1] - start) / 3600;
}

function formatX(x) {
  if (state.xAxis === 'wall') return new Date(x * 1000).toLocaleTimeString();
  if (state.xAxis === 'relative') return `${x.toFixed(2)}h`;
  return String(Math.round(x));
}

// The CSP forbids inline style attributes; setting the style through the DOM is allowed.
function swatch(color) {
  const el = h('span', { class: 'swatch' });
  el.style.background = color;
  return el;
}

function renderRuns(runs) {
  state.runs = runs.map((r) => r.name);
  state.labels = new Map(runs.map((r) => [r.name, r.label ?? r.name]));
  const labels = runs.map((r) =>
    h(
      'label',
      {},
      h('input', {
        type: 'checkbox',
        ...(visible(r.name) ? { checked: '' } : {}),
        onchange: (e) => toggleRun(r.name, e.target.checked),
      }),
      swatch(colorOf(r.name)),
      labelOf(r.name),
    ),
  );
  document.getElementById('runs').replaceChildren(h('legend', {}, 'Runs'), ...labels);
}

function toggleRun(run, on) {
  if (on) state.hidden.delete(run);
  else state.hidden.add(run);
  render();
}

function renderScalars(scalars) {
  fill(
    'scalars',
    Object.entries(scalars)
      .sort()
      .map(([tag, byRun]) => {
        const series = Object.entries(byRun)
          .filter(([run]) => visible(run))
          .map(([run, points]) => {
            const x = xOf(points);
            const pts = points.map((p) => [x(p), p[2]]);
            return { name: run, label: labelOf(run), color: colorOf(run), points: pts };
          });
        return h(
          'div',
          { class: 'card scalar-card', 'data-tag': tag },
          h('h3', {}, tag),
          lineChart(series, { smoothing: state.smoothing, formatX }),
        );
      }),
  );
}

/** Series of the scalar tags matching a chart's patterns (regular expressions, as TensorBoard). */
function matching(patterns, scalars) {
  const tests = patterns.map((p) => {
    try {
      const re = new RegExp(p);
      return (tag) => re.test(tag);
    } catch {
      return (tag) => tag === p;
    }
  });
  return Object.keys(scalars)
    .sort()
    .filter((tag) => tests.some((t) => t(tag)));
}

function seriesOf(tag, scalars, k) {
  return Object.entries(scalars[tag] ?? {})
    .filter(([run]) => visible(run))
    .map(([run, points]) => {
      const x = xOf(points);
      return {
        name: `${tag}|${run}`,
        label: `${tag} (${labelOf(run)})`,
        color: PALETTE[(state.runs.indexOf(run) + k) % PALETTE.length],
        points: points.map((p) => [x(p), p[2]]),
      };
    });
}

function renderCustomScalars(categories, scalars) {
  fill(
    'custom-scalars',
    categories.map((cat) => {
      const charts = cat.charts.map((chart) => {
        let series = [];
        let bands = [];
        if (chart.multiline) {
          series = matching(chart.multiline.tag, scalars).flatMap((tag, k) =>
            seriesOf(tag, scalars, k),
          );
        } else if (chart.margin) {
          for (const m of chart.margin.series) {
            const value = seriesOf(m.value, scalars, 0);
            series.push(...value);
            bands = bands.concat(
              value.map((v, i) => ({
                color: v.color,
                lower: seriesOf(m.lower, scalars, 0)[i]?.points ?? [],
                upper: seriesOf(m.upper, scalars, 0)[i]?.points ?? [],
              })),
            );
          }
        }
        return h(
          'div',
          { class: 'card custom-chart', 'data-title': chart.title },
          h('h3', {}, chart.title),
          series.length
            ? lineChart(series, { smoothing: state.smoothing, formatX, bands })
            : h('div', { class: 'sub' }, 'no matching scalars'),
        );
      });
      return h(
        'div',
        { class: 'category' },
        h('h3', {}, cat.title),
        h('div', { class: 'grid' }, ...charts),
      );
    }),
  );
}

function renderPrCurves(prCurves) {
  fill(
    'pr-curves',
    Object.entries(prCurves)
      .sort()
      .map(([tag, byRun]) => {
        const runs = Object.entries(byRun).filter(([run]) => visible(run));
        const latest = runs.map(([run, steps]) => ({ run, ...steps[steps.length - 1] }));
        const sub = latest.map((c) => `${labelOf(c.run)} · step ${c.step}`).join(', ');
        return h(
          'div',
          { class: 'card pr-card', 'data-tag': tag },
          h('h3', {}, tag),
          h('div', { class: 'sub' }, sub),
          prChart(
            latest.map((c) => ({
              name: c.run,
              label: labelOf(c.run),
              color: colorOf(c.run),
              precision: c.precision,
              recall: c.recall,
            })),
          ),
        );
      }),
  );
}

function renderEmbeddings(embeddings) {
  fill(
    'projector',
    embeddings
      .filter((e) => visible(e.run))
      .map((e) => {
        const distinct = [...new Set(e.labels ?? [])];
        const colorOfLabel = (l) => LABEL_PALETTE[distinct.indexOf(l) % LABEL_PALETTE.length];
        const spriteUrl = `/api/sprite?run=${encodeURIComponent(e.run)}&index=${e.index}`;
        const pct = (v) => `${(100 * v).toFixed(1)}%`;
        const legend = distinct
          .slice(0, 20)
          .map((l) => h('span', { class: 'legend-item' }, swatch(colorOfLabel(l)), l));
        return h(
          'div',
          { class: 'card embedding-card', 'data-tag': e.tag },
          h('h3', {}, e.tag),
          h(
            'div',
            { class: 'sub' },
            `${labelOf(e.run)} · ${e.points.length} points of ${e.dims} values · PCA: ${pct(e.variance[0])} and ${pct(e.variance[1])} of the variance`,
          ),
          scatterChart({ ...e, spriteUrl }, colorOfLabel),
          h('div', { class: 'legend' }, ...legend),
        );
      }),
  );
}

function renderHistograms(histograms) {
  fill(
    'histograms',
    Object.entries(histograms)
      .sort()
      .flatMap(([tag, byRun]) =>
        Object.entries(byRun)
          .filter(([run]) => visible(run))
          .map(([run, steps]) => card(tag, labelOf(run), histogramChart(steps, colorOf(run)))),
      ),
  );
}

function imageCard(tag, run, points) {
  const key = `${run}\u0000${tag}`;
  const pick = () =>
    points[Math.min(state.imageIndex.get(key) ?? points.length - 1, points.length - 1)];
  const src = (p) =>
    `/api/image?run=${encodeURIComponent(run)}&tag=${encodeURIComponent(tag)}&index=${p.index}`;
  const img = h('img', { src: src(pick()), alt: `${tag} (${labelOf(run)})` });
  const label = h('div', { class: 'sub' }, `${labelOf(run)} · step ${pick().step}`);
  const slider = h('input', {
    type: 'range',
    min: 0,
    max: points.length - 1,
    value: points.indexOf(pick()),
    'aria-label': 'step',
    oninput: (e) => {
      state.imageIndex.set(key, Number(e.target.value));
      img.src = src(pick());
      label.textContent = `${labelOf(run)} · step ${pick().step}`;
    },
  });
  return h(
    'div',
    { class: 'card image-card' },
    h('h3', {}, tag),
    label,
    img,
    points.length > 1 ? slider : '',
  );
}

function renderImages(images) {
  fill(
    'images',
    Object.entries(images)
      .sort()
      .flatMap(([tag, byRun]) =>
        Object.entries(byRun)
          .filter(([run]) => visible(run))
          .map(([run, points]) => imageCard(tag, run, points)),
      ),
  );
}

function renderText(text) {
  fill(
    'text',
    Object.entries(text)
      .sort()
      .flatMap(([tag, byRun]) =>
        Object.entries(byRun)
          .filter(([run]) => visible(run))
          .map(([run, points]) => {
            // html was rendered and escaped by the server's safe Markdown renderer.
            const entries = points.map((p) => {
              const body = h('div', { class: 'markdown' });
              body.innerHTML = p.html;
              return h('div', {}, h('div', { class: 'sub' }, `step ${p.step}`), body);
            });
            return card(tag, labelOf(run), ...entries);
          }),
      ),
  );
}

function renderHparams({ hparams, metrics, sessions }) {
  if (!sessions.length) return fill('hparams', []);
  const cell = (v) =>
    h(
      'td',
      {},
      v === null || v === undefined
        ? '—'
        : typeof v === 'number'
          ? String(Number(v.toPrecision(6)))
          : String(v),
    );
  const head = h(
    'tr',
    {},
    h('th', {}, 'run'),
    ...hparams.map((k) => h('th', {}, k)),
    ...metrics.map((m) => h('th', {}, m)),
  );
  const rows = sessions.map((ses) =>
    h(
      'tr',
      {},
      h('td', {}, labelOf(ses.run)),
      ...hparams.map((k) => cell(ses.values[k])),
      ...metrics.map((m) => cell(ses.metrics[m])),
    ),
  );
  fill('hparams', [
    h('table', { class: 'hparams' }, h('thead', {}, head), h('tbody', {}, ...rows)),
  ]);
}

async function renderGraph(runs) {
  const withGraph = runs.filter((r) => r.graph).map((r) => r.name);
  if (!withGraph.length) return fill('graph', []);
  if (!withGraph.includes(state.graphRun)) state.graphRun = withGraph[0];
  const nodes = await getJson(`/api/graph?run=${encodeURIComponent(state.graphRun)}`);
  const select = h(
    'select',
    {
      onchange: (e) => {
        state.graphRun = e.target.value;
        render();
      },
    },
    ...withGraph.map((r) =>
      h('option', { value: r, ...(r === state.graphRun ? { selected: '' } : {}) }, labelOf(r)),
    ),
  );
  fill('graph', [
    card(`${nodes.length} nodes`, '', h('label', {}, 'Run ', select), graphChart(nodes)),
  ]);
}

let data;

async function render() {
  renderRuns(data.runs);
  renderScalars(data.scalars);
  renderCustomScalars(data.customScalars, data.scalars);
  renderPrCurves(data.prCurves);
  renderHistograms(data.histograms);
  renderImages(data.images);
  renderText(data.text);
  renderHparams(data.hparams);
  renderEmbeddings(data.embeddings);
  await renderGraph(data.runs);
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    const views = ['runs', 'scalars', 'histograms', 'images', 'text', 'hparams'];
    const more = ['pr-curves', 'custom-scalars', 'embeddings'];
    const [runs, scalars, histograms, images, text, hparams, prCurves, customScalars, embeddings] =
      await Promise.all([...views, ...more].map((p) => getJson(`/api/${p}`)));
    data = {
      ...{ runs, scalars, histograms, images, text, hparams },
      ...{ prCurves, customScalars, embeddings },
    };
    await render();
    status.textContent = `${runs.length} run(s) · updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.ready = 'true';
  } catch (err) {
    status.textContent = `update failed: ${err.message}`;
  }
}

document.getElementById('smoothing').addEventListener('input', (e) => {
  state.smoothing = Number(e.target.value);
  document.getElementById('smoothing-value').textContent = state.smoothing.toFixed(2);
  if (data) {
    renderScalars(data.scalars);
    renderCustomScalars(data.customScalars, data.scalars);
  }
});
document.getElementById('x-axis').addEventListener('change', (e) => {
  state.xAxis = e.target.value;
  if (data) {
    renderScalars(data.scalars);
    renderCustomScalars(data.customScalars, data.scalars);
  }
});

refresh();
setInterval(refresh, POLL_MS);
