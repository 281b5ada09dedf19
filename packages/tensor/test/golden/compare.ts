// The harness moved to @tensile/tensor/testing (src/testing); autograd's golden-grads test still
// imports it from here.
export * from '@tensile/tensor/testing';
