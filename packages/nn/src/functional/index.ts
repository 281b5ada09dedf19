/**
 * torch.nn.functional for Tensile, imported as `F` from @tensile/nn. One file per family; each
 * layer module calls the function here, so the two never disagree.
 */
export * from './activation';
export * from './conv';
export * from './distance';
export * from './dropout';
export * from './linear';
export * from './loss';
export * from './normalization';
export * from './pooling';
export * from './sparse';
export * from './unpool';
export * from './vision';
