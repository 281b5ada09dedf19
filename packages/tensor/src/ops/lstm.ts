/**
 * The LSTM cell as two fused ops, PyTorch's _thnn_fused_lstm_cell and its backward: a step of
 * nn.LSTM was a dozen elementwise ops over strided views of the gates. Neither op is recorded
 * by autograd; nn's LSTM wraps the pair in one Function. Backends without the kernels get the
 * same values from tensor ops, and `differentiable` asks for those ops recorded (a backward
 * under createGraph must itself be differentiable).
 */
import { composite, noGrad } from '../dispatch';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { sameShape } from '../shape';
import type { Tensor } from '../tensor';
import { wrapStorage } from '../tensor-base';
import { checkSameDevice } from './broadcast';
import { cat } from './joining';

export interface LstmCellOptions {
  /** Compose the cell from tensor ops, recorded by autograd in grad mode (default false). */
  differentiable?: boolean;
}

const composed = <T>(opts: LstmCellOptions, fn: () => T): T =>
  opts.differentiable ? fn() : noGrad(fn);

function check(
  op: string,
  cx: Tensor,
  gates: readonly Tensor[],
  states: readonly (Tensor | null)[],
) {
  checkSameDevice(op, cx, ...gates, ...states.map((t) => t ?? undefined));
  if (cx.dtype !== 'float32' && cx.dtype !== 'float64')
    throw new DTypeError(`${op}: expected a float32 or float64 cell state, but got ${cx.dtype}`);
  if (cx.ndim !== 2)
    throw new ShapeError(`${op}: expected a 2-D cell state, but got ${fmtShape(cx.shape)}`);
  const [b, h] = cx.shape;
  const named = (t: Tensor | null, shape: number[]) => {
    if (t && !sameShape(t.shape, shape))
      throw new ShapeError(
        `${op}: expected a tensor of shape ${fmtShape(shape)} for a cell state of ${fmtShape(cx.shape)}, but got ${fmtShape(t.shape)}`,
      );
    if (t && t.dtype !== cx.dtype)
      throw new DTypeError(`${op}: expected ${cx.dtype} like the cell state, but got ${t.dtype}`);
  };
  for (const g of gates) named(g, [b, 4 * h]);
  for (const s of states) named(s, [b, h]);
}

/**
 * One LSTM step: gates = inputGates + hiddenGates ([B, 4H], in torch's order i, f, g, o);
 * cy = sigmoid(f) cx + sigmoid(i) tanh(g), hy = sigmoid(o) tanh(cy). Returns [hy, cy,
 * workspace], the workspace (the activated gates, [B, 4H]) being what lstmCellBackward needs.
 */
export function lstmCell(
  inputGates: Tensor,
  hiddenGates: Tensor,
  cx: Tensor,
  opts: LstmCellOptions = {},
): [Tensor, Tensor, Tensor] {
  return composite('lstmCell', [inputGates, hiddenGates, cx], {}, () =>
    lstmCellOf(inputGates, hiddenGates, cx, opts),
  );
}

function lstmCellOf(
  inputGates: Tensor,
  hiddenGates: Tensor,
  cx: Tensor,
  opts: LstmCellOptions,
): [Tensor, Tensor, Tensor] {
  check('lstmCell', cx, [inputGates, hiddenGates], []);
  const be = cx.storage.backend;
  if (be.lstmCell && !opts.differentiable) {
    const [hy, cy, ws] = be.lstmCell(
      inputGates.contiguous(),
      hiddenGates.contiguous(),
      cx.contiguous(),
    );
    return [
      wrapStorage(hy, [...cx.shape]),
      wrapStorage(cy, [...cx.shape]),
      wrapStorage(ws, [...inputGates.shape]),
    ];
  }
  return composed(opts, () => {
    const [i, f, g, o] = inputGates.add(hiddenGates).chunk(4, 1);
    const act = [i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()];
    const cy = act[1].mul(cx).add(act[0].mul(act[2]));
    return [act[3].mul(cy.tanh()), cy, cat(act, 1)];
  });
}

/**
 * lstmCell's gradient: [the gates' gradient [B, 4H] (both inputGates' and hiddenGates'), cx's
 * gradient], from the gradients of hy and cy (null where an output got none).
 */
export function lstmCellBackward(
  gradHy: Tensor | null,
  gradCy: Tensor | null,
  cx: Tensor,
  cy: Tensor,
  workspace: Tensor,
  opts: LstmCellOptions = {},
): [Tensor, Tensor] {
  check('lstmCellBackward', cx, [workspace], [gradHy, gradCy, cy]);
  const be = cx.storage.backend;
  if (be.lstmCellBackward && !opts.differentiable) {
    const dense = (t: Tensor | null) => t?.contiguous() ?? null;
    const [dg, dc] = be.lstmCellBackward(
      dense(gradHy),
      dense(gradCy),
      cx.contiguous(),
      cy.contiguous(),
      workspace.contiguous(),
    );
    return [wrapStorage(dg, [...workspace.shape]), wrapStorage(dc, [...cx.shape])];
  }
  return composed(opts, () => {
    const [i, f, g, o] = workspace.chunk(4, 1);
    const t = cy.tanh();
    const gh = gradHy ?? cx.mul(0);
    const d = gh.mul(o).mul(t.square().neg().add(1));
    const dcy = gradCy ? d.add(gradCy) : d;
    const dGates = [
      dcy.mul(g).mul(i.mul(i.neg().add(1))),
      dcy.mul(cx).mul(f.mul(f.neg().add(1))),
      dcy.mul(i).mul(g.square().neg().add(1)),
      gh.mul(t).mul(o.mul(o.neg().add(1))),
    ];
    return [cat(dGates, 1), dcy.mul(f)];
  });
}
