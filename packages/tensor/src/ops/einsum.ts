import { ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { matmul } from './linalg';
import * as R from './reduce';
import * as V from './views';

/** A tensor with one label per dim (letters, or '#k' for the k-th ellipsis dim from the right). */
interface Term {
  t: Tensor;
  labels: string[];
}

function parseTerm(term: string, ndim: number, op: number): string[] {
  const parts = term.split('...');
  if (parts.length > 2)
    throw new ValueError(`einsum(): found more than one ellipsis in operand ${op}`);
  for (const ch of parts.join('')) {
    if (!/[a-zA-Z]/.test(ch))
      throw new ValueError(
        `einsum(): invalid subscript given at index ${term.indexOf(ch)} in the equation string, subscripts must be in [a-zA-Z]`,
      );
  }
  const letters = parts.join('').length;
  if (parts.length === 1) {
    if (letters !== ndim)
      throw new ShapeError(
        `einsum(): the number of subscripts in the equation (${letters}) does not match the number of dimensions (${ndim}) for operand ${op} and no ellipsis was given`,
      );
    return [...term];
  }
  const nEll = ndim - letters;
  if (nEll < 0)
    throw new ShapeError(
      `einsum(): the number of subscripts in the equation (${letters}) is more than the number of dimensions (${ndim}) for operand ${op}`,
    );
  return [...parts[0], ...Array.from({ length: nEll }, (_, i) => `#${nEll - 1 - i}`), ...parts[1]];
}

/** Takes diagonals until every label appears once (einsum('ii->i')). */
function dedupe(term: Term): Term {
  let { t, labels } = term;
  for (let i = 0; i < labels.length; i++) {
    const j = labels.indexOf(labels[i], i + 1);
    if (j < 0) continue;
    if (t.shape[i] !== t.shape[j])
      throw new ShapeError(
        `einsum(): subscript ${labels[i]} is repeated for operand but the sizes don't match, ${t.shape[i]} != ${t.shape[j]}`,
      );
    t = V.diagonal(t, 0, i, j);
    labels = [...labels.filter((_, k) => k !== i && k !== j), labels[i]];
    i = -1;
  }
  return { t, labels };
}

/** Sums away labels not in `keep`. */
function sumOut(term: Term, keep: Set<string>): Term {
  const dims = term.labels.flatMap((l, d) => (keep.has(l) ? [] : [d]));
  if (dims.length === 0) return term;
  return { t: R.sum(term.t, dims), labels: term.labels.filter((l) => keep.has(l)) };
}

function sizeOf(a: Term, b: Term, l: string): number {
  const sa = a.t.shape[a.labels.indexOf(l)] ?? 1;
  const sb = b.t.shape[b.labels.indexOf(l)] ?? 1;
  if (sa !== sb && sa !== 1 && sb !== 1)
    throw new ShapeError(
      `einsum(): operands do not broadcast with remapped shapes: subscript ${l} has sizes ${sa} and ${sb}`,
    );
  return Math.max(sa, sb);
}

/** Contracts two terms with one batched matmul: [batch, aOnly, k] x [batch, k, bOnly]. */
function contract(a: Term, b: Term, keep: Set<string>): Term {
  a = sumOut(a, new Set([...keep, ...b.labels]));
  b = sumOut(b, new Set([...keep, ...a.labels]));
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const size = (l: string) => sizeOf(a, b, l);
  const inBoth = (l: string) => a.labels.includes(l) && inB.has(l);
  // Permutes x's dims into `order`, broadcasting shared labels of size 1 to the other's size.
  const arrange = (x: Term, order: string[]) => {
    const perm = V.permute(
      x.t,
      order.map((l) => x.labels.indexOf(l)),
    );
    return V.expand(
      perm,
      order.map((l, i) => (inBoth(l) ? size(l) : perm.shape[i])),
    );
  };
  const prod = (ls: string[]) => ls.reduce((n, l) => n * size(l), 1);
  const A = V.reshape(arrange(a, [...batch, ...aOnly, ...summed]), [
    prod(batch),
    prod(aOnly),
    prod(summed),
  ]);
  const B = V.reshape(arrange(b, [...batch, ...summed, ...bOnly]), [
    prod(batch),
    prod(summed),
    prod(bOnly),
  ]);
  const out = V.reshape(matmul(A, B), [...batch, ...aOnly, ...bOnly].map(size));
  return { t: out, labels: [...batch, ...aOnly, ...bOnly] };
}

/** torch.einsum with implicit or explicit output, ellipses, repeated subscripts and broadcasting. */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  const inputs = lhs.split(',');
  if (inputs.length !== tensors.length) {
    throw new ValueError(
      `einsum(): more operands were provided than specified in the equation (${tensors.length} tensors, ${inputs.length} terms)`,
    );
  }
  const terms = inputs.map((s, i) =>
    dedupe({ t: tensors[i], labels: parseTerm(s, tensors[i].ndim, i) }),
  );
  const nEll = Math.max(0, ...terms.map((t) => t.labels.filter((l) => l.startsWith('#')).length));
  const ell = Array.from({ length: nEll }, (_, i) => `#${nEll - 1 - i}`);
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const s of inputs)
      for (const ch of s.replace('...', '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    output = [...ell, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()];
  } else {
    output = parseTerm(rhs, rhs.replace('...', '').length + (rhs.includes('...') ? nEll : 0), -1);
    const seen = new Set(terms.flatMap((t) => t.labels));
    for (const l of output) {
      if (!seen.has(l))
        throw new ValueError(
          `einsum(): output subscript ${l} does not appear in the equation for any input operand`,
        );
      if (output.indexOf(l) !== output.lastIndexOf(l))
        throw new ValueError(
          `einsum(): output subscript ${l} appears more than once in the output`,
        );
    }
  }
  let acc = terms[0];
  for (let i = 1; i < terms.length; i++) {
    const later = new Set([...output, ...terms.slice(i + 1).flatMap((t) => t.labels)]);
    acc = contract(acc, terms[i], later);
  }
  acc = sumOut(acc, new Set(output));
  return V.permute(
    acc.t,
    output.map((l) => acc.labels.indexOf(l)),
  );
}
