// Child process for exit-behaviour tests: node --import tsx write.ts <logDir> <mode>
import { SummaryWriter } from '../../src/index';

const [logDir, mode] = process.argv.slice(2);
const writer = new SummaryWriter(logDir, { maxQueue: 1000 });
for (let step = 0; step < 5; step++) writer.addScalar('loss', step, step);

if (mode === 'exit') process.exit(0);
if (mode === 'kill') {
  await writer.flush();
  for (let step = 5; step < 10; step++) writer.addScalar('loss', step, step);
  process.kill(process.pid, 'SIGKILL');
}
// mode 'idle': nothing else; the flush timer must not keep the process alive.
