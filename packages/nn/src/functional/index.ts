/** torch.nn.functional for Tensile: imported as `F` from @tensile/nn. */
export { bilinear, linear } from './linear';
