// The harness moved to @tensile/tensor/testing (src/testing); autograd's golden-grads test and
// backend-gpujs's skips.ts still import it from here.
export * from '@tensile/tensor/testing';
