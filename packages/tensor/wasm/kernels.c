// Entry points of the WebAssembly module: workspace size and the task runner.
#include "kernels.h"

int gemm_ws_bytes(void);

int ws_bytes(void) { return gemm_ws_bytes(); }

// Runs tasks first, first + step, ... of `count` records: thread i of n passes (i, n).
void run(const int *tasks, int count, int first, int step, float *ws) {
  for (int i = first; i < count; i += step) {
    const int *t = tasks + i * TASK_WORDS;
    switch (t[0]) {
      case OP_GEMM: gemm_block((const GemmTask *)t, ws); break;
      case OP_MAX_POOL: max_pool_task((const PoolTask *)t); break;
      case OP_ELTWISE: eltwise_task((const EltTask *)t); break;
      case OP_SGD: sgd_task((const SgdTask *)t); break;
      case OP_ADAM: adam_task((const AdamTask *)t); break;
      case OP_SOFTMAX: softmax_task((const SoftmaxTask *)t); break;
      case OP_REDUCE: reduce_task((const ReduceTask *)t); break;
      case OP_LSTM_CELL:
      case OP_LSTM_CELL_BACKWARD: lstm_task((const LstmTask *)t); break;
      case OP_AVG_POOL:
      case OP_AVG_POOL_BACKWARD: avg_pool_task((const AvgPoolTask *)t); break;
      default: conv_task((const ConvTask *)t, ws);  // the three OP_CONV_* kinds
    }
  }
}
