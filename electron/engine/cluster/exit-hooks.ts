/**
 * Kill node processes when the supervising process ends: on normal exit, and on SIGINT/SIGTERM
 * (after which the signal is re-raised so the process still ends as it would have). SIGKILL of the
 * supervisor cannot be caught; for that the nodes watch their parent themselves.
 */
const killers = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const kill of killers) {
    try {
      kill();
    } catch {
      /* keep killing the others */
    }
  }
  killers.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  uninstall();
  // Others may handle the signal; if nobody does, end the process the way the signal would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const onSigint = () => onSignal('SIGINT');
const onSigterm = () => onSignal('SIGTERM');

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', runAll);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
}

/** Register `kill` to run if the process ends; returns the function that unregisters it. */
export function killAllOnExit(kill: () => void): () => void {
  killers.add(kill);
  install();
  return () => {
    killers.delete(kill);
    if (killers.size === 0) uninstall();
  };
}
