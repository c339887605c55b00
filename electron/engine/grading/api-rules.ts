/**
 * Rules every role obeys whatever the lab (docs/student-api.md, "Rules for every role" and "What the graders promise").
 * A lab's own rules live in its manifest; these are the harness's.
 */
export const API_RULES: Record<string, string> = {
  'api.constructor': 'The role class is constructed as new Class(id, config) and its constructor does not throw.',
  'api.handler': 'The role class has the handlers the student API (docs/student-api.md) lists for its role.',
  'api.no-throw': 'Handlers are synchronous and deterministic and return their output; they never throw.',
  'api.returns-message': 'A handler returns a well-formed message of the kind the student API gives it (exactly its fields), or null where "no output" is allowed.',
  'api.no-mutation': 'A handler may not mutate the message it is given.',
  'api.fresh-output': 'A handler\'s output must be a fresh object (not its input, not an object it returned before).',
  'api.time-limit': "A handler returns within the CPU time limit of one call, and a test's calls together stay within the test's CPU budget.",
  'api.memory-limit': 'A handler stays within the sandbox\'s memory limit.',
  'api.no-exit': 'A handler never ends or kills its process.',
  'api.no-host': 'Role code uses only standard JavaScript and @paxlab/sdk: no process, require, timers, network, files, clocks or randomness.',
};
