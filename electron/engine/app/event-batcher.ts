/**
 * Collects items and hands them over in batches at most every `intervalMs`, so a busy cluster
 * (thousands of events a second) costs the renderer a few dozen messages a second, not thousands.
 */
export class EventBatcher<T> {
  private items: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (items: T[]) => void,
  ) {}

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.deliver(batch);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
