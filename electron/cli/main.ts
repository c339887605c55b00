/**
 * `paxlab` — the command line over the engine. Each subcommand lives in commands/<name>.ts and is
 * loaded only when used, so `paxlab trace show` does not pay for the grader or the app server.
 * Exit codes: 0 success, 1 the check failed (a test, a search), 2 bad input (cannot build, bad flags).
 */
import { Command, CommanderError } from 'commander';

/** Thrown by commands for bad input: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  // `paxlab … | head`: a reader that has seen enough is no error of ours.
  for (const out of [process.stdout, process.stderr]) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  let exitCode = 0;
  const program = new Command('paxlab')
    .description('PaxLab: learn Paxos on real nodes')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();

  const use = (load: () => Promise<{ run(...args: any[]): Promise<number> }>) =>
    async (...args: unknown[]) => {
      const mod = await load();
      exitCode = await mod.run(...args);
    };

  program
    .command('run')
    .description('run one single-decree Paxos instance on a real cluster (or the simulator)')
    .option('--nodes <n>', 'number of nodes', '5')
    .option('--propose <values...>', 'value(s) to propose (to the leader, then to later nodes); default x without --clients')
    .option('--clients <n>', 'run this many client sessions (c1..cN) through the network')
    .option('--workload <spec>', 'what the clients do: kv:keys=2,ops=50 | lock:locks=1,ops=10 | log:ops=1, or a JSON file', 'log:ops=1')
    .option('--loss <p>', 'probability a message copy is lost', '0')
    .option('--dup <p>', 'probability a message is duplicated', '0')
    .option('--delay <ms>', 'delay range in ms, e.g. 1-5')
    .option('--seed <n>', 'seed of the network faults (and of the simulator)', '1')
    .option('--sim', 'run in the simulator (virtual time) instead of real processes')
    .option('--trace <file>', 'write the trace as JSON lines')
    .option('--timeout <ms>', 'give up after this long (virtual ms under --sim)', '20000')
    .option('--crash <spec...>', 'fault schedule entries like crash:1@200 restart:1@900 partition:1,2|3,4,5@100 heal@800')
    .action(use(() => import('./commands/run.js')));

  program
    .command('check <trace>')
    .description("judge the clients' history in a trace: linearizability (kv, lock or log model) and exactly-once appends")
    .option('--model <model>', 'kv, lock or log (default: the one the trace names, else the one its operations belong to)')
    .option('--max-steps <n>', 'search budget in steps (the answer is unknown when it runs out)')
    .option('--json', 'print the verdict as JSON')
    .action(use(() => import('./commands/check.js')));

  program
    .command('replay <trace>')
    .description('rerun a recorded real-cluster run with the same node code and check it reproduces every send, decision and reply')
    .option('--module <file>', 'the node module that ran (exports Node); the reference single-decree node by default')
    .option('--json', 'print the report as JSON')
    .action(use(() => import('./commands/replay.js')));

  const trace = program.command('trace').description('traces: show, record');
  trace
    .command('show <file>')
    .description('print a trace as a text space-time diagram')
    .option('--width <n>', 'columns per node', '14')
    .option('--types <list>', 'only these event types, comma-separated')
    .option('--kinds <list>', 'only these message kinds, comma-separated (default: all but heartbeat)')
    .action(use(() => import('./commands/trace-show.js')));
  trace
    .command('record <lab-id>')
    .description("record a lab's reference traces from its scenario scripts and the reference implementation")
    .option('--check', 'do not write; exit 1 if the committed traces differ')
    .action(use(() => import('./commands/trace-record.js')));

  program
    .command('grade <lab-id> <module>')
    .description("grade a student's module against a lab's traces, scenarios and search")
    .option('--json', 'print the verdicts as JSON')
    .option('--hidden', 'also run the instructor-only traces')
    .option('--junit <file>', 'write JUnit XML')
    .option('--gradescope <file>', "write Gradescope's results.json")
    .option('--seed <n>', 'run scenario tests with this one seed (reproduces a failure)')
    .option('--only <kinds>', 'only these test kinds: trace,scenario,search')
    .option('--traces <dir>', 'write each failing run as a trace file (JSON lines) into this folder')
    .option('--root <dir>', 'the submission folder relative imports may not leave (default: the module\'s folder)')
    .option('--for-students', "keep hidden tests' inputs, outputs and printed text out of the text and JSON reports")
    .action(use(() => import('./commands/grade.js')));

  program
    .command('grade-all <lab-id> <dir>')
    .description('grade every submission in a folder, each in its own grader process; write a CSV of scores')
    .option('--out <file>', 'CSV file to write (one row per submission, with status and reason)', 'scores.csv')
    .option('--tests-csv <file>', 'also write the points of every test (one column per test)')
    .option('--hidden', 'also run the instructor-only traces', true)
    .option('--jobs <n>', 'parallel workers')
    .action(use(() => import('./commands/grade-all.js')));

  program
    .command('autograder <lab-id>')
    .description('build a Gradescope autograder package (setup.sh, run_autograder) for a lab, hidden tests included')
    .option('--out <file>', 'zip file to write', 'autograder.zip')
    .option('--node <file>', 'the Node binary to ship for the grader (default: the one running this command)')
    .option('--no-node', "ship no Node binary: the grader's image provides node")
    .action(use(() => import('./commands/autograder.js')));

  program
    .command('autograde <lab-id> <submission-dir>')
    .description("grade a Gradescope submission folder with the hidden tests into results.json (run by run_autograder)")
    .requiredOption('--results <file>', 'results.json to write')
    .option('--reveal-hidden', "show hidden tests' inputs and outputs in results.json (instructors' own checks)")
    .action(use(() => import('./commands/autograde.js')));

  const lab = program.command('lab').description('lab packs');
  lab
    .command('check <lab-id>')
    .description('verify a lab pack: reference passes, starter fails, every mutant is caught with the rule it expects')
    .option('--full', 'grade every mutant with every kind of test (traces, scenarios, search)')
    .option('--mutant <file...>', 'check only these mutants (file names in the mutants folder)')
    .option('--json', 'print the report as JSON')
    .action(use(() => import('./commands/lab-check.js')));
  lab
    .command('list')
    .description('list the lab packs')
    .action(use(() => import('./commands/lab-list.js')));

  const chapter = program.command('chapter').description('the guided course: chapters and their pinned executions (docs/chapters.md)');
  chapter
    .command('list')
    .description('list the chapters, the handler each one is about and the symptom its naive protocol shows')
    .action(use(async () => ({ run: (await import('./commands/chapter.js')).list })));
  chapter
    .command('run <chapter-id>')
    .description("play a chapter's pinned execution and judge it: the naive protocol by default")
    .option('--script <name>', "which pinned execution (default: the one the chapter's Predict question is about)")
    .option('--fix', "run the chapter's reference fix (instructor installations)")
    .option('--module <file>', 'run your own node module (exports Node), on real processes')
    .option('--cluster', 'run on real processes through the hub instead of the simulator')
    .option('--trace <file>', 'write the trace as JSON lines')
    .option('--json', 'print the result as JSON')
    .action(use(() => import('./commands/chapter.js')));
  chapter
    .command('story <chapter-id> [story]')
    .description('the seed stories a chapter plays (Examples 1-5, dueling and distinguished proposers), or one told message by message with its narration')
    .action(use(async () => ({ run: (await import('./commands/chapter.js')).story })));

  program
    .command('search <lab-id> <module>')
    .description("explore every delivery order of a small configuration around the student's role")
    .option('--depth <n>', 'maximum depth')
    .option('--states <n>', 'state budget (default: the test\'s, else 2000000)')
    .option('--trace <file>', 'write the counterexample trace here')
    .option('--json', 'print the report as JSON')
    .action(use(() => import('./commands/search.js')));

  program
    .command('serve')
    .description('serve the app in a browser on 127.0.0.1 (the same engine as the desktop app)')
    .option('--port <n>', 'port (0 = any free port)', '0')
    .option('--workspace <dir>', "the student's workspace folder")
    .option('--no-open', 'do not print the banner')
    .action(use(() => import('./commands/serve.js')));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(`paxlab: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`paxlab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}
