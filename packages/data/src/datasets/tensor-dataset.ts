import type { Tensor } from '@tensile/tensor';
import { ValueError } from '@tensile/tensor';
import { checkIndex, Dataset, type WorkerSpec } from './dataset';

/** Samples are the index-th rows of each tensor (torch.utils.data.TensorDataset). */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new ValueError('TensorDataset needs at least one tensor');
    const n = tensors[0].shape[0];
    if (tensors.some((t) => t.shape.length === 0 || t.shape[0] !== n)) {
      throw new ValueError(
        `Size mismatch between tensors: first dims are ${tensors.map((t) => t.shape[0]).join(', ')}`,
      );
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    const i = checkIndex(index, this.length, 'TensorDataset');
    return this.tensors.map((t) => t.select(0, i));
  }

  override workerSpec(): WorkerSpec {
    return { module: '@tensile/data', export: 'TensorDataset', args: this.tensors };
  }
}
