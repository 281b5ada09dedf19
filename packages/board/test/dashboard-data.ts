import { SummaryWriter } from '../src/index';

/** A small but complete log dir: two runs of scalars, histograms, images, text, hparams, a graph. */
export async function writeDashboardRuns(logDir: string): Promise<void> {
  for (const [run, rate] of [
    ['baseline', 0.15],
    ['wide', 0.3],
  ] as const) {
    const w = new SummaryWriter(`${logDir}/${run}`);
    for (let step = 0; step < 50; step++) {
      const noise = Math.sin(step * 1.7 + rate * 10) * 0.05;
      w.addScalar('train/loss', Math.exp(-rate * step * 0.2) + noise, step, 1700000000 + step * 30);
      w.addScalar('train/accuracy', 1 - Math.exp(-rate * step * 0.1), step, 1700000000 + step * 30);
      w.addScalar('lr', 0.01, step, 1700000000 + step * 30);
      if (step % 10 === 0) {
        const weights = Array.from(
          { length: 500 },
          (_, i) => Math.sin(i * 12.9898) * (1 + step / 25) + rate,
        );
        w.addHistogram('layer1/weights', weights, step);
        w.addImage('samples', gradientImage(step, rate), step);
      }
    }
    w.addText(
      'notes',
      `## Run ${run}\n\nLearning rate **${rate}**.\n\n<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">\n\n[click](javascript:window.__xss=3)`,
    );
    w.addHparams(
      { lr: rate, optimizer: run === 'wide' ? 'adam' : 'sgd' },
      { 'hparam/accuracy': 0.8 + rate / 2 },
      { runName: 'hp' },
    );
    // A classifier's PR curve at two steps: scores that separate the classes better later.
    const labels = Array.from({ length: 200 }, (_, i) => i % 2);
    for (const step of [10, 40]) {
      const sharp = step / 80;
      const scores = labels.map((l, i) => {
        const noise = (Math.sin(i * 7.31 + rate) + 1) / 2;
        return Math.min(1, Math.max(0, (1 - sharp) * noise + sharp * (l * 0.6 + noise * 0.4)));
      });
      w.addPrCurve('pr/positive', labels, scores, step);
    }
    if (run === 'baseline') {
      // Two clusters in 5 dimensions, labelled, with an 8x8 thumbnail each (red or blue).
      const mat = Array.from({ length: 40 }, (_, i) =>
        Array.from(
          { length: 5 },
          (_, k) => (i % 2 ? 3 : -3) * (k === 0 ? 1 : 0.2) + Math.sin(i * 3.1 + k),
        ),
      );
      const thumbs = mat.map((_, i) =>
        [0, 1, 2].map((c) =>
          Array.from({ length: 8 }, () => Array(8).fill(c === (i % 2 ? 2 : 0) ? 1 : 0.2)),
        ),
      );
      w.addEmbedding(mat, {
        metadata: mat.map((_, i) => (i % 2 ? 'blue' : 'red')),
        labelImg: thumbs,
        tag: 'clusters',
      });
    }
    // Train and test loss on one chart, and the loss with a band around it.
    for (let step = 0; step < 50; step += 5) {
      const loss = Math.exp(-rate * step * 0.2);
      w.addScalar('test/loss', loss * 1.1, step, 1700000000 + step * 30);
      w.addScalar('loss/upper', loss * 1.3, step, 1700000000 + step * 30);
      w.addScalar('loss/lower', loss * 0.7, step, 1700000000 + step * 30);
    }
    w.addCustomScalars({
      losses: {
        'train and test loss': ['Multiline', ['train/loss', 'test/loss']],
        'loss with margin': ['Margin', ['train/loss', 'loss/lower', 'loss/upper']],
      },
    });
    w.addGraph({
      nodes: [
        { name: 'input', op: 'Placeholder', outputShape: [32, 784] },
        { name: 'linear1', op: 'Linear', outputShape: [32, 128] },
        { name: 'relu', op: 'ReLU', outputShape: [32, 128] },
        { name: 'linear2', op: 'Linear', outputShape: [32, 10] },
        { name: 'loss', op: 'CrossEntropy', outputShape: [] },
      ],
      edges: [
        { from: 'input', to: 'linear1' },
        { from: 'linear1', to: 'relu' },
        { from: 'relu', to: 'linear2' },
        { from: 'linear2', to: 'loss' },
      ],
    });
    await w.close();
  }
}

// A 3×32×32 CHW float image whose colours change with step and run.
function gradientImage(step: number, rate: number): number[][][] {
  const size = 32;
  const plane = (f: (x: number, y: number) => number) =>
    Array.from({ length: size }, (_, y) => Array.from({ length: size }, (_, x) => f(x, y)));
  return [
    plane((x) => x / (size - 1)),
    plane((_, y) => y / (size - 1)),
    plane((x, y) => ((Math.sin((x + y + step) / 4) + 1) / 2) * rate * 3),
  ];
}
