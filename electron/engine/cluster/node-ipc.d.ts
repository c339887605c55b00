// The small part of node-ipc 12 that control-channel.ts uses (the package ships no types).
declare module 'node-ipc' {
  import type { Socket } from 'node:net';

  interface IpcConfig {
    id: string;
    appspace: string;
    socketRoot: string;
    silent: boolean;
    logger: (...args: unknown[]) => void;
    retry: number;
    maxRetries: number;
    stopRetrying: boolean;
    [key: string]: unknown;
  }

  interface IpcServer {
    on(event: string, handler: (...args: any[]) => void): IpcServer;
    emit(socket: Socket, event: string, data: unknown): void;
    start(): void;
    stop(): void;
  }

  interface IpcClientConnection {
    on(event: string, handler: (...args: any[]) => void): IpcClientConnection;
    emit(event: string, data: unknown): void;
  }

  export class IPCModule {
    config: IpcConfig;
    of: Record<string, IpcClientConnection>;
    server: IpcServer;
    serve(callback?: () => void): void;
    serve(path: string, callback?: () => void): void;
    connectTo(id: string, callback?: () => void): void;
    connectTo(id: string, path: string, callback?: () => void): void;
    disconnect(id: string): void;
  }

  const singleton: IPCModule;
  export default singleton;
}
