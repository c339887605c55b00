/**
 * The at-most-once table of a service node: per client, the sequence number of the last command it
 * executed and that command's outcome. A command whose (client, seq) is not newer than the table's is
 * not executed again; the same seq gets the remembered answer. Bounded: past `max` clients the one
 * that executed least recently is forgotten. Part of the replicated state (replicas update it in the
 * same order, so they forget the same clients), and of every snapshot.
 */
import type { Outcome } from './state-machines.js';

export interface ClientEntry {
  seq: number;
  outcome: Outcome;
}

export class ClientTable {
  private entries = new Map<string, ClientEntry>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(client: string): ClientEntry | undefined {
    return this.entries.get(client);
  }

  /** Remember that `client` executed `seq` with `outcome` (it becomes the most recent). */
  record(client: string, seq: number, outcome: Outcome): void {
    this.entries.delete(client);
    this.entries.set(client, { seq, outcome });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  snapshot(): Array<[string, number, Outcome]> {
    return [...this.entries].map(([c, e]) => [c, e.seq, e.outcome]);
  }

  restore(s: unknown): boolean {
    if (!Array.isArray(s)) return false;
    const next = new Map<string, ClientEntry>();
    for (const e of s) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number' || typeof e[2] !== 'object' || e[2] === null) return false;
      next.set(e[0], { seq: e[1], outcome: e[2] as Outcome });
    }
    this.entries = next;
    return true;
  }
}
