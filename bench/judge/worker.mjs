// The benchmark's worker thread: TypeScript through tsx (a worker does not inherit the main thread's loader), then
// the runner, which answers each job it is sent (runner.ts).
import { register } from 'tsx/esm/api';

register();
const { serveJobs } = await import('./runner.ts');
serveJobs();
