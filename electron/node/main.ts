/**
 * The entry point of one Paxos node process (bundled to dist/node.js; run by the supervisor with
 * Electron's Node or plain node). Its configuration comes from the environment (node-config.ts).
 *
 * The process never outlives its cluster: it exits when the control channel or the hub connection
 * closes, when stdin (a pipe from the supervisor) ends, or when it is re-parented.
 */
import { ControlClient } from '../engine/cluster/control-channel.js';
import type { ToNode } from '../engine/cluster/control-channel.js';
import { NODE_CONFIG_ENV, parseNodeConfig } from '../engine/cluster/node-config.js';
import type { NodeProcessConfig } from '../engine/cluster/node-config.js';
import { HubConnection } from './hub-connection.js';
import { loadNodeFactory } from './load-program.js';
import { describe, NodeRuntime } from './runtime.js';
import type { NodeFactory } from './runtime.js';
import { FileStorage } from './storage.js';

/** Exit codes, so the supervisor's log says why a node left. */
const EXIT = { stopped: 0, failed: 1, badConfig: 2, orphaned: 3, hubLost: 4 } as const;

function main(): void {
  let cfg: NodeProcessConfig;
  try {
    cfg = parseNodeConfig(process.env[NODE_CONFIG_ENV]);
  } catch (err) {
    process.stderr.write(`paxlab node: ${(err as Error).message}\n`);
    process.exit(EXIT.badConfig);
  }
  const node = cfg.node;
  let runtime: NodeRuntime | null = null;
  let hub: HubConnection | null = null;
  let startRequested = false;
  // Scripted mode: onStart waits for the hub's `boot` too, so nodes start in the script's order.
  let bootRequested = !cfg.scripted;
  let factory: NodeFactory | null = null;
  const early: Array<() => void> = [];

  const control = new ControlClient(cfg.control, node, {
    onMessage: (msg: ToNode) => onControl(msg),
    onLost: () => process.exit(EXIT.orphaned),
  });
  control.send({ type: 'hello', node, pid: process.pid });
  setInterval(() => control.send({ type: 'heartbeat', node }), cfg.heartbeatMs);
  watchParent();

  const fail = (message: string) => {
    control.send({ type: 'fatal', node, message });
    process.stderr.write(`paxlab node ${node}: ${message}\n`);
    // Give the report a moment to leave: the control socket may still be connecting.
    void control.whenConnected(500).then(() => setTimeout(() => process.exit(EXIT.failed), 20));
  };
  process.on('uncaughtException', (err) => fail(`node runtime failed: ${describe(err)}`));

  function onControl(msg: ToNode): void {
    switch (msg.type) {
      case 'start':
        startRequested = true;
        maybeStart();
        return;
      case 'stop':
        runtime?.stop();
        void (hub?.end() ?? Promise.resolve()).then(() => process.exit(EXIT.stopped));
        return;
      case 'crash':
        process.kill(process.pid, 'SIGKILL');
        return;
      case 'snapshot':
        control.send({
          type: 'snapshot',
          node,
          req: msg.req,
          snapshot: runtime?.snapshot() ?? { node, pid: process.pid, state: null, storage: null, timers: {} },
        });
        return;
    }
  }

  function maybeStart(): void {
    if (!startRequested || !bootRequested || !factory || !hub || !runtime || runtime.started) return;
    runtime.start(factory);
    for (const run of early.splice(0)) run();
    control.send({ type: 'started', node });
  }

  Promise.all([loadNodeFactory(cfg.program), HubConnection.connect(cfg)]).then(
    ([f, conn]) => {
      factory = f;
      hub = conn;
      const storage = new FileStorage(cfg.storageFile, (problem) => conn.send({ type: 'error', message: problem }), cfg.durability);
      const rt = new NodeRuntime(cfg, conn, storage);
      runtime = rt;
      conn.onClose(() => process.exit(EXIT.hubLost));
      conn.onFrame((frame) => {
        if (frame.type === 'boot') {
          bootRequested = true;
          maybeStart();
          return;
        }
        // Frames that arrive before `start` wait for it, in order.
        const handle = () => {
          if (frame.type === 'deliver') rt.deliver(frame.from, frame.msg, frame.t);
          else if (frame.type === 'client-request') rt.clientRequest(frame.request, frame.t);
          else if (frame.type === 'fire') rt.fire(frame.name);
        };
        if (rt.started) handle();
        else early.push(handle);
      });
      maybeStart();
    },
    (err: Error) => fail(err.message),
  );
}

/** Exit when the supervisor is gone, even if it died without closing our sockets. */
function watchParent(): void {
  const parent = process.ppid;
  process.stdin.on('end', () => process.exit(EXIT.orphaned));
  process.stdin.on('error', () => process.exit(EXIT.orphaned));
  process.stdin.resume();
  setInterval(() => {
    if (process.ppid !== parent) process.exit(EXIT.orphaned);
  }, 500).unref();
}

main();
