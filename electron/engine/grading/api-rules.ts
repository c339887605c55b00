/**
 * Rules every role obeys whatever the lab (docs/student-api.md, "Rules for every role" and "What the graders promise").
 * A lab's own rules live in its manifest; these are the harness's.
 */
export const API_RULES: Record<string, string> = {
  'api.constructor': 'The exported class is constructed as its lab says (a role: new Class(id, config); a whole node: new Node(ctx, options)) and its constructor does not throw.',
  'api.handler': 'The role class has the handlers the student API (docs/student-api.md) lists for its role.',
  'api.no-throw': 'Handlers are synchronous and deterministic and return their output; they never throw.',
  'api.returns-message': 'A handler returns a well-formed message of the kind the student API gives it (exactly its fields), or null where "no output" is allowed.',
  'api.no-mutation': 'A handler may not mutate the message it is given.',
  'api.fresh-output': 'A handler\'s output must be a fresh object (not its input, not an object it returned before).',
  'api.time-limit': "A handler returns within the CPU time limit of one call, and a test's calls together stay within the test's CPU budget.",
  'api.memory-limit': 'A handler stays within the sandbox\'s memory limit.',
  'api.no-exit': 'A handler never ends or kills its process.',
  'api.no-host': 'Role code uses only standard JavaScript and @paxlab/sdk: no process, require, timers, network, files, clocks or randomness.',
  // Whole nodes (PaxosNode classes, docs/grading.md "Node labs"): how a node may use its context.
  'api.export': 'The module exports the class the lab names.',
  'api.send-target': 'A node sends (and redirects clients) only to nodes of its cluster: ids in ctx.nodes.',
  'api.message': "A message is JSON data: an object with a string 'kind', at most 64 KB of JSON.",
  'api.flood': 'One call asks its context for at most 2000 things (messages, timers, answers, saves, log lines).',
  'api.timer': "A timer's name is a string and its delay a number of ms >= 0.",
  'api.decide': 'decide(value, slot) is given a string value and an integer slot >= 0.',
  'api.answer': 'reply, redirect and reject are given the request id (a string) and a string result or reason.',
  'api.storage': 'storage.save() is given JSON data of at most 1 MB.',
  'api.sync-handler': 'Node handlers are synchronous: an async handler\'s work after its first await never runs.',
};
