/** modelGraph: a traced forward pass as the board's Graph tab reads it (add_graph). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuns, SummaryWriter } from '@tensile/board';
import * as T from '@tensile/tensor';
import { models } from '@tensile/vision';
import { describe, expect, it } from 'vitest';
import { modelGraph } from '../src/index';

describe('modelGraph', () => {
  it('names LeNet-5 ops by the modules they ran in and chains them input to output', () => {
    const { nodes } = modelGraph(models.lenet5(), T.randn([1, 1, 28, 28]));
    expect(nodes.map((n) => n.name)).toEqual([
      'input',
      'Sequential/Conv2d[0]/conv.1',
      'Sequential/ReLU[1]/relu.1',
      'Sequential/MaxPool2d[2]/maxPool2d.1',
      'Sequential/Conv2d[3]/conv.2',
      'Sequential/ReLU[4]/relu.2',
      'Sequential/MaxPool2d[5]/maxPool2d.2',
      'Sequential/Flatten[6]/view.1',
      'Sequential/Linear[7]/matmul.1',
      'Sequential/Linear[7]/add.1',
      'Sequential/ReLU[8]/relu.3',
      'Sequential/Linear[9]/matmul.2',
      'Sequential/Linear[9]/add.2',
      'Sequential/ReLU[10]/relu.4',
      'Sequential/Linear[11]/matmul.3',
      'Sequential/Linear[11]/add.3',
      'output',
    ]);
    // Each node reads the one before: parameters are not nodes.
    nodes.slice(1).forEach((n, i) => {
      expect(n.inputs).toEqual([nodes[i].name]);
    });
    expect(nodes[4].outputShape).toEqual([1, 16, 10, 10]);
    expect(nodes[0].op).toBe('IO Node');
  });

  it("shows a ResNet's residual additions with both inputs, and goes into a board run", async () => {
    const graph = modelGraph(models.resnet18({ numClasses: 10 }), T.randn([1, 3, 32, 32]));
    const add = graph.nodes.find((n) =>
      /^ResNet\/Sequential\[layer1\]\/BasicBlock\[0\]\/add\.\d+$/.test(n.name),
    );
    expect(add?.inputs).toHaveLength(2);
    expect(add?.inputs[0]).toMatch(
      /^ResNet\/Sequential\[layer1\]\/BasicBlock\[0\]\/BatchNorm2d\[bn2\]\//,
    );
    expect(add?.inputs[1]).toBe('ResNet/MaxPool2d[maxpool]/maxPool2d.1');
    const dir = mkdtempSync(join(tmpdir(), 'tensile-graph-'));
    try {
      const writer = new SummaryWriter(dir);
      writer.addGraph(graph);
      await writer.close();
      const runs = await loadRuns(dir);
      const nodes = runs['.'].graph?.node ?? [];
      expect(nodes).toHaveLength(graph.nodes.length);
      expect(nodes.find((n) => n.name === add?.name)?.input).toEqual(add?.inputs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
