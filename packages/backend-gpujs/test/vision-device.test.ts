// vision's device tests where the gpu backend is registered (the vision project registers none):
// its gpu block checks that every tensor transform keeps a gpu image on the gpu, as the CPU's.
import './gpu';
import '../../vision/test/device.test';
