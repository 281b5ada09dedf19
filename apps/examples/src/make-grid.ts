// makeGrid tiles a batch of images into one image (torchvision.utils.make_grid), e.g. to look at
// a batch or log it with SummaryWriter.addImage: each image gets `padding` pixels around it.
// Run: pnpm --filter @tensile/examples run make-grid [-- OUT.png]
import { manualSeed, rand } from '@tensile/tensor';
import { makeGrid, saveImage } from '@tensile/vision';

manualSeed(0);
const images = rand([3, 3, 32, 32]); // 3 RGB images, 32 x 32, values in [0, 1]
const grid = makeGrid(images, { padding: 2 });
// 3 images in a row: height 2 + 32 + 2 = 36, width 2 + 3 * (32 + 2) = 104.
console.log(`makeGrid of [${images.shape.join(', ')}] with padding 2: [${grid.shape.join(', ')}]`);

const gray = makeGrid(rand([10, 1, 28, 28]), { nrow: 5 });
console.log(`makeGrid of 10 gray 28 x 28 images, nrow 5: [${gray.shape.join(', ')}] (made RGB)`);

const out = process.argv.slice(2).find((a) => a !== '--');
if (out) {
  saveImage(images, out, { padding: 2 });
  console.log(`saved to ${out}`);
}
