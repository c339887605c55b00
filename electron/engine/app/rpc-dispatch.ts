import { toReply, validateArgs, type ApiMethod, type ApiReply, type PaxLabService } from '../../api.js';

/**
 * One call from a renderer, by any transport: validate the arguments, run the service method, and
 * answer with a reply envelope. Never throws — bad input and failures come back as errors.
 */
export function dispatchCall(service: PaxLabService, method: unknown, args: unknown): Promise<ApiReply> {
  return toReply(() => {
    const checked = validateArgs(method as ApiMethod, args);
    const fn = service[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
    return fn.apply(service, checked);
  });
}
